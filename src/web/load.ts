/** Opens a journal file for reading (SQLite, through src/journal/open.ts). */
import { existsSync } from 'node:fs';
import { ReckonError } from '../domain/errors.js';
import { openJournalForRead } from '../journal/open.js';
import type { JournalRecord } from '../records/records.js';

export function readJournal(path: string): IterableIterator<JournalRecord> {
  if (!existsSync(path)) throw new ReckonError('BAD_INPUT', `journal not found: ${path}`);
  return openJournalForRead(path);
}
