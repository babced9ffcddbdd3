/**
 * Opens a journal file for the pages (SQLite, through src/journal/open.ts) and checks it with
 * `journal verify`. Reading is tolerant of a damaged journal: a record that cannot be read (the
 * database is corrupt there, a payload is not JSON) ends the records handed out, and the reason
 * is reported, so a page can still show what precedes it — with a warning, never silently.
 */
import { existsSync } from 'node:fs';
import { ReckonError } from '../domain/errors.js';
import { openJournalForRead } from '../journal/open.js';
import { verifyJournal } from '../journal/verify.js';
import type { JournalRecord } from '../records/records.js';
import type { JournalVerification, PageIntegrity } from './data-types.js';

export function readJournal(path: string): IterableIterator<JournalRecord> {
  if (!existsSync(path)) throw new ReckonError('BAD_INPUT', `journal not found: ${path}`);
  return openJournalForRead(path);
}

export interface TolerantRead {
  /** The records up to the first one that cannot be read. */
  readonly records: Iterable<JournalRecord>;
  /** After iterating: why reading stopped early, or null when every record was read. */
  unreadable(): PageIntegrity['unreadable'];
}

/**
 * Reads a journal's records, stopping (not throwing) at the first record that cannot be read.
 *
 * @example
 * const read = readJournalTolerant('out/run/journal.db');
 * const data = buildTraceData(read.records);
 * read.unreadable(); // null, or { lastReadSeq: 41, reason: 'record after seq 41: Unexpected token …' }
 */
export function readJournalTolerant(path: string): TolerantRead {
  const reader = readJournal(path);
  let stop: PageIntegrity['unreadable'] = null;
  function* records(): Generator<JournalRecord> {
    let last = 0;
    try {
      for (;;) {
        let step: IteratorResult<JournalRecord>;
        try {
          step = reader.next();
        } catch (err) {
          stop = { lastReadSeq: last, reason: `record after seq ${last} cannot be read: ${(err as Error).message}` };
          return;
        }
        if (step.done) return;
        last = step.value.seq;
        yield step.value;
      }
    } finally {
      reader.return?.();
    }
  }
  return { records: records(), unreadable: () => stop };
}

/**
 * `journal verify` of a journal file, as the pages embed it.
 *
 * @example
 * verifyForPage('out/run/journal.db') // { ok: false, firstBadSeq: 42, reason: 'seq 42: hash mismatch (record altered)' }
 */
export async function verifyForPage(path: string): Promise<JournalVerification> {
  // Awaited: verification may become asynchronous (anchors outside the file) without changing callers.
  const r = await verifyJournal(path);
  return r.ok ? { ok: true } : { ok: false, firstBadSeq: r.firstBadSeq, reason: r.reason };
}
