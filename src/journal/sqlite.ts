/**
 * The embedded journal (DESIGN §5): SQLite in WAL mode with grouped commits. The schema is
 * documented in sqlite-schema.ts; sequencing and hashing are exactly MemoryJournal's, so the
 * same drafts give the same head hash in either store.
 */
import type Database from 'better-sqlite3';
import { ReckonError } from '../domain/errors.js';
import type { AnyDraft, JournalRecord } from '../records/records.js';
import { sealRecord } from './hash.js';
import { WalCheckpointer } from './checkpointer.js';
import {
  firstSeq, openJournalDatabase, readLastRow, readRecordedHead, rowToRecord, SELECT_ROWS, WRITE_HEAD,
  type Durability, type JournalRow,
} from './sqlite-schema.js';
import { asAsync, type EmbeddedJournalStore } from './store.js';

export type { Durability } from './sqlite-schema.js';

export interface SqliteJournalOptions {
  /** SQLite `synchronous`: 'normal' (default; WAL-safe, may lose the last commits on power loss), 'full', 'off'. */
  durability?: Durability;
  /** Buffered appends that trigger an automatic commit (default 1024). */
  batchSize?: number;
  /** Open an existing journal for reading only; append() throws. */
  readonly?: boolean;
  /** Run WAL checkpoints on a worker thread instead of inside commits (default true for writers). */
  backgroundCheckpoint?: boolean;
}

/** Rows fetched per query by read(); keeps memory constant without holding the connection busy. */
const READ_PAGE = 2048;
/** Rows per multi-row INSERT statement (10 parameters each, far below SQLite's limit). */
const ROWS_PER_INSERT = 32;

interface Pending {
  readonly record: JournalRecord;
  readonly payloadJson: string;
}

/**
 * SQLite-backed JournalStore. Appends are sealed immediately (seq, hash) and buffered; `commitSync()`
 * commits the buffer in one transaction, and the buffer commits itself at `batchSize`.
 * Reopening a file resumes from its last committed row, so a killed run continues the chain.
 *
 * @example
 * const journal = SqliteJournal.open('run.journal.db', { durability: 'normal' });
 * journal.append(draft);      // sequenced and hashed, buffered
 * journal.commitSync();       // one transaction per batch or tick
 * journal.closeSync();        // commits, then closes
 */
