/**
 * Read side of the PostgreSQL journal: its own read-only connection (no lock, so `journal
 * verify`, export, trace, report and `tail` run beside the writer), cursors in pages, and one
 * consistent snapshot (REPEATABLE READ) for a whole walk.
 */
import type postgres from 'postgres';
import { ReckonError } from '../domain/errors.js';
import type { JournalRecord } from '../records/records.js';
import {
  checkPgFormat, ensurePgSchema, noJournal, parsePgJournalUrl, pgClient, pgHeads, selectRows, type PgJournalAddress,
} from './postgres-schema.js';
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
  private readonly sql: postgres.Sql;
  private checked = false;

  constructor(readonly address: PgJournalAddress) {
    this.sql = pgClient(address, { max: 1, role: 'reader' });
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
    const q = this.sql.unsafe<JournalRow[]>(`${selectRows(this.address.schema)} AND seq >= $2 ORDER BY seq`, [this.address.journal, firstSeq(fromSeq)]);
    try {
      for await (const page of q.cursor(PAGE)) yield* page;
    } catch (err) {
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
    const rows = await this.sql.unsafe<JournalRow[]>(`${selectRows(this.address.schema)} AND seq >= $2 AND seq <= $3 ORDER BY seq`,
      [this.address.journal, fromSeq, toSeq]).catch((err: unknown) => { throw pgError(err, this.address); });
    return rows.map(rowToRecord);
  }

  async heads(): Promise<JournalHeads> {
    await this.check();
    const h = await pgHeads(this.sql, this.address).catch((err: unknown) => { throw pgError(err, this.address); });
    return { lastSeq: h.lastSeq, headHash: h.headHash ?? GENESIS_HASH, recorded: h.recorded };
  }

  /**
   * Runs `fn` inside one read-only REPEATABLE READ transaction: every query in it (head, rows)
   * sees the same committed state while the writer goes on.
   */
  async snapshot<T>(fn: (view: { heads(): Promise<JournalHeads>; rows(): AsyncIterable<JournalRow[]> }) => Promise<T>): Promise<T> {
    await this.check();
    try {
      return await this.sql.begin('isolation level repeatable read read only', async (tx) => fn({
        heads: async () => {
          const h = await pgHeads(tx, this.address);
          return { lastSeq: h.lastSeq, headHash: h.headHash ?? GENESIS_HASH, recorded: h.recorded };
        },
        rows: () => tx.unsafe<JournalRow[]>(`${selectRows(this.address.schema)} ORDER BY seq`, [this.address.journal]).cursor(PAGE),
      })) as T;
    } catch (err) {
      throw pgError(err, this.address);
    }
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 2 }).catch(() => undefined);
  }

  private async check(): Promise<void> {
    if (this.checked) return;
    await ensurePgSchema(this.sql, this.address, false);
    if (!await checkPgFormat(this.sql, this.address, false)) throw noJournal(this.address, `no journal named '${this.address.journal}' in schema ${this.address.schema}`);
    this.checked = true;
  }
}

/** Connection-level failures: the store is not reachable (exit 1), as opposed to a wrong address. */
const CONNECTION_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P02', '57P03']);
/** Wrong database, user or password: a usage error (exit 2). */
const ADDRESS_CODES = new Set(['3D000', '28000', '28P01', '42501']);

/**
 * Turns a client or server error into a ReckonError naming the journal address; ReckonErrors
 * pass through. `context` says what was being done.
 */
export function pgError(err: unknown, addr: PgJournalAddress, context?: string): ReckonError {
  if (err instanceof ReckonError) return err;
  const e = err as { code?: string; message?: string; errno?: string };
  const code = e.code ?? e.errno ?? '';
  const what = `${addr.label}: ${context ? `${context}: ` : ''}${e.message ?? String(err)}`;
  if (ADDRESS_CODES.has(code)) return new ReckonError('BAD_INPUT', what);
  return new ReckonError('JOURNAL_UNAVAILABLE', CONNECTION_CODES.has(code) || code.startsWith('08') ? what : `${what} (${code || 'no code'})`);
}
