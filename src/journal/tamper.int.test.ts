/**
 * The tampering an attacker with write access to the journal file can do with plain SQL and a
 * recomputed chain: each must fail `verify` given an anchor from outside the file, and (keyed
 * chain) without one where the key alone can tell. The "attacker" here knows the format and
 * the hash function, as anyone can; only the key is secret.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnyDraft } from '../records/records.js';
import { makeDrafts } from './fixtures.test.js';
import { sealRecord } from './hash.js';
import { SqliteJournal } from './sqlite.js';
import { GENESIS_HASH } from './store.js';
import { verifyJournal, type Anchor, type VerifyResult } from './verify.js';

const dir = mkdtempSync(join(tmpdir(), 'reckon-tamper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const N = 300;
const KEY = Buffer.from('a journal key of thirty-two bytes');

interface Written { path: string; anchor: Anchor }

function write(drafts: readonly AnyDraft[], key: Buffer | null = null): Written {
  const path = join(dir, `t${++n}.db`);
  const j = SqliteJournal.open(path, { key });
  for (const d of drafts) j.append(d);
  const anchor: Anchor = { seq: j.lastSeq(), hash: j.headHash(), source: 'summary.json', end: true };
  j.closeSync();
  return { path, anchor };
}

interface Row { seq: number; ts: number; type: string; account: string; instrument: string | null; correlation_id: string | null; causation_seq: number | null; schema: number; payload: string; hash: string }

const draftOf = (r: Row): AnyDraft => ({
  ts: r.ts, type: r.type, account: r.account, instrument: r.instrument, correlationId: r.correlation_id,
  causationSeq: r.causation_seq, payload: JSON.parse(r.payload) as unknown,
} as AnyDraft);

/**
 * Opens the file as an attacker would: every guard dropped. `edit` gets the rows and returns
 * the rows to store (seq taken from position), the chain is recomputed from `from` with the
 * public hash function, and the recorded head set to the new last row.
 */
