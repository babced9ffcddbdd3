/**
 * The on-disk journal format shared by the SQLite store, `journal verify`, export and the
 * read helpers. PostgreSQL gets the same tables and columns (types mapped: INTEGER -> BIGINT).
 *
 * Format 2 (`reckon-journal/2`, written by this version):
 * ```sql
 * CREATE TABLE journal (
 *   seq            INTEGER PRIMARY KEY,  -- gap-free from 1; the rowid, so rowid order = seq order
 *   ts             INTEGER NOT NULL,     -- event time (ms or ns integer)
 *   type           TEXT    NOT NULL,     -- 'S00.run' … 'S07.operator'
 *   account        TEXT    NOT NULL,
 *   instrument     TEXT,                 -- NULL where no instrument applies
 *   correlation_id TEXT,                 -- the intent id that started the chain
 *   causation_seq  INTEGER,              -- the record that caused this one
 *   schema         INTEGER NOT NULL,     -- record schema version (SCHEMA_VERSION)
 *   payload        TEXT    NOT NULL,     -- payload JSON, byte-exact as hashed
 *   hash           TEXT    NOT NULL      -- link hash (hash.ts), hex
 * );
 * CREATE TABLE journal_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
 *   -- written once at creation: 'format' = 'reckon-journal/2', 'chain' = 'sha256' | 'hmac-sha256',
 *   -- 'key_id' (keyed only: hash.ts keyId, never the key)
 * CREATE TABLE journal_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL, mac TEXT);
 *   -- one row: the last committed (seq, hash), updated in each commit's transaction; mac = headMac (keyed)
 * CREATE INDEX journal_correlation ON journal(correlation_id) WHERE correlation_id IS NOT NULL;
 * ```
 * Triggers (GUARDS below) refuse UPDATE and DELETE on journal, journal_meta and journal_head, any
 * INSERT into journal_meta or journal_head after creation (so `INSERT OR REPLACE` cannot rewrite
 * a row either), an INSERT into journal whose seq does not follow the last row, and a head update
 * that does not point at the last row. They stop accidents and plain SQL edits, not someone who
 * drops them: that is what the keyed chain and the anchors outside the file are for.
 *
 * Format 1 (`reckon-journal/1`, read only): same journal table, head kept in journal_meta 'head'
 * = '<seq> <hash>', no journal_head table, only the UPDATE/DELETE triggers on journal.
 *
 * Indexes, measured on 200k small records, batch 1024, synchronous NORMAL (2-core box, medians):
 * insert-only rows/s: no index ~185k, correlation_id ~150k, + type ~135k; whole append path
 * (seal + insert): no index ~69k/s, correlation_id ~64k/s, + type ~63k/s. The trace UI looks up
 * by correlation id, so that index stays (partial: records without one cost nothing). No index
 * on `type`: eight values barely narrow a scan, and it costs ~10% of insert time.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { ReckonError } from '../domain/errors.js';
import type { JournalRecord } from '../records/records.js';
import { CURRENT_FORMAT, headMac, keyId, type JournalChain, type JournalFormat } from './hash.js';
import { GENESIS_HASH } from './store.js';

const FORMAT_TAG = (f: JournalFormat): string => `reckon-journal/${f}`;

const JOURNAL_COLUMNS = [
  'seq', 'ts', 'type', 'account', 'instrument', 'correlation_id', 'causation_seq', 'schema', 'payload', 'hash',
] as const;

const TABLES_DDL = `
CREATE TABLE journal (
  seq INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  type TEXT NOT NULL,
  account TEXT NOT NULL,
  instrument TEXT,
  correlation_id TEXT,
  causation_seq INTEGER,
  schema INTEGER NOT NULL,
  payload TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE journal_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE journal_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL, mac TEXT);
CREATE INDEX journal_correlation ON journal(correlation_id) WHERE correlation_id IS NOT NULL;
`;

const refuse = (name: string, event: string, table: string, why: string, when = ''): string =>
  `CREATE TRIGGER ${name} BEFORE ${event} ON ${table}${when ? ` WHEN ${when}` : ''} BEGIN SELECT RAISE(ABORT, '${why}'); END;`;

/** Created after the meta and head rows, so those rows are the only ones ever inserted. */
const GUARDS = [
  refuse('journal_no_update', 'UPDATE', 'journal', 'journal is append-only'),
  refuse('journal_no_delete', 'DELETE', 'journal', 'journal is append-only'),
  refuse('journal_append_only', 'INSERT', 'journal', 'journal is append-only: seq must follow the last row',
    'NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM journal)'),
  ...['INSERT', 'UPDATE', 'DELETE'].map((e) => refuse(`journal_meta_no_${e.toLowerCase()}`, e, 'journal_meta', 'journal_meta is written once, when the journal is created')),
  refuse('journal_head_no_insert', 'INSERT', 'journal_head', 'journal_head has one row, created with the journal'),
  refuse('journal_head_no_delete', 'DELETE', 'journal_head', 'journal_head has one row, created with the journal'),
  refuse('journal_head_forward', 'UPDATE', 'journal_head', 'journal head must point at the last row',
    'NEW.id IS NOT 1 OR NEW.seq < OLD.seq OR NEW.seq IS NOT (SELECT max(seq) FROM journal) OR NEW.hash IS NOT (SELECT hash FROM journal WHERE seq = NEW.seq)'),
].join('\n');

