/**
 * The PostgreSQL journal store: the SQLite store's columns and hash chain (records are sealed by
 * the same `sealRecord`, so the same drafts give the same head hash in either store), one
 * transaction per commit (multi-row insert through `unnest`, then the head), one writer per
 * journal enforced by the database.
 *
 * Single writer: the store's one connection takes a session advisory lock on the journal's key
 * and keeps it for its lifetime; a second writer is refused (JOURNAL_LOCKED) with the holder's
 * pid, application_name and client address. The head row is only replaced if it still holds the
 * head this writer committed last, and (journal, seq) is the primary key, so even a writer that
 * bypassed the lock cannot fork the chain unnoticed.
 *
 * A lost connection (server restart, `pg_terminate_backend`): the commit rejects, the batch's
 * transaction is rolled back by the server, the records stay pending. The next commit reconnects,
 * takes the lock again and compares the database's head with its own: if the lost commit did
 * reach the database before the connection went (its last record's seq and hash are there),
 * those records are taken as committed; otherwise they are sent again. No gap, no duplicate.
 */
import type postgres from 'postgres';
import { ReckonError } from '../domain/errors.js';
import type { AnyDraft, JournalRecord } from '../records/records.js';
import { sealRecord } from './hash.js';
import {
  checkPgFormat, ensurePgSchema, lockKey, parsePgJournalUrl, pgHeads, qid, type PgJournalAddress,
} from './postgres-schema.js';
import { PgRowReader } from './postgres-read.js';
import { pgError, PgSession } from './postgres-session.js';
import { GENESIS_HASH, type JournalStore } from './store.js';

export interface PostgresJournalOptions {
  /** Rows per INSERT statement inside a commit's transaction (default 2000). */
  readonly rowsPerStatement?: number;
}

interface Pending {
  readonly record: JournalRecord;
  readonly payloadJson: string;
}

/**
 * PostgreSQL-backed JournalStore for one journal of a database.
 *
 * @example
 * const journal = await PostgresJournal.open('postgres://postgres@127.0.0.1:5432/test?journal=desk1');
 * journal.append(draft);          // sealed at once (seq, hash), pending
 * await journal.commit();         // one transaction: rows + head
 * await journal.close();          // commits what is pending, releases the lock
 */
export class PostgresJournal implements JournalStore {
  readonly location: string;
  private pending: Pending[] = [];
  private seq: number;
  private head: string;
  private committed: number;
  private committedHash: string;
  /** False once the connection that holds the lock has closed: the next commit re-locks and reconciles. */
  private locked = true;
  private uncertain = false;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private reader: PgRowReader | null = null;
  private readonly insertSql: string;
  private readonly headSql: string;
  private readonly rowsPerStatement: number;

  private constructor(
    private readonly session: PgSession,
    readonly address: PgJournalAddress,
    last: { seq: number; hash: string },
    opts: PostgresJournalOptions,
  ) {
    this.location = address.label;
    this.seq = this.committed = last.seq;
    this.head = this.committedHash = last.hash;
    this.rowsPerStatement = opts.rowsPerStatement ?? 2000;
    const s = qid(address.schema);
    this.insertSql = `INSERT INTO ${s}.journal (journal, seq, ts, type, account, instrument, correlation_id, causation_seq, schema, payload, hash)
      SELECT $1, * FROM unnest($2::int8[], $3::int8[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int8[], $9::int4[], $10::text[], $11::text[])`;
    // Replaces the head only if it is still the one this writer committed last (fork check).
    this.headSql = `INSERT INTO ${s}.journal_meta AS m (journal, key, value) VALUES ($1, 'head', $2)
      ON CONFLICT (journal, key) DO UPDATE SET value = excluded.value WHERE m.value = $3 RETURNING 1`;
  }

