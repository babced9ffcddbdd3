import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReckonError } from '../domain/errors.js';
import type { JournalRecord } from '../records/records.js';
import { exportJournal } from './export.js';
import { makeDrafts } from './fixtures.test.js';
import { MemoryJournal } from './memory.js';
import { journalHead, openJournalForRead } from './open.js';
import { SqliteJournal } from './sqlite.js';
import { GENESIS_HASH } from './store.js';
import { verifyJournal, type VerifyResult } from './verify.js';

const dir = mkdtempSync(join(tmpdir(), 'reckon-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
const freshPath = (): string => join(dir, `j${++fileNo}.db`);

/** Memory journal fed the first n fixture drafts: the reference chain. */
function reference(n: number): MemoryJournal {
  const m = new MemoryJournal();
  for (const d of makeDrafts(n)) m.append(d);
  return m;
}

function writeJournal(n: number, batchSize = 1024): string {
  const path = freshPath();
  const j = SqliteJournal.open(path, { batchSize });
  for (const d of makeDrafts(n)) j.append(d);
  j.closeSync();
  return path;
}

/** Tampers with the file through a raw connection, as an attacker (or a stray tool) would. */
function tamper(path: string, sql: string): void {
  const db = new Database(path);
  db.exec('DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete; DROP TRIGGER journal_append_only;');
  db.exec(sql);
  db.close();
}

function expectBad(r: VerifyResult, firstBadSeq: number, reason: RegExp): void {
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.firstBadSeq).toBe(firstBadSeq);
  expect(r.reason).toMatch(reason);
}

function expectReckonError(fn: () => unknown, code: string, message: RegExp): void {
  let caught: unknown;
  try { fn(); } catch (err) { caught = err; }
  expect(caught).toBeInstanceOf(ReckonError);
  expect((caught as ReckonError).code).toBe(code);
  expect((caught as ReckonError).message).toMatch(message);
}

describe('SqliteJournal', () => {
  it('resumes after close/reopen: gap-free seq and the same head hash as MemoryJournal', () => {
    const path = freshPath();
    const drafts = makeDrafts(2500);
    const ref = reference(2500);

    const j1 = SqliteJournal.open(path, { batchSize: 1000 });
    for (const d of drafts.slice(0, 1234)) j1.append(d);
    expect(j1.lastSeq()).toBe(1234);
    j1.closeSync();

    const j2 = SqliteJournal.open(path, { batchSize: 1000 });
    expect(j2.lastSeq()).toBe(1234);
    expect(j2.headHash()).toBe(ref.all()[1233]!.hash);
    for (const d of drafts.slice(1234)) {
      const r = j2.append(d);
      expect(r.hash).toBe(ref.all()[r.seq - 1]!.hash);
    }
    expect(j2.headHash()).toBe(ref.headHash());
    j2.closeSync();

    expect(journalHead(path)).toEqual({ lastSeq: 2500, headHash: ref.headHash() });
    const records = [...openJournalForRead(path)];
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    expect(records).toEqual(ref.all());
    const v = verifyJournal(path);
    expect(v).toMatchObject({ ok: true, records: 2500, lastSeq: 2500, headHash: ref.headHash() });
  });

  it('resumes after a writer left a partly filled buffer and ends on the same head', () => {
    const path = freshPath();
    const drafts = makeDrafts(3000);
    const dead = SqliteJournal.open(path, { batchSize: 1024 });
    for (const d of drafts.slice(0, 1500)) dead.append(d); // 1024 committed, 476 only in memory
    // While it lives, nobody else may write.
    expectReckonError(() => SqliteJournal.open(path), 'JOURNAL_LOCKED', /open for writing by pid \d+/);
    // It "dies" (a real SIGKILL is in lock.int.test.ts): its buffer is lost, its lock removed. A new
    // writer resumes from the committed rows and the engine re-derives the records after them.
    rmSync(`${path}.lock`);
    const resumed = SqliteJournal.open(path, { batchSize: 1024 });
    expect(resumed.lastSeq()).toBe(1024);
    for (const d of drafts.slice(1024)) resumed.append(d);
    resumed.closeSync();
    expect(journalHead(path)).toEqual({ lastSeq: 3000, headHash: reference(3000).headHash() });
    expect(verifyJournal(path).ok).toBe(true);
    // Without the lock, the dead writer's lost buffer still can never be committed over the resumed chain.
    expectReckonError(() => dead.closeSync(), 'JOURNAL_INTEGRITY', /seq 1025\.\. already committed/);
  });

  it('auto-flushes when the buffer reaches batchSize', () => {
    const path = freshPath();
    const j = SqliteJournal.open(path, { batchSize: 100 });
    for (const d of makeDrafts(250)) j.append(d);
    expect(j.pending()).toBe(50);
    expect(j.lastSeq()).toBe(250);
    expect(journalHead(path).lastSeq).toBe(200);
    expect([...j.readSync()].length).toBe(200);
    j.commitSync();
    expect(j.pending()).toBe(0);
    expect(journalHead(path)).toEqual({ lastSeq: 250, headHash: j.headHash() });
    j.closeSync();
  });

  it('does not show buffered records to read() or to a second connection until flush', () => {
    const path = freshPath();
    const j = SqliteJournal.open(path);
    const follower = SqliteJournal.open(path, { readonly: true });
    for (const d of makeDrafts(10)) j.append(d);
    expect(j.lastSeq()).toBe(10);
    expect([...openJournalForRead(path)]).toHaveLength(0);
    expect([...follower.readSync()]).toHaveLength(0);
    expect([...j.readSync()]).toHaveLength(0);
    expect(follower.lastSeq()).toBe(0);
    j.commitSync();
    expect([...openJournalForRead(path)]).toHaveLength(10);
    expect([...follower.readSync(4)].map((r) => r.seq)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(follower.lastSeq()).toBe(10);
    expect(follower.headHash()).toBe(j.headHash());
    expectReckonError(() => follower.append(makeDrafts(1)[0]!), 'USAGE', /read-only/);
    follower.closeSync();
    j.closeSync();
  });

  it('reads page by page, so appending (and auto-flushing) while iterating works', () => {
    const path = freshPath();
    const drafts = makeDrafts(6000);
    const j = SqliteJournal.open(path, { batchSize: 500 });
    for (const d of drafts.slice(0, 5000)) j.append(d);
    j.commitSync();
    let n = 0;
    let k = 5000;
    for (const r of j.readSync()) {
      expect(r.seq).toBe(++n);
      if (k < 6000 && n % 5 === 0) j.append(drafts[k++]!);
    }
    expect(n).toBeGreaterThanOrEqual(5000);
    j.closeSync();
    expect(verifyJournal(path).ok).toBe(true);
  });

  it('opens with every durability mode and rejects bad options', () => {
    for (const durability of ['off', 'normal', 'full'] as const) {
      const path = freshPath();
      const j = SqliteJournal.open(path, { durability });
      for (const d of makeDrafts(20)) j.append(d);
      j.closeSync();
      expect(journalHead(path).headHash).toBe(reference(20).headHash());
    }
    expectReckonError(() => SqliteJournal.open(freshPath(), { batchSize: 0 }), 'BAD_INPUT', /batchSize/);
    expectReckonError(() => SqliteJournal.open(freshPath(), { durability: 'fast' as 'off' }), 'BAD_INPUT', /durability/);
  });

  it('refuses files that are not Reckon journals with BAD_INPUT', () => {
    const csv = join(dir, 'bars.csv');
    writeFileSync(csv, 'ts,open,high,low,close\n'.repeat(50));
    expectReckonError(() => SqliteJournal.open(csv), 'BAD_INPUT', /bars\.csv: not a Reckon journal \(file is not a SQLite database\)/);
    expectReckonError(() => verifyJournal(csv), 'BAD_INPUT', /not a Reckon journal/);

    const other = join(dir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE t (a)');
    db.close();
    expectReckonError(() => SqliteJournal.open(other), 'BAD_INPUT', /not a Reckon journal \(no journal_meta table\)/);

    const wrongFormat = writeJournal(3);
    const raw = new Database(wrongFormat);
    raw.exec('DROP TRIGGER journal_meta_no_update');
    raw.prepare(`UPDATE journal_meta SET value = 'reckon-journal/9' WHERE key = 'format'`).run();
    raw.close();
    expectReckonError(() => openJournalForRead(wrongFormat), 'BAD_INPUT', /format is 'reckon-journal\/9'/);

    expectReckonError(() => journalHead(join(dir, 'missing.db')), 'BAD_INPUT', /no such file/);
  });

  it('refuses UPDATE and DELETE on the journal table (append-only)', () => {
    const path = writeJournal(5);
    const db = new Database(path);
    expect(() => db.prepare(`UPDATE journal SET payload = '{}' WHERE seq = 2`).run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM journal WHERE seq = 5').run()).toThrow(/append-only/);
    db.close();
    expect(verifyJournal(path).ok).toBe(true);
  });

  it('detects a second writer that forked the journal (its lock file deleted by hand)', () => {
    const path = writeJournal(10);
    const a = SqliteJournal.open(path);
    rmSync(`${path}.lock`);
    const b = SqliteJournal.open(path);
    const more = makeDrafts(40, 10); // > 32 rows: exercises the multi-row INSERT path
    for (const d of more) b.append(d);
    b.commitSync();
    for (const d of more) a.append(d);
    expectReckonError(() => a.commitSync(), 'JOURNAL_INTEGRITY', /seq 11\.\. already committed by another writer/);
    expect(() => a.closeSync()).toThrow(ReckonError);
    b.closeSync();
    expect(verifyJournal(path)).toMatchObject({ ok: true, lastSeq: 50 });
  });

  it('refuses to append to a journal whose tail no longer matches the recorded head', () => {
    const path = writeJournal(30);
    tamper(path, 'DELETE FROM journal WHERE seq = 30');
    expectReckonError(() => SqliteJournal.open(path), 'JOURNAL_INTEGRITY', /seq 29\) does not match the recorded head \(seq 30\)/);
    const ro = SqliteJournal.open(path, { readonly: true });
    expect(ro.lastSeq()).toBe(29);
    ro.closeSync();
  });
});

describe('verifyJournal', () => {
  it('accepts an intact journal', () => {
    const path = writeJournal(500, 64);
    expect(verifyJournal(path)).toEqual({ ok: true, records: 500, lastSeq: 500, headHash: reference(500).headHash(), format: 2, keyed: false, anchors: [], notes: [] });
  });

  it('accepts an empty journal with 0 records', () => {
    const path = freshPath();
    SqliteJournal.open(path).closeSync();
    expect(verifyJournal(path)).toEqual({ ok: true, records: 0, lastSeq: 0, headHash: GENESIS_HASH, format: 2, keyed: false, anchors: [], notes: [] });
    expect(journalHead(path)).toEqual({ lastSeq: 0, headHash: GENESIS_HASH });
    expect([...openJournalForRead(path)]).toEqual([]);
  });

  it('detects an altered payload at that seq', () => {
    const path = writeJournal(100);
    // seq 42 is a partial fill: the fill quantity changes from 1 to 5
    tamper(path, `UPDATE journal SET payload = replace(payload, '"lastQty":"1"', '"lastQty":"5"') WHERE seq = 42`);
    const r = verifyJournal(path);
    expectBad(r, 42, /^seq 42: hash mismatch \(record altered\)$/);
    expect(r.records).toBe(41);
  });

  it('detects an altered envelope field', () => {
    const path = writeJournal(100);
    tamper(path, `UPDATE journal SET account = 'acc-2' WHERE seq = 7`);
    expectBad(verifyJournal(path), 7, /record altered/);
  });

  it('detects a deleted middle row and names it', () => {
    const path = writeJournal(100);
    tamper(path, 'DELETE FROM journal WHERE seq = 42');
    expectBad(verifyJournal(path), 42, /^seq 42 missing \(next row is seq 43\)$/);
  });

  it('detects a deleted first row', () => {
    const path = writeJournal(10);
    tamper(path, 'DELETE FROM journal WHERE seq = 1');
    expectBad(verifyJournal(path), 1, /^seq 1 missing \(next row is seq 2\)$/);
  });

  it('detects rows cut off the end (truncation)', () => {
    const path = writeJournal(100);
    tamper(path, 'DELETE FROM journal WHERE seq > 97');
    expectBad(verifyJournal(path), 98, /seq 98 missing: journal truncated \(last row is seq 97, recorded head is seq 100\)/);
  });

  it('detects two rows whose payloads were swapped', () => {
    const path = writeJournal(100);
    tamper(path, `
      CREATE TEMP TABLE swap AS SELECT seq, payload FROM journal WHERE seq IN (20, 21);
      UPDATE journal SET payload = (SELECT payload FROM swap WHERE swap.seq = 41 - journal.seq) WHERE seq IN (20, 21);
    `);
    const db = new Database(path, { readonly: true });
    const ref = reference(100).all();
    expect(db.prepare('SELECT payload FROM journal WHERE seq = 20').pluck().get()).toBe(JSON.stringify(ref[20]!.payload));
    db.close();
    expectBad(verifyJournal(path), 20, /^seq 20: hash mismatch/);
  });

  it('detects two rows that were renumbered (swapped positions)', () => {
    const path = writeJournal(100);
    tamper(path, `
      UPDATE journal SET seq = -1 WHERE seq = 30;
      UPDATE journal SET seq = 30 WHERE seq = 31;
      UPDATE journal SET seq = 31 WHERE seq = -1;
    `);
    expectBad(verifyJournal(path), 30, /seq 30: hash mismatch \(record altered, moved or renumbered\)/);
  });

  it('detects a row moved to the end (renumbered past the head)', () => {
    const path = writeJournal(50);
    tamper(path, 'UPDATE journal SET seq = 51 WHERE seq = 10');
    expectBad(verifyJournal(path), 10, /^seq 10 missing \(next row is seq 11\)$/);
  });

  it('detects an altered stored hash on the last row', () => {
    const path = writeJournal(100);
    tamper(path, `UPDATE journal SET hash = '${'f'.repeat(64)}' WHERE seq = 100`);
    const r = verifyJournal(path);
    expectBad(r, 100, /^seq 100: stored hash altered/);
    expect(r.records).toBe(99);
  });

  it('detects an altered stored hash on a middle row', () => {
    const path = writeJournal(100);
    tamper(path, `UPDATE journal SET hash = '${'0'.repeat(64)}' WHERE seq = 50`);
    expectBad(verifyJournal(path), 50, /^seq 50: stored hash altered/);
  });

  it('detects an altered last row', () => {
    const path = writeJournal(100);
    tamper(path, `UPDATE journal SET ts = ts + 1 WHERE seq = 100`);
    expectBad(verifyJournal(path), 100, /^seq 100: hash mismatch \(record altered\)$/);
  });

  it('reports a damaged database file as a failed verification', () => {
    const path = writeJournal(3000);
    const bytes = readFileSync(path);
    const at = bytes.indexOf('"exec-200-1"'); // inside a journal table leaf page (seq ~1806)
    expect(at).toBeGreaterThan(0);
    const pageSize = 4096;
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0xff), 0, pageSize, Math.floor(at / pageSize) * pageSize);
    closeSync(fd);
    const r = verifyJournal(path);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.firstBadSeq).toBeGreaterThan(1500);
      expect(r.firstBadSeq).toBeLessThanOrEqual(1806);
    }
  });
});

