/**
 * The head file: the journal's last committed (seq, hash) outside the database, beside it as
 * `<journal>.head`, replaced atomically and fsync'ed after every commit of an anchored writer.
 * SQLite's WAL can lose committed transactions together with the head row kept inside the file
 * (a deleted or damaged `-wal` after a crash); the head file survives that, so opening the
 * journal and `journal verify` see the loss and name the range.
 *
 * Content, one JSON line:
 * `{"head":"reckon-journal-head/1","seq":1200,"hash":"9f…","format":2,"keyed":true,"mac":"…"}`
 * (`mac` = headMac of a keyed journal, null otherwise).
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ReckonError } from '../domain/errors.js';
import type { JournalFormat } from './hash.js';
import type { RecordedHead } from './sqlite-schema.js';

const TAG = 'reckon-journal-head/1';

export interface HeadFile extends RecordedHead {
  readonly format: JournalFormat;
  readonly keyed: boolean;
}

/** `<journal>.head`. */
export const headFilePath = (journalPath: string): string => `${journalPath}.head`;

/**
 * Writes the head file atomically and durably: temp file, fsync, rename over the old one,
 * fsync of the directory (so the rename itself survives a power loss). Throws IO_ERROR.
 *
 * @example
 * writeHeadFile('out/serve/journal.db', { seq: 12, hash, mac: null, format: 2, keyed: false });
 */
export function writeHeadFile(journalPath: string, head: HeadFile): void {
  const path = headFilePath(journalPath);
  const tmp = `${path}.tmp-${process.pid}`;
  const text = JSON.stringify({ head: TAG, seq: head.seq, hash: head.hash, format: head.format, keyed: head.keyed, mac: head.mac }) + '\n';
  try {
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    fsyncDir(dirname(path));
  } catch (err) {
    throw new ReckonError('IO_ERROR', `${path}: cannot write the journal head file (${(err as Error).message})`);
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads `<journal>.head`: null when there is none. Throws JOURNAL_INTEGRITY for a file that is
 * not a head file (a damaged anchor is a finding, not a missing one).
 */
export function readHeadFile(journalPath: string): HeadFile | null {
  const path = headFilePath(journalPath);
  if (!existsSync(path)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ReckonError('JOURNAL_INTEGRITY', `${path}: head file unreadable (${(err as Error).message})`);
  }
  const h = parsed as Record<string, unknown>;
  const valid = typeof h === 'object' && h !== null && h.head === TAG && Number.isSafeInteger(h.seq) && (h.seq as number) >= 0
    && typeof h.hash === 'string' && /^[0-9a-f]{64}$/.test(h.hash) && (h.format === 1 || h.format === 2)
    && typeof h.keyed === 'boolean' && (h.mac === null || (typeof h.mac === 'string' && /^[0-9a-f]{64}$/.test(h.mac)));
  if (!valid) throw new ReckonError('JOURNAL_INTEGRITY', `${path}: not a journal head file (expected ${TAG})`);
  return { seq: h.seq as number, hash: h.hash as string, format: h.format as JournalFormat, keyed: h.keyed as boolean, mac: h.mac as string | null };
}
