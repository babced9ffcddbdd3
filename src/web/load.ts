/**
 * Opens a journal file for reading through src/journal/open.ts (loaded lazily, so this module
 * does not tie the web builders to the SQLite driver).
 */
import { existsSync } from 'node:fs';
import type { JournalRecord } from '../records/records.js';

type OpenFn = (path: string) => IterableIterator<JournalRecord>;

export async function readJournal(path: string): Promise<IterableIterator<JournalRecord>> {
  if (!existsSync(path)) throw new Error(`journal not found: ${path}`);
  const modulePath = '../journal/open.js';
  const mod = (await import(modulePath)) as { openJournalForRead?: OpenFn };
  if (typeof mod.openJournalForRead !== 'function') throw new Error('src/journal/open.ts does not export openJournalForRead');
  return mod.openJournalForRead(path);
}
