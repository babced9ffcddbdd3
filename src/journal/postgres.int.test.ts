/**
 * PostgreSQL journal against the local server (127.0.0.1:5432, db test), each test in its own
 * schema, dropped afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgSchema, waitFor } from '../../test/support/services.js';
import { ReckonError } from '../domain/errors.js';
import type { JournalRecord } from '../records/records.js';
import { copyJournal } from './copy.js';
import { makeDrafts } from './fixtures.test.js';
import { MemoryJournal } from './memory.js';
import { openJournalReader } from './open-any.js';
import { PostgresJournal } from './postgres.js';
import { SqliteJournal } from './sqlite.js';

const db = pgSchema();
const dir = mkdtempSync(join(tmpdir(), 'reckon-pg-'));
let n = 0;
const fresh = (): string => db.url(`j${++n}`);

beforeAll(async () => { await db.sql`SELECT 1`; });
afterAll(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function collect(it: AsyncIterable<JournalRecord>): Promise<JournalRecord[]> {
  const out: JournalRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

async function rejection(p: Promise<unknown>): Promise<ReckonError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ReckonError);
    return err as ReckonError;
  }
  throw new Error('expected a rejection');
}

const table = (): string => `"${db.schema}".journal`;

describe('PostgresJournal', () => {
  it('gives the same seqs, records and head hash as SQLite and memory for the same drafts; one transaction per commit', async () => {
    const drafts = makeDrafts(5000);
    const url = fresh();
    const pg = await PostgresJournal.open(url);
    const sqlite = SqliteJournal.open(join(dir, 'same.db'));
    const mem = new MemoryJournal();
    // Batches of uneven sizes, one over the 2000 rows of one INSERT statement.
    const sizes = [1, 7, 500, 2600, 1892];
    let at = 0;
    for (const size of sizes) {
      for (const d of drafts.slice(at, at + size)) { pg.append(d); sqlite.append(d); mem.append(d); }
      at += size;
      expect(pg.committedSeq()).toBe(at - size);
      expect(await pg.commit()).toBe(at);
    }
    sqlite.commitSync();
    expect(pg.headHash()).toBe(mem.headHash());
    expect(sqlite.headHash()).toBe(mem.headHash());
    expect(await collect(pg.read(1))).toEqual(mem.all());
    expect((await collect(pg.read(4998))).map((r) => r.seq)).toEqual([4998, 4999, 5000]);
    const j = url.match(/journal=(\w+)/)![1]!;
    // Every row of one commit carries that commit's transaction id, and so does the head row.
    const txs = await db.sql.unsafe(`SELECT xmin::text AS tx, count(*)::int AS rows FROM ${table()} WHERE journal = $1 GROUP BY xmin ORDER BY min(seq)`, [j]);
    expect(txs.map((t) => t.rows)).toEqual(sizes);
    const head = await db.sql.unsafe(`SELECT xmin::text AS tx, value FROM "${db.schema}".journal_meta WHERE journal = $1 AND key = 'head'`, [j]);
    expect(head[0]!.tx).toBe(txs[txs.length - 1]!.tx);
    expect(head[0]!.value).toBe(`5000 ${mem.headHash()}`);
    await pg.close();
    sqlite.closeSync();
    const src = await openJournalReader(url);
    expect(await src.verify()).toMatchObject({ ok: true, records: 5000, lastSeq: 5000, headHash: mem.headHash() });
    await src.close();
  });

  it('resumes the chain after close and reopen', async () => {
    const url = fresh();
    const drafts = makeDrafts(300);
    const a = await PostgresJournal.open(url);
    for (const d of drafts.slice(0, 120)) a.append(d);
    await a.close(); // commits what is pending
    const b = await PostgresJournal.open(url);
    expect(b.committedSeq()).toBe(120);
    for (const d of drafts.slice(120)) b.append(d);
    await b.close();
    const mem = new MemoryJournal();
    for (const d of drafts) mem.append(d);
    const src = await openJournalReader(url);
    expect(await src.verify()).toMatchObject({ ok: true, lastSeq: 300, headHash: mem.headHash() });
    await src.close();
  });

  it('refuses a second writer, naming the holder (pid, application_name, client address), until the first closes', async () => {
    const url = fresh();
    const first = await PostgresJournal.open(url);
    const j = url.match(/journal=(\w+)/)![1]!;
    const [holder] = await db.sql.unsafe(`SELECT pid FROM pg_stat_activity WHERE application_name LIKE $1`, [`reckon writer ${j} %`]);
    const err = await rejection(PostgresJournal.open(url));
    expect(err.code).toBe('JOURNAL_LOCKED');
    expect(err.message).toContain(`backend pid ${holder!.pid as number}`);
    expect(err.message).toContain(`application_name 'reckon writer ${j} pid ${process.pid}`);
    expect(err.message).toMatch(/client 127\.0\.0\.1:\d+/);
    // Readers need no lock.
    first.append(makeDrafts(1)[0]!);
    await first.commit();
    const reader = await openJournalReader(url);
    expect((await reader.heads()).lastSeq).toBe(1);
    await reader.close();
    await first.close();
    const second = await PostgresJournal.open(url);
    expect(second.committedSeq()).toBe(1);
    await second.close();
  });

  it('a connection dropped during commit (pg_terminate_backend): commit rejects, nothing of the batch is committed, a later commit succeeds without gaps or duplicates', async () => {
    const url = fresh();
    const j = url.match(/journal=(\w+)/)![1]!;
    const drafts = makeDrafts(3010);
    const mem = new MemoryJournal();
    for (const d of drafts) mem.append(d);
    const w = await PostgresJournal.open(url);
    for (const d of drafts.slice(0, 10)) w.append(d);
    await w.commit();
    // Hold the head row so the next commit stops inside its transaction, rows already inserted.
    let release = (): void => undefined;
    const held = new Promise<void>((r) => { release = r; });
    let locked = (): void => undefined;
    const isLocked = new Promise<void>((r) => { locked = r; });
    const blocker = db.sql.begin(async (tx) => {
      await tx.unsafe(`SELECT value FROM "${db.schema}".journal_meta WHERE journal = $1 AND key = 'head' FOR UPDATE`, [j]);
      locked();
      await held;
    });
    await isLocked;
    for (const d of drafts.slice(10)) w.append(d);
    const commit = w.commit();
    const [victim] = await waitFor(async () => {
      const rows = await db.sql.unsafe(`SELECT pid FROM pg_stat_activity WHERE application_name LIKE $1 AND wait_event_type = 'Lock'`, [`reckon writer ${j} %`]);
      return rows.length ? rows : null;
    }, 20_000, 'the commit to wait on the head row');
    await db.sql.unsafe('SELECT pg_terminate_backend($1)', [victim!.pid]);
    const err = await rejection(commit);
    expect(err.code).toBe('JOURNAL_UNAVAILABLE');
    expect(err.message).toContain('3000 records stay pending');
    release();
    await blocker;
    expect(w.committedSeq()).toBe(10);
    expect(w.pendingCount()).toBe(3000);
    const [{ rows }] = await db.sql.unsafe(`SELECT count(*)::int AS rows FROM ${table()} WHERE journal = $1`, [j]) as [{ rows: number }];
    expect(rows).toBe(10);
    expect(await w.commit()).toBe(3010);
    await w.close();
    const src = await openJournalReader(url);
    expect(await src.verify()).toMatchObject({ ok: true, records: 3010, lastSeq: 3010, headHash: mem.headHash() });
    await src.close();
  });

  it('after a lost connection whose commit did reach the database, the records count as committed, not resent', async () => {
    const url = fresh();
    const j = url.match(/journal=(\w+)/)![1]!;
    const drafts = makeDrafts(40);
    const w = await PostgresJournal.open(url);
    for (const d of drafts.slice(0, 20)) w.append(d);
    await w.commit();
    const landed = drafts.slice(20, 30).map((d) => w.append(d));
    for (const d of drafts.slice(30)) w.append(d);
    // What a commit lost on the way back looks like: its rows and head are in the database.
    for (const r of landed) {
      await db.sql.unsafe(`INSERT INTO ${table()} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [j, r.seq, r.ts, r.type, r.account, r.instrument, r.correlationId, r.causationSeq, r.schema, JSON.stringify(r.payload), r.hash]);
    }
    await db.sql.unsafe(`UPDATE "${db.schema}".journal_meta SET value = $2 WHERE journal = $1 AND key = 'head'`, [j, `30 ${landed[9]!.hash}`]);
    await db.sql.unsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE $1`, [`reckon writer ${j} %`]);
    let committed = 0;
    await waitFor(async () => {
      committed = await w.commit().catch(() => 0); // the first try may still meet the dead socket
      return committed;
    }, 20_000, 'a commit after reconnecting');
    expect(committed).toBe(40);
    await w.close();
    const mem = new MemoryJournal();
    for (const d of drafts) mem.append(d);
    const src = await openJournalReader(url);
    expect(await src.verify()).toMatchObject({ ok: true, records: 40, lastSeq: 40, headHash: mem.headHash() });
    await src.close();
  });

  it('verify names the first bad seq of an altered or truncated journal; a writer refuses a head mismatch; a newer layout is refused', async () => {
    const url = fresh();
    const j = url.match(/journal=(\w+)/)![1]!;
    const w = await PostgresJournal.open(url);
    for (const d of makeDrafts(50)) w.append(d);
    await w.close();
    await db.sql.unsafe(`ALTER TABLE ${table()} DISABLE TRIGGER journal_append_only`);
    try {
      await db.sql.unsafe(`UPDATE ${table()} SET payload = replace(payload, '+2', '+3') WHERE journal = $1 AND seq = 11`, [j]);
      let src = await openJournalReader(url);
      expect(await src.verify()).toMatchObject({ ok: false, firstBadSeq: 11, reason: 'seq 11: hash mismatch (record altered)' });
      await src.close();
      await db.sql.unsafe(`DELETE FROM ${table()} WHERE journal = $1 AND seq >= 48`, [j]);
      await db.sql.unsafe(`UPDATE ${table()} SET payload = replace(payload, '+3', '+2') WHERE journal = $1 AND seq = 11`, [j]);
      src = await openJournalReader(url);
      expect(await src.verify()).toMatchObject({ ok: false, firstBadSeq: 48, reason: expect.stringContaining('journal truncated') as unknown });
      await src.close();
      expect((await rejection(PostgresJournal.open(url))).code).toBe('JOURNAL_INTEGRITY');
    } finally {
      await db.sql.unsafe(`ALTER TABLE ${table()} ENABLE TRIGGER journal_append_only`);
    }
    await expect(db.sql.unsafe(`DELETE FROM ${table()} WHERE journal = $1`, [j])).rejects.toThrow(/append-only/);
    const missing = await rejection(openJournalReader(db.url('nosuch')));
    expect(missing.code).toBe('BAD_INPUT');
    await db.sql.unsafe(`UPDATE "${db.schema}".reckon_schema SET version = 99`);
    try {
      const newer = await rejection(PostgresJournal.open(fresh()));
      expect(newer.message).toMatch(/layout version 99, newer than this Reckon/);
    } finally {
      await db.sql.unsafe(`UPDATE "${db.schema}".reckon_schema SET version = 1`);
    }
  });

  it('journal copy SQLite -> PostgreSQL -> SQLite keeps every record and the head hash; verify passes on all three; a non-empty target is refused', async () => {
    const a = join(dir, 'copy-a.db');
    const s = SqliteJournal.open(a, { batchSize: 300 });
    for (const d of makeDrafts(2345)) s.append(d);
    const head = s.headHash();
    s.closeSync();
    const pg = fresh();
    const b = join(dir, 'copy-b.db');
    expect(await copyJournal(a, pg)).toEqual({ records: 2345, lastSeq: 2345, headHash: head });
    expect(await copyJournal(pg, b)).toEqual({ records: 2345, lastSeq: 2345, headHash: head });
    for (const spec of [a, pg, b]) {
      const src = await openJournalReader(spec);
      expect(await src.verify()).toMatchObject({ ok: true, records: 2345, lastSeq: 2345, headHash: head });
      await src.close();
    }
    const again = await rejection(copyJournal(a, pg));
    expect(again.code).toBe('USAGE');
    expect(again.message).toContain('not empty (2345 records)');
  });
});