  /**
   * Opens (creating the tables and the journal on first use) and locks a journal for writing.
   * Rejects with JOURNAL_LOCKED naming the holder when another writer has it, JOURNAL_INTEGRITY
   * when its last row does not match its recorded head, BAD_INPUT / JOURNAL_UNAVAILABLE when the
   * database cannot be used.
   */
  static async open(spec: string | PgJournalAddress, opts: PostgresJournalOptions = {}): Promise<PostgresJournal> {
    const addr = typeof spec === 'string' ? parsePgJournalUrl(spec) : spec;
    const rows = opts.rowsPerStatement ?? 2000;
    if (!Number.isInteger(rows) || rows < 1) throw new ReckonError('BAD_INPUT', `rowsPerStatement must be a positive integer, got ${rows}`);
    let store: PostgresJournal | null = null;
    const session = new PgSession(addr, 'writer', () => { if (store) store.locked = false; });
    try {
      await ensurePgSchema(session, addr, true);
      const h = await session.use(async (sql) => {
        await takeLock(sql, addr);
        await checkPgFormat(sql, addr, true);
        return pgHeads(sql, addr);
      });
      const last = { seq: h.lastSeq, hash: h.headHash ?? GENESIS_HASH };
      if (h.recorded ? h.recorded.seq !== last.seq || h.recorded.hash !== last.hash : last.seq !== 0) {
        throw new ReckonError('JOURNAL_INTEGRITY',
          `${addr.label}: last row (seq ${last.seq}) does not match the recorded head (${h.recorded ? `seq ${h.recorded.seq}` : 'none'}); run 'reckon journal verify'`);
      }
      store = new PostgresJournal(session, addr, last, opts);
      return store;
    } catch (err) {
      await session.end();
      throw pgError(err, addr);
    }
  }

  /** Seals the draft (next seq, chained hash) and keeps it pending until the next commit. */
  append(draft: AnyDraft): JournalRecord {
    if (this.closed) throw new ReckonError('USAGE', `${this.location}: journal is closed`);
    if (!Number.isInteger(draft.ts)) throw new ReckonError('BAD_INPUT', `${this.location}: record ts must be an integer, got ${draft.ts}`);
    const sealed = sealRecord(draft, this.seq + 1, this.head);
    this.seq = sealed.record.seq;
    this.head = sealed.record.hash;
    this.pending.push(sealed);
    return sealed.record;
  }

  /**
   * Commits every record pending when the commit starts in one transaction; records appended
   * meanwhile wait for the next commit. Commits run one at a time in call order.
   */
  commit(): Promise<number> {
    const run = this.queue.then(() => this.commitNow());
    this.queue = run.catch(() => undefined);
    return run;
  }

  committedSeq(): number { return this.committed; }
  lastSeq(): number { return this.seq; }
  headHash(): string { return this.head; }
  /** Records sealed and not yet committed. */
  pendingCount(): number { return this.pending.length; }

  /** Committed records in seq order from `fromSeq`, on a separate read-only connection (no lock). */
  read(fromSeq = 1): AsyncIterableIterator<JournalRecord> {
    this.reader ??= new PgRowReader(this.address);
    return this.reader.records(fromSeq);
  }

