/**
 * Read-side queries on a journal file, on their own read-only connection (WAL lets them run
 * while the engine appends): the console's intent chain.
 */
import type Database from 'better-sqlite3';
import type { JournalRecord } from '../records/records.js';
import { openJournalDatabase, rowToRecord, SELECT_ROWS, type JournalRow } from './sqlite-schema.js';

export class JournalQuery {
  private readonly db: Database.Database;
  private readonly byCorrelation: Database.Statement;

  /** @example new JournalQuery('out/serve/journal.db').chain('intent-017') */
  constructor(path: string) {
    this.db = openJournalDatabase(path, { readonly: true }).db;
    this.byCorrelation = this.db.prepare(`${SELECT_ROWS} WHERE correlation_id = ? ORDER BY seq LIMIT 5000`);
  }

  /** Every record of one intent's chain, in seq order (the partial correlation index serves it). */
  chain(correlationId: string): JournalRecord[] {
    return (this.byCorrelation.all(correlationId) as JournalRow[]).map(rowToRecord);
  }

  close(): void { this.db.close(); }
}
