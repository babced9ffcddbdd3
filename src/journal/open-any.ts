/**
 * One way to open a journal whatever its store: a SQLite file path, or a PostgreSQL address
 * `postgres://USER@HOST:PORT/DB?journal=NAME`. Commands that take a journal (verify, export,
 * copy, trace, report, run --journal, tail) open it through here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type Database from 'better-sqlite3';
import type { JournalRecord } from '../records/records.js';
import { exportJournal, exportLine, type ExportOptions } from './export.js';
import { openJournalForRead } from './open.js';
import type { JournalHeads, PgRowReader } from './postgres-read.js';
import { isPostgresUrl, parsePgJournalUrl, type PgJournalAddress } from './postgres-url.js';
import { SqliteJournal, type Durability } from './sqlite.js';
import type { JournalFormat } from './hash.js';
import { openJournalDatabase, readLastRow, readRecordedHead, rowToRecord, SELECT_ROWS, WRITE_HEAD, type JournalRow } from './sqlite-schema.js';
import { asAsync, type JournalStore } from './store.js';
import { verifyJournal, verifyRecordsAsync, type Anchor, type VerifyResult, type VerifyRow } from './verify.js';

export type { JournalHeads } from './postgres-read.js';

/** Where a journal lives. `name` is its name on the bus (`reckon.<name>.records`). */
export type JournalSpec =
  | { readonly kind: 'sqlite'; readonly path: string; readonly label: string; readonly name: string }
  | { readonly kind: 'postgres'; readonly address: PgJournalAddress; readonly label: string; readonly name: string };

/**
 * Parses a journal argument: a postgres:// URL, or else a SQLite file path (whose bus name is the
 * file name without extension, reduced to letters, digits, `_` and `-`).
 *
 * @example
 * parseJournalSpec('out/run/journal.db')            // { kind: 'sqlite', name: 'journal', ... }
 * parseJournalSpec('postgres://postgres@127.0.0.1:5432/test?journal=desk1').name // 'desk1'
 */
export function parseJournalSpec(text: string): JournalSpec {
  if (isPostgresUrl(text)) {
    const address = parsePgJournalUrl(text);
    return { kind: 'postgres', address, label: address.label, name: address.journal };
  }
  const name = basename(text, extname(text)).replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100) || 'journal';
  return { kind: 'sqlite', path: text, label: text, name };
}

/** Read-only access to a committed journal in any store; never takes the writer lock. */
export interface JournalSource {
  readonly location: string;
  readonly name: string;
  /** Committed records from `fromSeq`, in seq order, in constant memory. */
  records(fromSeq?: number): AsyncIterableIterator<JournalRecord>;
  /** Committed records in [fromSeq, toSeq], in seq order (gap fill: keep the range bounded). */
  range(fromSeq: number, toSeq: number): Promise<JournalRecord[]>;
  heads(): Promise<JournalHeads>;
  /** The chain check of `journal verify`, over one consistent snapshot, against anchors held outside it. */
  verify(opts?: { readonly anchors?: readonly Anchor[] }): Promise<VerifyResult>;
  /** Export lines (see export.ts) from `opts.fromSeq` up to `opts.toSeq`. */
  exportTo(write: (line: string) => void, opts?: ExportOptions & { toSeq?: number }): Promise<{ records: number; lastSeq: number }>;
  close(): Promise<void>;
}

/**
 * Opens a journal for reading. BAD_INPUT when it is not a Reckon journal (or no such journal in
 * the database), JOURNAL_UNAVAILABLE when the database cannot be reached.
 *
 * @example
 * const src = await openJournalReader('postgres://postgres@127.0.0.1:5432/test?journal=desk1');
 * for await (const r of src.records()) console.log(r.seq, r.type);
 * await src.close();
 */
export async function openJournalReader(spec: string | JournalSpec): Promise<JournalSource> {
  const s = typeof spec === 'string' ? parseJournalSpec(spec) : spec;
  if (s.kind === 'sqlite') return new SqliteSource(s.path, s.name);
  // The PostgreSQL driver loads only when a postgres:// journal is used.
  const { PgRowReader } = await import('./postgres-read.js');
  return new PgSource(await PgRowReader.open(s.address), s.name);
}

export interface WriterOptions {
  /** SQLite only: `synchronous` mode. */
  readonly durability?: Durability;
  /** SQLite only: buffered appends that trigger an automatic commit. */
  readonly batchSize?: number;
}

/**
 * Opens (creating when new) a journal for writing, with the store's single-writer lock.
 *
 * @example
 * const journal = await openJournalWriter('postgres://postgres@127.0.0.1:5432/test?journal=desk1');
 */
export async function openJournalWriter(spec: string | JournalSpec, opts: WriterOptions = {}): Promise<JournalStore> {
  const s = typeof spec === 'string' ? parseJournalSpec(spec) : spec;
  if (s.kind === 'sqlite') return SqliteJournal.open(s.path, { durability: opts.durability, batchSize: opts.batchSize });
  const { PostgresJournal } = await import('./postgres.js');
  return PostgresJournal.open(s.address);
}

/**
 * Runs `fn` on a SQLite file holding the journal: the file itself, or for PostgreSQL a snapshot
 * copied row for row (stored columns as they are, unverified, as a trace of the file would show
 * them) into a temporary file removed afterwards. For the synchronous readers (trace, report).
 *
 * @example
 * await withLocalJournal(spec, (path) => buildTraceHtml(openJournalForRead(path)));
 */
