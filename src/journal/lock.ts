/**
 * One writer per journal: `<journal>.lock`, created with O_EXCL and held for the writer's
 * lifetime. It names its owner (pid, process start time, host, command, since, and the API
 * address of a running `serve`), so a second writer is refused with a message saying who holds
 * it, and a lock left by a dead process (crash, SIGKILL) is taken over: the pid is gone, or it
 * now belongs to a process that started at another time (pid reuse). Readers never lock.
 *
 * This file is a declared entry of wall-clock time: the lock's `since` is operational metadata,
 * never part of a record.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename } from 'node:path';
import { ReckonError } from '../domain/errors.js';

/** What a lock file says about its owner. */
export interface JournalLockInfo {
  readonly pid: number;
  /** Start time of the process (clock ticks since boot, /proc/<pid>/stat field 22); null off Linux. */
  readonly startTime: string | null;
  readonly hostname: string;
  readonly command: string;
  /** ISO-8601 wall time the lock was taken. */
  readonly since: string;
  /** Address of the owner's HTTP API (a running `serve`), if any. */
  readonly api: string | null;
  /** Identifies this lock instance (a takeover never deletes a lock it did not judge stale). */
  readonly nonce: string;
}

/** A lock as another process sees it: `live` owner, `stale` (dead owner), or `unknown` (another host, unreadable). */
export type JournalLockOwner = JournalLockInfo & { readonly state: 'live' | 'stale' | 'unknown' };

export const lockFilePath = (journalPath: string): string => `${journalPath}.lock`;

/** Locks this process holds, released on a normal exit even if a journal was never closed. */
const held = new Map<string, JournalLock>();
let exitHook = false;

/** A held writer lock; `release()` removes the file if it is still ours. */
export class JournalLock {
  private released = false;
  constructor(readonly journalPath: string, public info: JournalLockInfo) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    held.delete(this.journalPath);
    const path = lockFilePath(this.journalPath);
    try {
      if (parseLock(readFileSync(path, 'utf8'))?.nonce === this.info.nonce) unlinkSync(path);
    } catch { /* already gone: nothing to release */ }
  }
}

/**
 * Takes the writer lock of a journal, taking over a stale one. Throws ReckonError
 * 'JOURNAL_LOCKED' naming the owner when another live writer holds it.
 *
 * @example
 * const lock = acquireJournalLock('out/serve/journal.db');
 * try { ... } finally { lock.release(); }
 */
export function acquireJournalLock(journalPath: string): JournalLock {
  const path = lockFilePath(journalPath);
  const info: JournalLockInfo = {
    pid: process.pid, startTime: processStartTime(process.pid), hostname: hostname(), command: commandLine(),
    // eslint-disable-next-line no-restricted-properties -- declared wall-clock entry (see header)
    since: new Date(Date.now()).toISOString(), api: null, nonce: randomBytes(8).toString('hex'),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createExclusive(path, info)) {
      const lock = new JournalLock(journalPath, info);
      held.set(journalPath, lock);
      if (!exitHook) { exitHook = true; process.once('exit', () => { for (const l of [...held.values()]) l.release(); }); }
      return lock;
    }
    const owner = readJournalLock(journalPath);
    if (owner === null) continue; // released meanwhile: try again
    if (owner.state !== 'stale') throw lockedError(journalPath, owner);
    takeOver(path, owner);
  }
  const owner = readJournalLock(journalPath);
  throw lockedError(journalPath, owner ?? { ...info, state: 'unknown' });
}

/**
 * The owner of a journal's writer lock, or null when nobody holds it. For the CLI: a command
 * that would write to a journal a running `serve` owns can send the action to `owner.api`.
 *
 * @example
 * const owner = readJournalLock('out/serve/journal.db'); // { pid, command, api: 'http://127.0.0.1:7400', state: 'live', ... }
 */
