/**
 * Read side of the PostgreSQL journal: its own read-only connection (no lock, so `journal
 * verify`, export, trace, report and `tail` run beside the writer), cursors in pages, and one
 * consistent snapshot (REPEATABLE READ) for a whole walk. The connection is read-only for the
 * server too (`default_transaction_read_only`).
 */
import type { JournalRecord } from '../records/records.js';
import {
  checkPgFormat, ensurePgSchema, noJournal, parsePgJournalUrl, pgHeads, selectRows, type PgJournalAddress,
} from './postgres-schema.js';
import { pgError, PgSession } from './postgres-session.js';
import { firstSeq, rowToRecord, type JournalRow } from './sqlite-schema.js';
import { GENESIS_HASH } from './store.js';

/** Rows per cursor fetch: constant memory, few round trips. */
const PAGE = 2048;

/** Heads of a journal as readers see them. */
export interface JournalHeads {
  /** Last committed row (0 and GENESIS_HASH when empty). */
  readonly lastSeq: number;
  readonly headHash: string;
  /** The head the writer recorded with its last commit, if any. */
  readonly recorded: { readonly seq: number; readonly hash: string } | null;
}

/**
 * Read-only access to one PostgreSQL journal.
 *
 * @example
 * const r = await PgRowReader.open('postgres://postgres@127.0.0.1:5432/test?journal=desk1');
 * for await (const rec of r.records(1)) fold(rec);
 * await r.close();
 */
export class PgRowReader {
  private readonly session: PgSession;
  private checked = false;

  constructor(readonly address: PgJournalAddress) {
    this.session = new PgSession(address, 'reader');
  }

  /** Opens a reader and checks the journal exists (BAD_INPUT when it does not). */
  static async open(spec: string | PgJournalAddress): Promise<PgRowReader> {
    const r = new PgRowReader(typeof spec === 'string' ? parsePgJournalUrl(spec) : spec);
    try {
      await r.check();
      return r;
    } catch (err) {
      await r.close();
      throw pgError(err, r.address);
    }
  }

  get location(): string { return this.address.label; }

  /** Stored rows from `fromSeq` in seq order, payload text exactly as hashed. */
  async *rows(fromSeq = 1): AsyncGenerator<JournalRow> {
    await this.check();
    const q = this.session.client().unsafe<JournalRow[]>(`${selectRows(this.address.schema)} AND seq >= $2 ORDER BY seq`, [this.address.journal, firstSeq(fromSeq)]);
    try {
      for await (const page of q.cursor(PAGE)) yield* page;
    } catch (err) {
      this.session.failed(err);
      throw pgError(err, this.address);
    }
  }

  /** Committed records from `fromSeq` in seq order, payload parsed. */
  async *records(fromSeq = 1): AsyncGenerator<JournalRecord> {
    for await (const row of this.rows(fromSeq)) yield rowToRecord(row);
  }

  /** Records in [fromSeq, toSeq] (gap fill): one bounded query. */
  async range(fromSeq: number, toSeq: number): Promise<JournalRecord[]> {
    await this.check();
    const rows = await this.session.use((sql) => sql.unsafe<JournalRow[]>(`${selectRows(this.address.schema)} AND seq >= $2 AND seq <= $3 ORDER BY seq`,
      [this.address.journal, fromSeq, toSeq])).catch((err: unknown) => { throw pgError(err, this.address); });
    return rows.map(rowToRecord);
  }

  async heads(): Promise<JournalHeads> {
    await this.check();
    const h = await this.session.use((sql) => pgHeads(sql, this.address)).catch((err: unknown) => { throw pgError(err, this.address); });
    return { lastSeq: h.lastSeq, headHash: h.headHash ?? GENESIS_HASH, recorded: h.recorded };
  }

  /**
   * Runs `fn` inside one read-only REPEATABLE READ transaction: every query in it (head, rows)
   * sees the same committed state while the writer goes on.
   */
  async snapshot<T>(fn: (view: { heads(): Promise<JournalHeads>; rows(): AsyncIterable<JournalRow[]> }) => Promise<T>): Promise<T> {
    await this.check();
    try {
      return await this.session.transaction('ISOLATION LEVEL REPEATABLE READ READ ONLY', (tx) => fn({
        heads: async () => {
          const h = await pgHeads(tx, this.address);
          return { lastSeq: h.lastSeq, headHash: h.headHash ?? GENESIS_HASH, recorded: h.recorded };
        },
        rows: () => tx.unsafe<JournalRow[]>(`${selectRows(this.address.schema)} ORDER BY seq`, [this.address.journal]).cursor(PAGE),
      }));
    } catch (err) {
      throw pgError(err, this.address);
    }
  }

  async close(): Promise<void> {
    await this.session.end();
  }

  private async check(): Promise<void> {
    if (this.checked) return;
    await ensurePgSchema(this.session, this.address, false);
    if (!await this.session.use((sql) => checkPgFormat(sql, this.address, false))) {
      throw noJournal(this.address, `no journal named '${this.address.journal}' in schema ${this.address.schema}`);
    }
    this.checked = true;
  }
}