/** A journal row as SQLite returns it. */
export interface JournalRow {
  seq: number;
  ts: number;
  type: string;
  account: string;
  instrument: string | null;
  correlation_id: string | null;
  causation_seq: number | null;
  schema: number;
  payload: string;
  hash: string;
}

/** SELECT list in JournalRow shape; append `WHERE …`/`ORDER BY seq` as needed. */
export const SELECT_ROWS = `SELECT ${JOURNAL_COLUMNS.join(', ')} FROM journal`;

export type Durability = 'off' | 'normal' | 'full';

/** What a journal file says about itself (journal_meta). */
export interface JournalInfo {
  readonly format: JournalFormat;
  readonly keyed: boolean;
  /** keyId of a keyed journal's key; null when unkeyed. */
  readonly keyId: string | null;
}

/**
 * Opens (and, when writable and new, creates) a journal database and checks it is one. A new
 * journal gets the current format, keyed when `key` is given. Throws ReckonError 'BAD_INPUT'
 * for anything that is not a Reckon journal, 'JOURNAL_INTEGRITY' for a damaged database file,
 * 'IO_ERROR' when the file cannot be written.
 */
export function openJournalDatabase(
  path: string, opts: { readonly: boolean; durability?: Durability; key?: Buffer | null },
): { db: Database.Database; info: JournalInfo } {
  if (opts.readonly && path !== ':memory:' && !existsSync(path)) {
    throw new ReckonError('BAD_INPUT', `${path}: not a Reckon journal (no such file)`);
  }
  let db: Database.Database;
  try {
    db = new Database(path, opts.readonly ? { readonly: true, fileMustExist: true } : {});
  } catch (err) {
    throw new ReckonError('BAD_INPUT', `${path}: cannot open journal (${(err as Error).message})`);
  }
  try {
    // Before anything that takes a lock: a reader mid-transaction must not fail the open at once.
    db.pragma('busy_timeout = 5000');
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${(opts.durability ?? 'normal').toUpperCase()}`);
    }
    if (tables.length === 0) {
      if (opts.readonly) throw notAJournal(path, 'empty database');
      const key = opts.key ?? null;
      createSchema(db, { format: CURRENT_FORMAT, key });
      return { db, info: { format: CURRENT_FORMAT, keyed: key !== null, keyId: key === null ? null : keyId(key) } };
    }
    return { db, info: checkFormat(db, path, tables) };
  } catch (err) {
    db.close();
    throw journalFileError(path, err);
  }
}

function createSchema(db: Database.Database, chain: JournalChain): void {
  db.transaction(() => {
    db.exec(TABLES_DDL);
    const meta = db.prepare('INSERT INTO journal_meta (key, value) VALUES (?, ?)');
    meta.run('format', FORMAT_TAG(chain.format));
    meta.run('chain', chain.key === null ? 'sha256' : 'hmac-sha256');
    if (chain.key !== null) meta.run('key_id', keyId(chain.key));
    db.prepare('INSERT INTO journal_head (id, seq, hash, mac) VALUES (1, 0, ?, ?)').run(GENESIS_HASH, headMac(chain, 0, GENESIS_HASH));
    db.exec(GUARDS);
  })();
}

/**
 * Maps SQLite failures on a journal file to the project's errors (one line, stable code); any
 * other error is returned unchanged.
 */
export function journalFileError(path: string, err: unknown): unknown {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || err instanceof ReckonError) return err;
  const why = (err as Error).message;
  if (code === 'SQLITE_NOTADB') return notAJournal(path, 'file is not a SQLite database');
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new ReckonError('JOURNAL_INTEGRITY', `${path}: journal database file is damaged (${why})`);
  }
  if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return new ReckonError('IO_ERROR', `${path}: cannot write the journal (${why}, ${code})`);
  }
  return err;
}

function notAJournal(path: string, why: string): ReckonError {
  return new ReckonError('BAD_INPUT', `${path}: not a Reckon journal (${why})`);
}

function checkFormat(db: Database.Database, path: string, tables: readonly string[]): JournalInfo {
  if (!tables.includes('journal_meta')) throw notAJournal(path, 'no journal_meta table');
  const meta = new Map(db.prepare('SELECT key, value FROM journal_meta').raw().all() as [string, string][]);
  const tag = meta.get('format');
  const format = ([1, 2] as const).find((f) => FORMAT_TAG(f) === tag);
  if (format === undefined) {
    throw notAJournal(path, tag === undefined ? 'no format entry in journal_meta'
      : `format is '${tag}', expected '${FORMAT_TAG(1)}' or '${FORMAT_TAG(CURRENT_FORMAT)}'`);
  }
  if (!tables.includes('journal')) throw notAJournal(path, 'no journal table');
  const columns = (db.prepare(`SELECT name FROM pragma_table_info('journal')`).pluck().all() as string[]).join(',');
  if (columns !== JOURNAL_COLUMNS.join(',')) throw notAJournal(path, `journal columns are (${columns})`);
  if (format === 1) return { format, keyed: false, keyId: null };
  const chain = meta.get('chain');
  if (chain !== 'sha256' && chain !== 'hmac-sha256') throw notAJournal(path, `journal_meta chain is '${chain ?? ''}', expected sha256 or hmac-sha256`);
  return { format, keyed: chain === 'hmac-sha256', keyId: meta.get('key_id') ?? null };
}

/** Last committed row's seq and hash; (0, GENESIS_HASH) for an empty journal. */
export function readLastRow(db: Database.Database): { lastSeq: number; headHash: string } {
  const row = db.prepare('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
  return row ? { lastSeq: row.seq, headHash: row.hash } : { lastSeq: 0, headHash: GENESIS_HASH };
}

/** A head as recorded with the last commit (and in the head file): seq, hash, keyed tag. */
export interface RecordedHead {
  readonly seq: number;
  readonly hash: string;
  readonly mac: string | null;
}

/**
 * The head recorded with the last committed batch: format 2's journal_head row, format 1's
 * journal_meta 'head'. Null when there is none (format 1 before its first commit; format 2:
 * the row was removed).
 */
export function readRecordedHead(db: Database.Database, format: JournalFormat): RecordedHead | null {
  if (format === 1) {
    const value = db.prepare(`SELECT value FROM journal_meta WHERE key = 'head'`).pluck().get() as string | undefined;
    if (value === undefined) return null;
    const [seq, hash] = value.split(' ');
    return seq !== undefined && hash !== undefined ? { seq: Number(seq), hash, mac: null } : null;
  }
  const hasTable = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal_head'`).get() !== undefined;
  if (!hasTable) return null;
  const row = db.prepare('SELECT seq, hash, mac FROM journal_head WHERE id = 1').get() as RecordedHead | undefined;
  return row ?? null;
}

/** Statement that records the head (seq, hash, mac); run it in the same transaction as the batch. */
export const WRITE_HEAD = 'UPDATE journal_head SET seq = ?, hash = ?, mac = ? WHERE id = 1';

/** Turns a stored row into the record `JournalStore.read` yields. */
export function rowToRecord(row: JournalRow): JournalRecord {
  return {
    seq: row.seq,
    ts: row.ts,
    type: row.type,
    account: row.account,
    instrument: row.instrument,
    correlationId: row.correlation_id,
    causationSeq: row.causation_seq,
    schema: row.schema,
    hash: row.hash,
    payload: JSON.parse(row.payload) as unknown,
  } as JournalRecord;
}

/** Normalises a caller's `fromSeq`: integers below 1, NaN and undefined start at seq 1. */
export function firstSeq(fromSeq: number | undefined): number {
  return fromSeq !== undefined && Number.isFinite(fromSeq) ? Math.max(1, Math.floor(fromSeq)) : 1;
}