describe('exportJournal', () => {
  it('writes one JSON object per line in seq order with the stored payload bytes', () => {
    const path = writeJournal(300, 128);
    const lines: string[] = [];
    const out = exportJournal(path, (line) => lines.push(line));
    expect(out).toEqual({ records: 300, lastSeq: 300 });
    expect(lines).toHaveLength(300);

    const db = new Database(path, { readonly: true });
    const stored = db.prepare('SELECT payload FROM journal ORDER BY seq').pluck().all() as string[];
    db.close();
    const ref = reference(300).all();
    lines.forEach((line, i) => {
      expect(line).not.toContain('\n');
      const parsed = JSON.parse(line) as JournalRecord;
      expect(Object.keys(parsed)).toEqual(
        ['seq', 'ts', 'type', 'account', 'instrument', 'correlationId', 'causationSeq', 'schema', 'hash', 'payload']);
      expect(parsed).toEqual(ref[i]);
      expect(line.endsWith(`,"payload":${stored[i]!}}`)).toBe(true);
      expect(JSON.stringify(parsed.payload)).toBe(stored[i]);
    });
  });

  it('starts at fromSeq', () => {
    const path = writeJournal(20);
    const lines: string[] = [];
    expect(exportJournal(path, (l) => lines.push(l), { fromSeq: 18 })).toEqual({ records: 3, lastSeq: 20 });
    expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([18, 19, 20]);
    expect(exportJournal(path, () => undefined, { fromSeq: Number.NaN })).toEqual({ records: 20, lastSeq: 20 });
    expect(exportJournal(path, () => undefined, { fromSeq: 21 })).toEqual({ records: 0, lastSeq: 0 });
  });
});

describe('openJournalForRead', () => {
  it('closes its connection when a loop exits early or on close()', () => {
    const path = writeJournal(50);
    const reader = openJournalForRead(path, 10);
    let first: JournalRecord | undefined;
    for (const r of reader) { first = r; break; }
    expect(first?.seq).toBe(10);
    expect(reader.next().done).toBe(true); // closed by the loop's return()
    const unused = openJournalForRead(path);
    unused.close();
    expect(unused.next().done).toBe(true);
  });
});