function rewrite(path: string, edit: (rows: Row[]) => Row[], from = 1): void {
  const db = new Database(path);
  const triggers = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger'`).pluck().all() as string[];
  for (const t of triggers) db.exec(`DROP TRIGGER ${t}`);
  const rows = edit(db.prepare('SELECT * FROM journal ORDER BY seq').all() as Row[]);
  let prev = from === 1 ? GENESIS_HASH : rows[from - 2]!.hash;
  for (let i = from - 1; i < rows.length; i++) {
    const { record, payloadJson } = sealRecord(draftOf(rows[i]!), i + 1, prev);
    rows[i] = { ...rows[i]!, seq: i + 1, payload: payloadJson, hash: record.hash };
    prev = record.hash;
  }
  db.transaction(() => {
    db.exec('DELETE FROM journal');
    const ins = db.prepare('INSERT INTO journal (seq, ts, type, account, instrument, correlation_id, causation_seq, schema, payload, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const r of rows) ins.run(r.seq, r.ts, r.type, r.account, r.instrument, r.correlation_id, r.causation_seq, r.schema, r.payload, r.hash);
    const last = rows[rows.length - 1]!;
    setRecordedHead(db, last.seq, last.hash);
  })();
  db.close();
}

/** Moves the head recorded inside the file (journal_head in format 2, journal_meta 'head' before). */
function setRecordedHead(db: Database.Database, seq: number, hash: string): void {
  const hasHeadTable = db.prepare(`SELECT 1 FROM sqlite_master WHERE name = 'journal_head'`).get() !== undefined;
  if (hasHeadTable) db.prepare('UPDATE journal_head SET seq = ?, hash = ? WHERE id = 1').run(seq, hash);
  else db.prepare(`INSERT OR REPLACE INTO journal_meta (key, value) VALUES ('head', ?)`).run(`${seq} ${hash}`);
}

function forgedFill(rows: Row[]): Row[] {
  const at = rows.findIndex((r) => r.payload.includes('"kind":"partial_fill"'));
  rows[at] = { ...rows[at]!, payload: rows[at]!.payload.replace('"lastPrice":"101.55"', '"lastPrice":"99.00"') };
  return rows;
}

const forgedRecord = (rows: Row[]): Row => ({ ...rows[rows.length - 1]!, payload: JSON.stringify({ kind: 'flag', code: 'RESIDUAL_UNEXPLAINED', severity: 'info', message: 'all good', details: {} }), type: 'S07.operator' });

/** The tampers of the hardening issue, each a function of the journal file. */
const TAMPERS: Record<string, (path: string) => void> = {
  'a forged record appended with a plain INSERT, its hash and the recorded head recomputed': (path) =>
    rewrite(path, (rows) => [...rows, forgedRecord(rows)], N + 1),
  'a fill price rewritten and the chain recomputed from there': (path) =>
    rewrite(path, forgedFill, 1 + 5),
  'rows inserted in the middle and the chain recomputed': (path) =>
    rewrite(path, (rows) => [...rows.slice(0, 150), forgedRecord(rows), forgedRecord(rows), ...rows.slice(150)], 151),
  'the whole chain recomputed from seq 1': (path) =>
    rewrite(path, (rows) => forgedFill(rows.map((r) => ({ ...r, ts: r.ts + 1 })))),
  'the last 100 rows deleted and the recorded head rewritten': (path) => {
    const db = new Database(path);
    for (const t of db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger'`).pluck().all() as string[]) db.exec(`DROP TRIGGER ${t}`);
    db.exec(`DELETE FROM journal WHERE seq > ${N - 100}`);
    const last = db.prepare('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
    setRecordedHead(db, last.seq, last.hash);
    db.close();
  },
};

function expectBroken(r: VerifyResult, reason?: RegExp): void {
  expect(r.ok, JSON.stringify(r)).toBe(false);
  if (!r.ok && reason) expect(r.reason).toMatch(reason);
}

describe('tampering that a bare hash chain cannot see', () => {
  for (const [name, tamper] of Object.entries(TAMPERS)) {
    it(`${name}: the chain alone still verifies, the anchor from outside does not`, () => {
      const { path, anchor } = write(makeDrafts(N));
      tamper(path);
      expect(verifyJournal(path, { key: null }).ok).toBe(true); // what the attacker aimed for
      expectBroken(verifyJournal(path, { key: null, anchors: [anchor] }));
    });

    it(`${name}: a keyed journal fails without any anchor`, () => {
      const { path } = write(makeDrafts(N), KEY);
      tamper(path);
      expectBroken(verifyJournal(path, { key: KEY }));
    });
  }

  it('the last 100 rows deleted with the recorded head deleted too', () => {
    const { path, anchor } = write(makeDrafts(N));
    const db = new Database(path);
    for (const t of db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger'`).pluck().all() as string[]) db.exec(`DROP TRIGGER ${t}`);
    db.exec(`DELETE FROM journal WHERE seq > ${N - 100}; DELETE FROM journal_meta WHERE key = 'head'; DROP TABLE IF EXISTS journal_head;`);
    db.close();
    expectBroken(verifyJournal(path, { key: null }), /no recorded head/);
    expectBroken(verifyJournal(path, { key: null, anchors: [anchor] }), /says seq 300, journal ends at 200: 201\.\.300 lost/);
  });

  it('another valid journal swapped in: its head is not the anchored one', () => {
    const original = write(makeDrafts(N));
    const other = write(makeDrafts(N, 7));
    expect(verifyJournal(other.path, { key: null }).ok).toBe(true);
    expectBroken(verifyJournal(other.path, { key: null, anchors: [original.anchor] }), /seq 300: hash differs from summary\.json \(journal rewritten or replaced\)/);
  });

  it('an anchor the journal has grown past fails unless it is not the end', () => {
    const { path, anchor } = write(makeDrafts(N));
    const j = SqliteJournal.open(path, { key: null });
    j.append(makeDrafts(1, N)[0]!);
    j.closeSync();
    expectBroken(verifyJournal(path, { key: null, anchors: [anchor] }), /seq 301 added after the head summary\.json anchors \(seq 300\)/);
    const r = verifyJournal(path, { key: null, anchors: [{ ...anchor, end: false }] });
    expect(r).toMatchObject({ ok: true, lastSeq: 301, notes: ['seq 301 not covered by summary.json (seq 300)'] });
  });
});
