/**
 * The on-disk journal format shared by the SQLite store, `journal verify`, export and the
 * read helpers. PostgreSQL gets the same tables and columns (types mapped: INTEGER -> BIGINT).
 *
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
 *   hash           TEXT    NOT NULL      -- sha256(prev hash + "\n" + canonicalText(row)), hex
 * );
 * CREATE TABLE journal_meta (key TEXT PRIMARY KEY, value TEXT);
 *   -- 'format' = 'reckon-journal/1'
 *   -- 'head'   = '<seq> <hash>' of the last committed row, written in the same transaction as
 *   --            each batch, so `journal verify` also detects rows cut off the end.
 * CREATE INDEX journal_correlation ON journal(correlation_id) WHERE correlation_id IS NOT NULL;
 * -- UPDATE and DELETE on journal are refused by triggers (append-only; tamper-evident anyway).
 * ```
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
import { GENESIS_HASH } from './store.js';

export const JOURNAL_FORMAT = 'reckon-journal/1';

const JOURNAL_COLUMNS = [
  'seq', 'ts', 'type', 'account', 'instrument', 'correlation_id', 'causation_seq', 'schema', 'payload', 'hash',
] as const;

const SCHEMA_DDL = `
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
CREATE TABLE journal_meta (key TEXT PRIMARY KEY, value TEXT);
CREATE INDEX journal_correlation ON journal(correlation_id) WHERE correlation_id IS NOT NULL;
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
`;

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

/**
 * Opens (and, when writable and new, creates) a journal database and checks it is one.
 * Throws ReckonError('BAD_INPUT') for anything that is not a Reckon journal.
 */
export function openJournalDatabase(
  path: string, opts: { readonly: boolean; durability?: Durability },
): Database.Database {
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
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${(opts.durability ?? 'normal').toUpperCase()}`);
    }
    db.pragma('busy_timeout = 5000');
    if (tables.length === 0) {
      if (opts.readonly) throw notAJournal(path, 'empty database');
      db.transaction(() => {
        db.exec(SCHEMA_DDL);
        db.prepare(`INSERT INTO journal_meta (key, value) VALUES ('format', ?)`).run(JOURNAL_FORMAT);
      })();
    } else {
      checkFormat(db, path, tables);
    }
    return db;
  } catch (err) {
    db.close();
    if (err instanceof Error && (err as { code?: string }).code === 'SQLITE_NOTADB') {
      throw notAJournal(path, 'file is not a SQLite database');
    }
    throw err;
  }
}

function notAJournal(path: string, why: string): ReckonError {
  return new ReckonError('BAD_INPUT', `${path}: not a Reckon journal (${why})`);
}

function checkFormat(db: Database.Database, path: string, tables: readonly string[]): void {
  if (!tables.includes('journal_meta')) throw notAJournal(path, 'no journal_meta table');
  const format = db.prepare(`SELECT value FROM journal_meta WHERE key = 'format'`).pluck().get() as string | undefined;
  if (format !== JOURNAL_FORMAT) {
    throw notAJournal(path, format === undefined ? 'no format entry in journal_meta' : `format is '${format}', expected '${JOURNAL_FORMAT}'`);
  }
  if (!tables.includes('journal')) throw notAJournal(path, 'no journal table');
  const columns = (db.prepare(`SELECT name FROM pragma_table_info('journal')`).pluck().all() as string[]).join(',');
  if (columns !== JOURNAL_COLUMNS.join(',')) throw notAJournal(path, `journal columns are (${columns})`);
}

/** Last committed row's seq and hash; (0, GENESIS_HASH) for an empty journal. */
export function readLastRow(db: Database.Database): { lastSeq: number; headHash: string } {
  const row = db.prepare('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
  return row ? { lastSeq: row.seq, headHash: row.hash } : { lastSeq: 0, headHash: GENESIS_HASH };
}

/** The head recorded in journal_meta with the last committed batch, if any. */
export function readRecordedHead(db: Database.Database): { seq: number; hash: string } | null {
  const value = db.prepare(`SELECT value FROM journal_meta WHERE key = 'head'`).pluck().get() as string | undefined;
  if (value === undefined) return null;
  const [seq, hash] = value.split(' ');
  return seq !== undefined && hash !== undefined ? { seq: Number(seq), hash } : null;
}

/** Statement that records the head; run it in the same transaction as the batch. */
export const WRITE_HEAD = `INSERT INTO journal_meta (key, value) VALUES ('head', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`;

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