export class SqliteJournal implements EmbeddedJournalStore {
  private buffer: Pending[] = [];
  private committed: number;
  private seq: number;
  private head: string;
  private readonly insertBatch: (rows: readonly Pending[]) => void;
  private readonly pageStmt: Database.Statement;
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    readonly location: string,
    private readonly batchSize: number,
    private readonly readonlyMode: boolean,
  ) {
    const last = readLastRow(db);
    this.seq = last.lastSeq;
    this.committed = last.lastSeq;
    this.head = last.headHash;
    this.pageStmt = db.prepare(`${SELECT_ROWS} WHERE seq >= ? ORDER BY seq LIMIT ${READ_PAGE}`);
    if (readonlyMode) {
      this.insertBatch = () => { throw new ReckonError('USAGE', `${location}: journal is open read-only`); };
      return;
    }
    // Multi-row INSERTs: fewer JS -> native calls per batch (measured ~20% faster than one row per call).
    const insertSql = (rows: number): string =>
      'INSERT INTO journal (seq, ts, type, account, instrument, correlation_id, causation_seq, schema, payload, hash) VALUES ' +
      Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
    const insertOne = db.prepare(insertSql(1));
    const insertMany = db.prepare(insertSql(ROWS_PER_INSERT));
    const args: unknown[] = new Array<unknown>(10 * ROWS_PER_INSERT);
    const writeHead = db.prepare(WRITE_HEAD);
    this.insertBatch = db.transaction((rows: readonly Pending[]) => {
      let i = 0;
      for (; i + ROWS_PER_INSERT <= rows.length; i += ROWS_PER_INSERT) {
        for (let k = 0; k < ROWS_PER_INSERT; k++) {
          const { record: r, payloadJson } = rows[i + k]!;
          const o = k * 10;
          args[o] = r.seq; args[o + 1] = r.ts; args[o + 2] = r.type; args[o + 3] = r.account; args[o + 4] = r.instrument;
          args[o + 5] = r.correlationId; args[o + 6] = r.causationSeq; args[o + 7] = r.schema; args[o + 8] = payloadJson; args[o + 9] = r.hash;
        }
        insertMany.run(args);
      }
      for (; i < rows.length; i++) {
        const { record: r, payloadJson } = rows[i]!;
        insertOne.run(r.seq, r.ts, r.type, r.account, r.instrument, r.correlationId, r.causationSeq, r.schema, payloadJson, r.hash);
      }
      const last = rows[rows.length - 1]!.record;
      writeHead.run(`${last.seq} ${last.hash}`);
    });
  }

  /**
   * Opens or creates a journal file. A new file gets the schema; an existing one is checked
   * (ReckonError 'BAD_INPUT' if it is not a Reckon journal) and resumed from its last row.
   * A writable open refuses (ReckonError 'JOURNAL_INTEGRITY') a file whose last row does not
   * match the head recorded with the last commit: run `journal verify` on it.
   */
  static open(path: string, opts: SqliteJournalOptions = {}): SqliteJournal {
    const batchSize = opts.batchSize ?? 1024;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ReckonError('BAD_INPUT', `journal batchSize must be a positive integer, got ${batchSize}`);
    }
    const durability = opts.durability ?? 'normal';
    if (durability !== 'off' && durability !== 'normal' && durability !== 'full') {
      throw new ReckonError('BAD_INPUT', `journal durability must be off, normal or full, got '${String(durability)}'`);
    }
    const readonly = opts.readonly ?? false;
    const db = openJournalDatabase(path, { readonly, durability });
    if (!readonly) {
      const last = readLastRow(db);
      const recorded = readRecordedHead(db);
      if (recorded && (recorded.seq !== last.lastSeq || recorded.hash !== last.headHash)) {
        db.close();
        throw new ReckonError('JOURNAL_INTEGRITY',
          `${path}: last row (seq ${last.lastSeq}) does not match the recorded head (seq ${recorded.seq}); run 'reckon journal verify'`);
      }
    }
    const journal = new SqliteJournal(db, path, batchSize, readonly);
    if (!readonly && (opts.backgroundCheckpoint ?? true) && path !== ':memory:') {
      db.pragma('wal_autocheckpoint = 0');
      journal.checkpointer = new WalCheckpointer(path);
    }
    return journal;
  }

  private checkpointer: WalCheckpointer | null = null;

  /** Seals the draft (next seq, chained hash) and buffers it; commits when the buffer is full. */
  append(draft: AnyDraft): JournalRecord {
    if (this.readonlyMode || this.closed) {
      throw new ReckonError('USAGE', `${this.location}: journal is ${this.closed ? 'closed' : 'open read-only'}`);
    }
    if (!Number.isInteger(draft.ts)) {
      throw new ReckonError('BAD_INPUT', `${this.location}: record ts must be an integer, got ${draft.ts}`);
    }
    const sealed = sealRecord(draft, this.seq + 1, this.head);
    this.seq = sealed.record.seq;
    this.head = sealed.record.hash;
    this.buffer.push(sealed);
    if (this.buffer.length >= this.batchSize) this.commitSync();
    return sealed.record;
  }

  /**
   * Commits the buffer in one transaction. On failure nothing is committed and the buffer is
   * kept; a seq already present in the file means a second writer forked the journal.
   */
  commitSync(): number {
    if (this.buffer.length === 0) return this.committed;
    try {
      this.insertBatch(this.buffer);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new ReckonError('JOURNAL_INTEGRITY',
          `${this.location}: seq ${this.buffer[0]!.record.seq}.. already committed by another writer (journal forked)`);
      }
      throw err;
    }
    this.committed = this.buffer[this.buffer.length - 1]!.record.seq;
    this.buffer = [];
    return this.committed;
  }

  /** The port's commit: SQLite commits synchronously underneath. */
  commit(): Promise<number> {
    try {
      return Promise.resolve(this.commitSync());
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  committedSeq(): number {
    if (this.readonlyMode && !this.closed) this.refresh();
    return this.committed;
  }

  /** Last sequenced seq, buffered records included (read-only: last committed, re-read each call). */
  lastSeq(): number {
    if (this.readonlyMode && !this.closed) this.refresh();
    return this.seq;
  }

  /** Hash of the last sequenced record, buffered records included. */
  headHash(): string {
    if (this.readonlyMode && !this.closed) this.refresh();
    return this.head;
  }

  /** Records buffered and not yet committed. */
  pending(): number {
    return this.buffer.length;
  }

  /**
   * Committed records in seq order from `fromSeq`, payload parsed. Reads page by page, so the
   * caller may append (and auto-commit) while iterating; rows committed meanwhile are included.
   */
  *readSync(fromSeq = 1): IterableIterator<JournalRecord> {
    let next = firstSeq(fromSeq);
    for (;;) {
      const rows = this.pageStmt.all(next) as JournalRow[];
      for (const row of rows) yield rowToRecord(row);
      if (rows.length < READ_PAGE) return;
      next = rows[rows.length - 1]!.seq + 1;
    }
  }

  read(fromSeq = 1): AsyncIterableIterator<JournalRecord> { return asAsync(this.readSync(fromSeq)); }

  close(): Promise<void> {
    try {
      this.closeSync();
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Commits, then closes the connection (also when the commit fails). Idempotent. */
  closeSync(): void {
    if (this.closed) return;
    try {
      if (!this.readonlyMode) this.commitSync();
    } finally {
      this.closed = true;
      if (this.checkpointer) {
        this.checkpointer.stop();
        // What the worker has not copied yet goes into the database now; the WAL is emptied.
        try { this.db.pragma('wal_checkpoint(TRUNCATE)'); } catch { /* busy: SQLite checkpoints on the next open */ }
      }
      this.db.close();
    }
  }

  private refresh(): void {
    const last = readLastRow(this.db);
    this.seq = last.lastSeq;
    this.committed = last.lastSeq;
    this.head = last.headHash;
  }
}
