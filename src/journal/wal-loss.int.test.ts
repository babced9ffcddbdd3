/**
 * Committed records lost with the WAL: a writer anchored by its head file is SIGKILLed with its
 * commits still in `journal.db-wal` (no checkpoints); the -wal is then deleted or one of its
 * frames damaged. SQLite silently opens the older state (the recorded head inside the file rolls
 * back with it); the head file outside the database still knows the real end, so verify and the
 * next writer name the lost range.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReckonError } from '../domain/errors.js';
import { startChildWriter } from './child-writer.test.js';
import { readHeadFile } from './head-file.js';
import { SqliteJournal } from './sqlite.js';
import { verifyJournal } from './verify.js';

const dir = mkdtempSync(join(tmpdir(), 'reckon-wal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BIN = resolve(import.meta.dirname, '../../bin/reckon.js');
const killed = join(dir, 'killed', 'journal.db');
let committed = 0;

/** A copy of the killed writer's files (journal, -wal, -shm, head file) to damage. */
function copyOfKilled(name: string): string {
  const path = join(dir, `${name}.db`);
  for (const suffix of ['', '-wal', '-shm', '.head']) if (existsSync(killed + suffix)) copyFileSync(killed + suffix, path + suffix);
  return path;
}

beforeAll(async () => {
  spawnSync('mkdir', ['-p', join(dir, 'killed')]);
  const writer = startChildWriter('loop', killed);
  try {
    committed = Number((await writer.waitFor(/^committed ([2-9]\d{3}|\d{5,})$/, 60_000))[1]);
  } finally {
    await writer.kill();
  }
}, 90_000);

describe('records lost with the WAL after a SIGKILL', () => {
  it('the killed writer left its commits in the WAL and its head in the head file', () => {
    expect(statSync(`${killed}-wal`).size).toBeGreaterThan(100_000);
    expect(readHeadFile(killed)!.seq).toBeGreaterThanOrEqual(committed);
    // Killed between a commit and its head file: the journal may be one commit ahead, never behind.
    const r = verifyJournal(copyOfKilled('intact'), { key: null });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.lastSeq - readHeadFile(killed)!.seq).toBeOneOf([0, 20]);
  });

  it('deleting the -wal: verify names the lost range, the CLI exits 1, a writer refuses to continue', () => {
    const path = copyOfKilled('deleted');
    const head = readHeadFile(path)!.seq;
    rmSync(`${path}-wal`);
    rmSync(`${path}-shm`, { force: true });
    const r = verifyJournal(path, { key: null });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const end = r.firstBadSeq - 1;
    expect(end).toBe(100); // what reached the database file before the WAL took over
    expect(r.reason).toBe(`head file ${path}.head says seq ${head}, journal ends at ${end}: ${end + 1}..${head} lost`);
    const cli = spawnSync(process.execPath, [BIN, 'journal', 'verify', path], { encoding: 'utf8' });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain(`journal ends at ${end}: ${end + 1}..${head} lost`);
    let caught: unknown;
    try { SqliteJournal.open(path, { key: null }); } catch (err) { caught = err; }
    expect(caught).toBeInstanceOf(ReckonError);
    expect((caught as ReckonError).code).toBe('JOURNAL_INTEGRITY');
    expect((caught as ReckonError).message).toContain(`says seq ${head}, journal ends at ${end}: ${end + 1}..${head} lost`);
  });

  it('damaging one WAL frame: SQLite drops that commit and every later one; verify names them', () => {
    const path = copyOfKilled('damaged');
    const head = readHeadFile(path)!.seq;
    const size = statSync(`${path}-wal`).size;
    const frame = 24 + 4096;
    const frames = Math.floor((size - 32) / frame);
    const fd = openSync(`${path}-wal`, 'r+');
    writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, 32 + Math.floor(frames / 2) * frame + 24 + 1000);
    closeSync(fd);
    const r = verifyJournal(path, { key: null });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.firstBadSeq).toBeLessThan(head);
    expect(r.reason).toMatch(new RegExp(`says seq ${head}, journal ends at ${r.firstBadSeq - 1}: ${r.firstBadSeq}\\.\\.${head} lost$`));
  });
});
