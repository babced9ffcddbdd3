/**
 * The head file of an anchored writer: kept after every commit, checked by the next writer and
 * by verify, so a journal cut short, emptied, deleted or swapped for another is caught.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDrafts } from './fixtures.test.js';
import { headFilePath, readHeadFile } from './head-file.js';
import { SqliteJournal } from './sqlite.js';
import { verifyJournal } from './verify.js';

const dir = mkdtempSync(join(tmpdir(), 'reckon-headfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const BIN = resolve(import.meta.dirname, '../../bin/reckon.js');

function anchored(records: number, from = 0): string {
  const path = join(dir, `h${++n}.db`);
  const j = SqliteJournal.open(path, { key: null, anchor: 'head-file', batchSize: 7 });
  for (const d of makeDrafts(records, from)) j.append(d);
  j.closeSync();
  return path;
}

const errorOf = (fn: () => unknown): string => { try { fn(); } catch (e) { return `${(e as { code?: string }).code}: ${(e as Error).message}`; } return 'no error'; };

describe('head file', () => {
  it('follows every commit, atomically (no temp file left), and is what verify reports as an anchor', () => {
    const path = join(dir, 'follow.db');
    const j = SqliteJournal.open(path, { key: null, anchor: 'head-file', batchSize: 5 });
    for (const d of makeDrafts(12)) j.append(d); // auto-commits at 5 and 10
    expect(readHeadFile(path)).toMatchObject({ seq: 10, format: 2, keyed: false, mac: null });
    j.commitSync();
    expect(readHeadFile(path)).toMatchObject({ seq: 12, hash: j.headHash() });
    j.closeSync();
    expect(readdirSync(dir).filter((f) => f.startsWith('follow.db'))).toEqual(['follow.db', 'follow.db.head']);
    expect(JSON.parse(readFileSync(headFilePath(path), 'utf8'))).toMatchObject({ head: 'reckon-journal-head/1', seq: 12 });
    expect(verifyJournal(path, { key: null })).toMatchObject({ ok: true, anchors: [`head file ${path}.head (seq 12)`] });
  });

  it('a journal swapped for another valid one is refused by verify and by the next writer', () => {
    const path = anchored(40);
    copyFileSync(anchored(40, 3), path);
    expect(verifyJournal(path, { key: null })).toMatchObject({ ok: false, firstBadSeq: 40, reason: `seq 40: hash differs from head file ${path}.head (journal rewritten or replaced)` });
    expect(errorOf(() => SqliteJournal.open(path, { key: null }))).toMatch(/^JOURNAL_INTEGRITY: .*seq 40 differs from head file/);
  });

  it('a journal deleted or emptied: every anchored record is reported lost, nothing is created', () => {
    const path = anchored(30);
    rmSync(path);
    expect(verifyJournal(path, { key: null })).toMatchObject({ ok: false, reason: `head file ${path}.head says seq 30, journal ends at 0: 1..30 lost (no journal file)` });
    const cli = spawnSync(process.execPath, [BIN, 'journal', 'verify', path], { encoding: 'utf8' });
    expect([cli.status, cli.stderr]).toEqual([1, `${path}: BROKEN at seq 1: head file ${path}.head says seq 30, journal ends at 0: 1..30 lost (no journal file) (0 records verified before it)\n`]);
    expect(errorOf(() => SqliteJournal.open(path, { key: null }))).toMatch(/^JOURNAL_INTEGRITY: .*1\.\.30 lost \(no journal file\)/);
    expect(existsSync(path)).toBe(false);
    writeFileSync(path, '');
    expect(verifyJournal(path, { key: null })).toMatchObject({ ok: false, reason: expect.stringMatching(/1\.\.30 lost \(the database file is empty\)$/) as unknown });
  });

  it('a damaged head file is a finding, not a missing anchor', () => {
    const path = anchored(5);
    writeFileSync(headFilePath(path), '{"head":"reckon-journal-head/1","seq":"5"}');
    expect(verifyJournal(path, { key: null })).toMatchObject({ ok: false, reason: expect.stringMatching(/not a journal head file/) as unknown });
    expect(errorOf(() => SqliteJournal.open(path, { key: null }))).toMatch(/^JOURNAL_INTEGRITY: .*not a journal head file/);
  });

  it('a keyed journal\'s head file carries a tag only the key makes', () => {
    const key = Buffer.from('k'.repeat(32));
    const path = join(dir, 'keyed.db');
    const j = SqliteJournal.open(path, { key, anchor: 'head-file' });
    for (const d of makeDrafts(20)) j.append(d);
    j.closeSync();
    const head = readHeadFile(path)!;
    expect(head).toMatchObject({ seq: 20, keyed: true, mac: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown });
    expect(verifyJournal(path, { key }).ok).toBe(true);
    writeFileSync(headFilePath(path), JSON.stringify({ head: 'reckon-journal-head/1', ...head, mac: 'f'.repeat(64) }));
    expect(verifyJournal(path, { key })).toMatchObject({ ok: false, reason: expect.stringMatching(/does not verify with the key \(anchor forged\)/) as unknown });
  });
});
