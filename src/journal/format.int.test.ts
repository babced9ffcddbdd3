/**
 * Journal format 2 on disk (guards on every table) and the reader for format 1 journals,
 * from a fixture written by the format 1 code (fixtures/format1.sql, a `sqlite3 .dump`).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReckonError } from '../domain/errors.js';
import { exportJournal } from './export.js';
import { makeDrafts } from './fixtures.test.js';
import { journalHead, openJournalForRead } from './open.js';
import { SqliteJournal } from './sqlite.js';
import { verifyJournal } from './verify.js';

const dir = mkdtempSync(join(tmpdir(), 'reckon-format-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const FORMAT1_HEAD = '1168a4a211a7abebff4f920ebf097edb443857d12aefc2bec9b1ab0adeaebe12';

function format1Journal(): string {
  const path = join(dir, `f1-${++n}.db`);
  const db = new Database(path);
  db.exec(readFileSync(new URL('./fixtures/format1.sql', import.meta.url), 'utf8'));
  db.close();
  return path;
}

function journal(records: number): string {
  const path = join(dir, `f2-${++n}.db`);
  const j = SqliteJournal.open(path, { key: null });
  for (const d of makeDrafts(records)) j.append(d);
  j.closeSync();
  return path;
}

function codeOf(fn: () => unknown): string | undefined {
  try { fn(); } catch (err) { return err instanceof ReckonError ? err.code : (err as { code?: string }).code ?? 'other'; }
  return undefined;
}

describe('format 1 journals (written before the format bump)', () => {
  it('verify, export, read and head still accept them', () => {
    const path = format1Journal();
    expect(verifyJournal(path, { key: null })).toMatchObject({ ok: true, records: 6, lastSeq: 6, headHash: FORMAT1_HEAD, format: 1, keyed: false });
    const lines: string[] = [];
    expect(exportJournal(path, (l) => lines.push(l))).toEqual({ records: 6, lastSeq: 6 });
    expect(JSON.parse(lines[1]!)).toMatchObject({ seq: 2, instrument: 'FIX-A', correlationId: 'intent-001', payload: { note: 'ünïcode ✓ "quoted"\nline' } });
    const records = [...openJournalForRead(path)];
    expect(records.map((r) => [r.seq, r.instrument, r.causationSeq])).toEqual([[1, null, null], [2, 'FIX-A', null], [3, 'FIX-A', 2], [4, 'FIX-A', 3], [5, 'FIX-A', 4], [6, null, 5]]);
    expect(journalHead(path)).toEqual({ lastSeq: 6, headHash: FORMAT1_HEAD });
  });

  it('still detects an altered record and a truncated tail', () => {
    const altered = format1Journal();
    const db = new Database(altered);
    db.exec(`DROP TRIGGER journal_no_update; UPDATE journal SET payload = replace(payload, '101.55', '99.00') WHERE seq = 4`);
    db.close();
    expect(verifyJournal(altered, { key: null })).toMatchObject({ ok: false, firstBadSeq: 4 });
    const cut = format1Journal();
    const db2 = new Database(cut);
    db2.exec('DROP TRIGGER journal_no_delete; DELETE FROM journal WHERE seq = 6');
    db2.close();
    expect(verifyJournal(cut, { key: null })).toMatchObject({ ok: false, firstBadSeq: 6, reason: expect.stringMatching(/truncated/) as unknown });
  });

  it('is read-only: a writer refuses to extend it in the ambiguous encoding', () => {
    const path = format1Journal();
    expect(() => SqliteJournal.open(path, { key: null })).toThrow(/format 1 journal .* is read-only/);
    expect(codeOf(() => SqliteJournal.open(path, { key: null }))).toBe('USAGE');
    expect(verifyJournal(path, { key: null }).ok).toBe(true);
  });
});

describe('format 2 guards', () => {
  it('journal_meta cannot be changed, deleted or extended once the journal exists', () => {
    const path = journal(5);
    const db = new Database(path);
    expect(db.prepare('SELECT key, value FROM journal_meta ORDER BY key').raw().all()).toEqual([['chain', 'sha256'], ['format', 'reckon-journal/2']]);
    expect(() => db.exec(`UPDATE journal_meta SET value = 'reckon-journal/1' WHERE key = 'format'`)).toThrow(/written once/);
    expect(() => db.exec(`DELETE FROM journal_meta WHERE key = 'chain'`)).toThrow(/written once/);
    expect(() => db.exec(`INSERT OR REPLACE INTO journal_meta (key, value) VALUES ('chain', 'hmac-sha256')`)).toThrow(/written once/);
    expect(() => db.exec(`INSERT INTO journal_meta (key, value) VALUES ('head', '1 x')`)).toThrow(/written once/);
    db.close();
    expect(verifyJournal(path, { key: null }).ok).toBe(true);
  });

  it('the recorded head only moves to the last row, never back, and cannot be removed', () => {
    const path = journal(5);
    const db = new Database(path);
    const hashOf = (seq: number) => db.prepare('SELECT hash FROM journal WHERE seq = ?').pluck().get(seq) as string;
    expect(() => db.prepare('UPDATE journal_head SET seq = 3, hash = ? WHERE id = 1').run(hashOf(3))).toThrow(/must point at the last row/);
    expect(() => db.prepare('UPDATE journal_head SET hash = ? WHERE id = 1').run('f'.repeat(64))).toThrow(/must point at the last row/);
    expect(() => db.exec('DELETE FROM journal_head')).toThrow(/one row/);
    expect(() => db.prepare('INSERT OR REPLACE INTO journal_head (id, seq, hash) VALUES (1, 3, ?)').run(hashOf(3))).toThrow(/one row/);
    db.close();
    expect(verifyJournal(path, { key: null }).ok).toBe(true);
  });

  it('rows cannot be rewritten with INSERT OR REPLACE, nor inserted out of sequence', () => {
    const path = journal(5);
    const db = new Database(path);
    const row = db.prepare('SELECT * FROM journal WHERE seq = 2').get() as Record<string, unknown>;
    const insert = (verb: string, seq: number) => db.prepare(`${verb} INTO journal (seq, ts, type, account, instrument, correlation_id, causation_seq, schema, payload, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(seq, row.ts, row.type, row.account, row.instrument, row.correlation_id, row.causation_seq, row.schema, '{"kind":"forged"}', row.hash);
    expect(() => insert('INSERT OR REPLACE', 2)).toThrow(/append-only/);
    expect(() => insert('INSERT', 9)).toThrow(/seq must follow the last row/);
    expect(() => db.exec('UPDATE journal SET ts = 1 WHERE seq = 1')).toThrow(/append-only/);
    db.close();
    expect(verifyJournal(path, { key: null }).ok).toBe(true);
  });
});