export async function withLocalJournal<T>(spec: string | JournalSpec, fn: (path: string) => T | Promise<T>): Promise<T> {
  const s = typeof spec === 'string' ? parseJournalSpec(spec) : spec;
  if (s.kind === 'sqlite') return fn(s.path);
  const dir = mkdtempSync(join(tmpdir(), 'reckon-snapshot-'));
  try {
    const path = join(dir, `${s.name}.db`);
    const { PgRowReader } = await import('./postgres-read.js');
    const reader = await PgRowReader.open(s.address);
    try {
      await reader.snapshot(async (view) => {
        const { db } = openJournalDatabase(path, { readonly: false, durability: 'off', key: null });
        try {
          await copyRows(db, view.rows(), (await view.heads()).recorded);
        } finally {
          db.close();
        }
      });
    } finally {
      await reader.close();
    }
    return await fn(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Inserts stored rows as they are, then the recorded head, in one transaction. */
async function copyRows(db: Database.Database, pages: AsyncIterable<JournalRow[]>, head: { seq: number; hash: string } | null): Promise<void> {
  const insert = db.prepare('INSERT INTO journal (seq, ts, type, account, instrument, correlation_id, causation_seq, schema, payload, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  db.exec('BEGIN');
  for await (const page of pages) {
    for (const r of page) insert.run(r.seq, r.ts, r.type, r.account, r.instrument, r.correlation_id, r.causation_seq, r.schema, r.payload, r.hash);
  }
  if (head) db.prepare(WRITE_HEAD).run(head.seq, head.hash, null);
  db.exec('COMMIT');
}

function verifyRowOf(r: JournalRow): VerifyRow {
  return {
    seq: r.seq, ts: r.ts, type: r.type, account: r.account, instrument: r.instrument, correlationId: r.correlation_id,
    causationSeq: r.causation_seq, schema: r.schema, payloadJson: r.payload, hash: r.hash,
  };
}

class SqliteSource implements JournalSource {
  private db: Database.Database | null = null;
  private format: JournalFormat = 2;
  constructor(readonly location: string, readonly name: string) {
    this.conn(); // fails now (BAD_INPUT) if the file is not a journal
  }

  records(fromSeq = 1): AsyncIterableIterator<JournalRecord> { return asAsync(openJournalForRead(this.location, fromSeq)); }

  range(fromSeq: number, toSeq: number): Promise<JournalRecord[]> {
    const rows = this.conn().prepare(`${SELECT_ROWS} WHERE seq >= ? AND seq <= ? ORDER BY seq`).all(fromSeq, toSeq) as JournalRow[];
    return Promise.resolve(rows.map(rowToRecord));
  }

  heads(): Promise<JournalHeads> {
    const last = readLastRow(this.conn());
    const db = this.conn();
    return Promise.resolve({ lastSeq: last.lastSeq, headHash: last.headHash, recorded: readRecordedHead(db, this.format) });
  }

  verify(opts: { readonly anchors?: readonly Anchor[] } = {}): Promise<VerifyResult> { return Promise.resolve(verifyJournal(this.location, opts)); }

  exportTo(write: (line: string) => void, opts: ExportOptions & { toSeq?: number } = {}): Promise<{ records: number; lastSeq: number }> {
    if (opts.toSeq === undefined) return Promise.resolve(exportJournal(this.location, write, opts));
    const to = opts.toSeq;
    let records = 0;
    let lastSeq = 0;
    for (const r of this.conn().prepare(`${SELECT_ROWS} WHERE seq >= ? AND seq <= ? ORDER BY seq`).iterate(opts.fromSeq ?? 1, to) as IterableIterator<JournalRow>) {
      write(exportLine(r));
      records++;
      lastSeq = r.seq;
    }
    return Promise.resolve({ records, lastSeq });
  }

  close(): Promise<void> {
    this.db?.close();
    this.db = null;
    return Promise.resolve();
  }

  private conn(): Database.Database {
    if (this.db === null) {
      const opened = openJournalDatabase(this.location, { readonly: true });
      this.db = opened.db;
      this.format = opened.info.format;
    }
    return this.db;
  }
}

class PgSource implements JournalSource {
  constructor(private readonly reader: PgRowReader, readonly name: string) {}
  get location(): string { return this.reader.location; }
  records(fromSeq = 1): AsyncIterableIterator<JournalRecord> { return this.reader.records(fromSeq); }
  range(fromSeq: number, toSeq: number): Promise<JournalRecord[]> { return this.reader.range(fromSeq, toSeq); }
  heads(): Promise<JournalHeads> { return this.reader.heads(); }

  verify(opts: { readonly anchors?: readonly Anchor[] } = {}): Promise<VerifyResult> {
    return this.reader.snapshot(async (view) => {
      const head = (await view.heads()).recorded;
      const rows = async function* (): AsyncGenerator<VerifyRow> {
        for await (const page of view.rows()) for (const r of page) yield verifyRowOf(r);
      };
      return verifyRecordsAsync(rows(), { head, anchors: opts.anchors ?? [] });
    });
  }

  async exportTo(write: (line: string) => void, opts: ExportOptions & { toSeq?: number } = {}): Promise<{ records: number; lastSeq: number }> {
    let records = 0;
    let lastSeq = 0;
    for await (const r of this.reader.rows(opts.fromSeq ?? 1)) {
      if (opts.toSeq !== undefined && r.seq > opts.toSeq) break;
      write(exportLine(r));
      records++;
      lastSeq = r.seq;
    }
    return { records, lastSeq };
  }

  close(): Promise<void> { return this.reader.close(); }
}
