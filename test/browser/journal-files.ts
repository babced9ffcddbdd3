/** Journal files for the page tests: generated records in a SQLite journal, and tampering with one. */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteJournal } from '../../src/journal/sqlite.js';
import type { AnyDraft, JournalRecord } from '../../src/records/records.js';

/** The same records in a SQLite journal file (replacing one at `path`), read back as `reckon trace` does. */
export function writeSqliteJournal(records: readonly JournalRecord[], path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  for (const f of [path, path + '-wal', path + '-shm']) rmSync(f, { force: true });
  const journal = SqliteJournal.open(path, { durability: 'off' });
  for (const r of records) {
    const { seq: _s, schema: _v, hash: _h, ...draft } = r;
    journal.append(draft as AnyDraft);
  }
  journal.closeSync();
}

/**
 * Rewrites one stored payload through a raw connection, as an attacker (or a stray tool) would:
 * the append-only triggers are dropped first.
 */
export function tamperPayload(path: string, seq: number, edit: (payload: string) => string): void {
  const db = new Database(path);
  try {
    db.exec('DROP TRIGGER IF EXISTS journal_no_update; DROP TRIGGER IF EXISTS journal_no_delete;');
    const row = db.prepare('SELECT payload FROM journal WHERE seq = ?').get(seq) as { payload: string } | undefined;
    if (!row) throw new Error(`no record at seq ${seq}`);
    db.prepare('UPDATE journal SET payload = ? WHERE seq = ?').run(edit(row.payload), seq);
  } finally {
    db.close();
  }
}