export function readJournalLock(journalPath: string): JournalLockOwner | null {
  let text: string;
  try {
    text = readFileSync(lockFilePath(journalPath), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ReckonError('IO_ERROR', `${lockFilePath(journalPath)}: cannot read the journal lock (${(err as Error).message})`);
  }
  const info = parseLock(text);
  if (info === null) {
    return { pid: 0, startTime: null, hostname: '?', command: '?', since: '?', api: null, nonce: '', state: 'unknown' };
  }
  return { ...info, state: ownerState(info) };
}

/**
 * Adds details to the lock this process holds on a journal (e.g. the address `serve` listens
 * on, so other commands can find its API). Throws USAGE if this process does not hold it.
 *
 * @example
 * setLockInfo('out/serve/journal.db', { api: 'http://127.0.0.1:7400' });
 */
export function setLockInfo(journalPath: string, details: { readonly api: string | null }): void {
  const lock = held.get(journalPath);
  if (!lock) throw new ReckonError('USAGE', `${journalPath}: this process does not hold the journal's writer lock`);
  const info: JournalLockInfo = { ...lock.info, api: details.api };
  lock.info = info;
  const path = lockFilePath(journalPath);
  const tmp = `${path}.tmp-${process.pid}`;
  writeLockFile(tmp, info, 'w');
  renameSync(tmp, path);
}

function lockedError(journalPath: string, owner: JournalLockOwner): ReckonError {
  const who = owner.state === 'unknown' && owner.pid === 0
    ? `an unreadable lock file ${lockFilePath(journalPath)} (delete it if no writer is running)`
    : `pid ${owner.pid} (${owner.command}) on ${owner.hostname} since ${owner.since}${owner.api ? `, API ${owner.api}` : ''}`
      + (owner.state === 'unknown' ? ` — another host: if that process is gone, delete ${lockFilePath(journalPath)}` : '');
  return new ReckonError('JOURNAL_LOCKED', `${journalPath} is open for writing by ${who}; nothing was written`);
}

/** True if this process created the lock file (O_EXCL), false if one exists. */
function createExclusive(path: string, info: JournalLockInfo): boolean {
  try {
    writeLockFile(path, info, 'wx');
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ReckonError(code === 'ENOENT' || code === 'ENOTDIR' ? 'BAD_INPUT' : 'IO_ERROR',
      `${path}: cannot create the journal lock (${(err as Error).message})`);
  }
}

function writeLockFile(path: string, info: JournalLockInfo, flags: 'w' | 'wx'): void {
  const fd = openSync(path, flags, 0o644);
  try {
    writeSync(fd, JSON.stringify(info) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Moves the stale lock aside and deletes it only if it is the one judged stale; a lock another
 * process took over in between is put back (link fails if a third one exists meanwhile).
 */
function takeOver(path: string, stale: JournalLockInfo): void {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // gone already: the caller tries to create it again
  }
  let moved: JournalLockInfo | null = null;
  try { moved = parseLock(readFileSync(aside, 'utf8')); } catch { /* unreadable: treat as the stale one */ }
  if (moved !== null && moved.nonce !== stale.nonce) {
    try { linkSync(aside, path); } catch { /* a third writer created one: it holds the lock now */ }
  }
  unlinkSync(aside);
}

function parseLock(text: string): JournalLockInfo | null {
  try {
    const v = JSON.parse(text) as Partial<JournalLockInfo>;
    if (typeof v !== 'object' || v === null || !Number.isSafeInteger(v.pid) || typeof v.nonce !== 'string' || typeof v.hostname !== 'string') return null;
    return {
      pid: v.pid!, startTime: typeof v.startTime === 'string' ? v.startTime : null, hostname: v.hostname, nonce: v.nonce,
      command: typeof v.command === 'string' ? v.command : '?', since: typeof v.since === 'string' ? v.since : '?',
      api: typeof v.api === 'string' ? v.api : null,
    };
  } catch {
    return null;
  }
}

function ownerState(info: JournalLockInfo): 'live' | 'stale' | 'unknown' {
  if (info.hostname !== hostname()) return 'unknown';
  if (info.startTime !== null) {
    const now = processStartTime(info.pid);
    if (now !== null) return now === info.startTime ? 'live' : 'stale';
  }
  try {
    process.kill(info.pid, 0);
    return 'live';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH' ? 'stale' : 'live';
  }
}

/** Field 22 of /proc/<pid>/stat (after the parenthesised command, which may contain spaces); null if unavailable. */
function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // fields[0] is field 3 (state)
  } catch {
    return null;
  }
}

function commandLine(): string {
  const [, script, ...args] = process.argv;
  const name = script === undefined ? 'node' : basename(script).replace(/\.[cm]?js$/, '');
  return [name, ...args].join(' ').slice(0, 300);
}
