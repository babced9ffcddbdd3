/**
 * One writer per journal: a second writer, in this process or another, is refused naming the
 * owner and writes nothing; the lock of a dead (SIGKILLed) process is taken over; readers never
 * need the lock.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReckonError } from '../domain/errors.js';
import { startChildWriter } from './child-writer.test.js';
import { exportJournal } from './export.js';
import { makeDrafts } from './fixtures.test.js';
import { lockFilePath, readJournalLock, setLockInfo } from './lock.js';
import { openJournalForRead } from './open.js';
import { SqliteJournal } from './sqlite.js';
import { verifyJournal } from './verify.js';

const dir = mkdtempSync(join(tmpdir(), 'reckon-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `l${++n}.db`);
const BIN = resolve(import.meta.dirname, '../../bin/reckon.js');

function refusal(fn: () => unknown): ReckonError {
  try { fn(); } catch (err) { if (err instanceof ReckonError) return err; throw err; }
  throw new Error('expected a ReckonError');
}

describe('single writer per journal', () => {
  it('refuses a second writer in the same process, naming the owner, and writes nothing', () => {
    const path = fresh();
    const first = SqliteJournal.open(path, { key: null });
    for (const d of makeDrafts(5)) first.append(d);
    first.commitSync();
    const size = statSync(path).size;
    const err = refusal(() => SqliteJournal.open(path, { key: null, anchor: 'head-file' }));
    expect(err.code).toBe('JOURNAL_LOCKED');
    expect(err.message).toMatch(new RegExp(`is open for writing by pid ${process.pid} \\(.+\\) on ${hostname()} since \\d{4}-\\d\\d-\\d\\dT.*; nothing was written`));
    expect(existsSync(`${path}.head`)).toBe(false);
    expect(statSync(path).size).toBe(size);
    // Readers need no lock.
    expect(verifyJournal(path, { key: null })).toMatchObject({ ok: true, lastSeq: 5 });
    expect([...openJournalForRead(path)]).toHaveLength(5);
    expect(exportJournal(path, () => undefined).records).toBe(5);
    const follower = SqliteJournal.open(path, { readonly: true });
    expect(follower.lastSeq()).toBe(5);
    follower.closeSync();
    expect(readJournalLock(path)).toMatchObject({ pid: process.pid, state: 'live' });
    first.closeSync();
    expect(existsSync(lockFilePath(path))).toBe(false);
    expect(readJournalLock(path)).toBeNull();
    const again = SqliteJournal.open(path, { key: null });
    expect(again.lastSeq()).toBe(5);
    again.closeSync();
  });

  it('records the API address for other commands; only the owner may set it', () => {
    const path = fresh();
    expect(() => setLockInfo(path, { api: 'http://127.0.0.1:1' })).toThrow(/does not hold/);
    const j = SqliteJournal.open(path, { key: null });
    setLockInfo(path, { api: 'http://127.0.0.1:7400' });
    expect(readJournalLock(path)).toMatchObject({ pid: process.pid, api: 'http://127.0.0.1:7400', state: 'live' });
    expect(refusal(() => SqliteJournal.open(path, { key: null })).message).toMatch(/, API http:\/\/127\.0\.0\.1:7400; nothing was written/);
    j.closeSync();
  });

  it('refuses a writer while another process holds the lock, and takes the lock over once that process is killed', async () => {
    const path = fresh();
    const owner = startChildWriter('hold', path, 'http://127.0.0.1:7499');
    try {
      const [, pid] = await owner.waitFor(/^ready (\d+)$/);
      const err = refusal(() => SqliteJournal.open(path, { key: null }));
      expect(err.code).toBe('JOURNAL_LOCKED');
      expect(err.message).toContain(`pid ${pid} (writer-child hold ${path} http://127.0.0.1:7499)`);
      expect(err.message).toContain('API http://127.0.0.1:7499');
      expect(readJournalLock(path)).toMatchObject({ pid: Number(pid), state: 'live', api: 'http://127.0.0.1:7499' });
      // The CLI as a user runs it: a one-line refusal, exit 2, nothing appended.
      const cli = spawnSync(process.execPath, [BIN, 'incident', 'ack', 'INC-1', '--journal', path, '--by', 'ana', '--note', 'x'], { encoding: 'utf8' });
      expect(cli.stderr.trim().split('\n')).toHaveLength(1);
      expect(cli.stderr).toMatch(new RegExp(`is open for writing by pid ${pid} `));
      expect(cli.status).toBe(2);
    } finally {
      await owner.kill();
    }
    expect(readJournalLock(path)).toMatchObject({ state: 'stale' });
    const next = SqliteJournal.open(path, { key: null });
    expect(next.lastSeq()).toBe(10);
    expect(readJournalLock(path)).toMatchObject({ pid: process.pid, state: 'live' });
    next.closeSync();
    expect(existsSync(lockFilePath(path))).toBe(false);
  });

  it('takes over a lock whose pid is dead or belongs to a process started at another time (pid reuse)', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    const stat = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
    for (const lock of [
      { pid: deadPid, startTime: null, hostname: hostname(), command: 'reckon serve', since: '2020-01-01T00:00:00.000Z', api: null, nonce: 'dead' },
      { pid: process.pid, startTime: String(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]) + 1), hostname: hostname(), command: 'reckon serve', since: '2020-01-01T00:00:00.000Z', api: null, nonce: 'reused' },
    ]) {
      const path = fresh();
      writeFileSync(lockFilePath(path), JSON.stringify(lock));
      expect(readJournalLock(path)).toMatchObject({ state: 'stale' });
      const j = SqliteJournal.open(path, { key: null });
      expect(readJournalLock(path)).toMatchObject({ pid: process.pid, state: 'live' });
      j.closeSync();
      expect(existsSync(lockFilePath(path))).toBe(false);
    }
  });

  it('does not take over the lock of another host or an unreadable lock file', () => {
    const path = fresh();
    writeFileSync(lockFilePath(path), JSON.stringify({ pid: 1, startTime: null, hostname: 'elsewhere', command: 'reckon serve', since: 'x', api: null, nonce: 'n' }));
    expect(refusal(() => SqliteJournal.open(path, { key: null })).message).toMatch(/on elsewhere since x — another host: if that process is gone, delete/);
    writeFileSync(lockFilePath(path), '');
    expect(refusal(() => SqliteJournal.open(path, { key: null })).message).toMatch(/unreadable lock file/);
    expect(existsSync(path)).toBe(false);
  });
});
