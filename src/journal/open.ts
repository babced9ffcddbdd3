/**
 * Read-side helpers for journal files (trace, report, replay tooling): no JournalStore needed.
 */
import type Database from 'better-sqlite3';
import type { JournalRecord } from '../records/records.js';
import { firstSeq, openJournalDatabase, readLastRow, rowToRecord, SELECT_ROWS, type JournalRow } from './sqlite-schema.js';

/**
 * Iterator over a journal file's committed records that owns its read-only connection: the
 * connection closes when iteration ends, when a `for…of` loop exits early (break/throw call
 * `return()`), or on `close()`. It reads one snapshot: rows committed after the first `next()`
 * are not included.
 */
export class JournalReader implements IterableIterator<JournalRecord> {
  private rows: IterableIterator<JournalRow> | null;
  private db: Database.Database | null;

  /** Use openJournalForRead. */
  constructor(db: Database.Database, fromSeq: number) {
    this.db = db;
    this.rows = db.prepare(`${SELECT_ROWS} WHERE seq >= ? ORDER BY seq`).iterate(firstSeq(fromSeq)) as IterableIterator<JournalRow>;
  }

  next(): IteratorResult<JournalRecord, undefined> {
    if (this.rows === null) return { done: true, value: undefined };
    let step: IteratorResult<JournalRow>;
    try {
      step = this.rows.next();
    } catch (err) {
      this.close();
      throw err;
    }
    if (step.done) {
      this.close();
      return { done: true, value: undefined };
    }
    return { done: false, value: rowToRecord(step.value) };
  }

  return(): IteratorResult<JournalRecord, undefined> {
    this.close();
    return { done: true, value: undefined };
  }

  [Symbol.iterator](): this {
    return this;
  }

  /** Closes the connection; further next() calls report done. Idempotent. */
  close(): void {
    if (this.rows !== null) {
      this.rows.return?.();
      this.rows = null;
    }
    if (this.db !== null) {
      this.db.close();
      this.db = null;
    }
  }
}

/**
 * Opens a journal file read-only and iterates its records from `fromSeq` (default 1).
 * Throws ReckonError('BAD_INPUT') at once if the file is not a Reckon journal.
 *
 * @example
 * for (const record of openJournalForRead('run.journal.db')) fold(state, record);
 */
export function openJournalForRead(path: string, fromSeq = 1): JournalReader {
  return new JournalReader(openJournalDatabase(path, { readonly: true }).db, fromSeq);
}

/**
 * Last committed seq and head hash of a journal file, (0, GENESIS_HASH) when empty: what a
 * run must end on to match another run, without reading the journal.
 *
 * @example
 * journalHead('a.db').headHash === journalHead('b.db').headHash; // same inputs, same journal
 */
export function journalHead(path: string): { lastSeq: number; headHash: string } {
  const { db } = openJournalDatabase(path, { readonly: true });
  try {
    return readLastRow(db);
  } finally {
    db.close();
  }
}