  /** Commits what is pending, then closes both connections (the lock goes with its session). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.commit();
    } finally {
      this.closed = true;
      await this.reader?.close();
      await this.session.end();
    }
  }

  private async commitNow(): Promise<number> {
    if (this.closed) throw new ReckonError('USAGE', `${this.location}: journal is closed`);
    if (!this.locked || this.uncertain) await this.reconnect();
    const batch = this.pending.slice();
    if (batch.length === 0) return this.committed;
    const last = batch[batch.length - 1]!.record;
    try {
      await this.session.transaction('', async (tx) => {
        for (let i = 0; i < batch.length; i += this.rowsPerStatement) {
          await tx.unsafe(this.insertSql, this.columns(batch, i, Math.min(batch.length, i + this.rowsPerStatement)) as never[]);
        }
        const prev = this.committed === 0 ? '' : `${this.committed} ${this.committedHash}`;
        const moved = await tx.unsafe(this.headSql, [this.address.journal, `${last.seq} ${last.hash}`, prev]);
        if (moved.count !== 1) throw this.forked(`the recorded head is no longer seq ${this.committed}`);
      });
    } catch (err) {
      this.uncertain = true;
      if ((err as { code?: string }).code === '23505') throw this.forked(`seq ${batch[0]!.record.seq}.. already committed`);
      throw pgError(err, this.address, `commit of seq ${batch[0]!.record.seq}..${last.seq} failed, ${batch.length} records stay pending`);
    }
    this.pending.splice(0, batch.length);
    this.committed = last.seq;
    this.committedHash = last.hash;
    return this.committed;
  }

  /**
   * After a lost connection or a failed commit: lock again (the client reconnects on the first
   * query), then settle what the database has against the pending records.
   */
  private async reconnect(): Promise<void> {
    if (!this.locked) {
      try {
        await this.session.use((sql) => takeLock(sql, this.address));
      } catch (err) {
        throw pgError(err, this.address, `reconnecting the writer failed, ${this.pending.length} records stay pending`);
      }
      this.locked = true;
    }
    const h = await this.session.use((sql) => pgHeads(sql, this.address)).catch((err: unknown) => { throw pgError(err, this.address); });
    if (h.lastSeq !== this.committed || (h.headHash ?? GENESIS_HASH) !== this.committedHash) {
      const landed = this.pending.findIndex((p) => p.record.seq === h.lastSeq);
      if (landed < 0 || this.pending[landed]!.record.hash !== h.headHash || h.recorded?.seq !== h.lastSeq) {
        throw this.forked(`the database is at seq ${h.lastSeq}, this writer committed seq ${this.committed}`);
      }
      // The lost commit had reached the database: its records are committed, not resent.
      this.pending.splice(0, landed + 1);
      this.committed = h.lastSeq;
      this.committedHash = h.headHash!;
    }
    this.uncertain = false;
  }

  private forked(why: string): ReckonError {
    return new ReckonError('JOURNAL_INTEGRITY', `${this.location}: ${why}: another writer changed this journal (forked); this writer stops`);
  }

  /** The unnest arrays of pending[from, to). */
  private columns(batch: readonly Pending[], from: number, to: number): unknown[] {
    const n = to - from;
    const seq = new Array<number>(n), ts = new Array<number>(n), type = new Array<string>(n), account = new Array<string>(n);
    const instrument = new Array<string | null>(n), corr = new Array<string | null>(n), cause = new Array<number | null>(n);
    const schema = new Array<number>(n), payload = new Array<string>(n), hash = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const { record: r, payloadJson } = batch[from + i]!;
      seq[i] = r.seq; ts[i] = r.ts; type[i] = r.type; account[i] = r.account; instrument[i] = r.instrument;
      corr[i] = r.correlationId; cause[i] = r.causationSeq; schema[i] = r.schema; payload[i] = payloadJson; hash[i] = r.hash;
    }
    return [this.address.journal, seq, ts, type, account, instrument, corr, cause, schema, payload, hash];
  }
}

/** Takes the journal's session advisory lock or throws JOURNAL_LOCKED naming its holder. */
async function takeLock(sql: postgres.Sql, addr: PgJournalAddress): Promise<void> {
  const { k1, k2 } = lockKey(addr.schema, addr.journal);
  const [got] = await sql.unsafe<{ ok: boolean }[]>('SELECT pg_try_advisory_lock($1, $2) AS ok', [k1, k2]);
  if (got?.ok) return;
  const holders = await sql.unsafe<{ pid: number; app: string | null; addr: string | null; port: number | null; since: string }[]>(
    `SELECT a.pid, a.application_name AS app, host(a.client_addr) AS addr, a.client_port AS port, to_char(a.backend_start, 'YYYY-MM-DD"T"HH24:MI:SSOF') AS since
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
        AND l.classid = $1::int4::oid AND l.objid = $2::int4::oid
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`, [k1, k2]);
  const who = holders.map((h) =>
    `backend pid ${h.pid}, application_name '${h.app ?? ''}', client ${clientOf(h.addr, h.port)}, connected since ${h.since}`);
  throw new ReckonError('JOURNAL_LOCKED',
    `${addr.label}: journal '${addr.journal}' already has a writer (${who.length ? who.join('; ') : 'holder not visible to this user'}); one writer per journal`);
}

/** pg_stat_activity's client: NULL port means the row is hidden from this user, -1 a Unix socket. */
function clientOf(addr: string | null, port: number | null): string {
  if (port === null) return 'not visible to this database user';
  return addr === null || port === -1 ? 'local socket' : `${addr}:${port}`;
}
