/**
 * Distributed-mode figures beside the in-process ones of the same run:
 * - PostgreSQL journal: append (the same sealing as SQLite) of the journal-append mix, committed
 *   in transactions of `batchSize` (one multi-row insert + head each), awaited one by one.
 * - JetStream: committed batches of `batchSize` records published (acknowledged, windowed) and
 *   read back through a durable consumer (RecordTail: decode, seq and hash-chain checks) until
 *   the last record arrives.
 * Each uses its own schema / stream, removed afterwards. A server that does not answer gives
 * a null figure with a note, not a failed bench.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { JetStreamPublisher } from '../bus/nats-publisher.js';
import { RecordTail } from '../bus/nats-tail.js';
import { openJournalReader } from '../journal/open-any.js';
import { PostgresJournal } from '../journal/postgres.js';
import { SqliteJournal } from '../journal/sqlite.js';
import type { JournalRecord } from '../records/records.js';
import { benchDrafts } from './journal-append.js';

export const BENCH_PG = process.env.RECKON_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
export const BENCH_NATS = process.env.RECKON_BENCH_NATS ?? 'nats://127.0.0.1:4222';

let run = 0;

/** Seconds to append and commit `n` records into a new PostgreSQL journal, `batchSize` per commit. */
export async function runPgJournal(n: number, batchSize: number): Promise<{ records: number; seconds: number }> {
  const schema = `reckon_bench_${process.pid}`;
  const url = `${BENCH_PG}?journal=bench${++run}&schema=${schema}`;
  const j = await PostgresJournal.open(url);
  try {
    const mix = benchDrafts();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      j.append(mix[i % mix.length]!);
      if ((i + 1) % batchSize === 0) await j.commit();
    }
    await j.commit();
    return { records: n, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
  } finally {
    await j.close();
  }
}

/** Drops the PostgreSQL bench schema of this process. */
export async function dropPgBench(): Promise<void> {
  const sql = postgres(BENCH_PG, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(`DROP SCHEMA IF EXISTS reckon_bench_${process.pid} CASCADE`);
  } finally {
    await sql.end({ timeout: 2 });
  }
}

/** Seconds from the first publish until a durable consumer has yielded all `n` records. */
export async function runJetStream(n: number, batchSize: number): Promise<{ records: number; seconds: number; messages: number }> {
  const tag = `${process.pid}_${++run}`;
  const topo = { stream: `RECKON_BENCH_${tag}`, subjectPrefix: `reckon_bench_${tag}` };
  const dir = mkdtempSync(join(tmpdir(), 'reckon-js-bench-'));
  const path = join(dir, 'bench.db');
  const store = SqliteJournal.open(path, { durability: 'off', batchSize: 1 << 30 });
  store.commitSync();
  const source = await openJournalReader(path);
  const pub = await JetStreamPublisher.connect({ journal: 'bench', servers: BENCH_NATS, ...topo });
  // Consumer first (deliver new), so every record comes through the bus, none from the journal.
  const tail = await RecordTail.open({ source, fromSeq: 1, bus: { servers: BENCH_NATS, durable: 'bench', ...topo }, idleMs: 600_000 });
  try {
    const mix = benchDrafts();
    const batches: JournalRecord[][] = [];
    for (let i = 0; i < n; i += batchSize) {
      const batch: JournalRecord[] = [];
      for (let k = i; k < Math.min(n, i + batchSize); k++) batch.push(store.append(mix[k % mix.length]!));
      batches.push(batch);
    }
    store.commitSync(); // the journal has them (gap fill would read them), untimed
    const t0 = process.hrtime.bigint();
    let seen = 0;
    const consumed = (async () => {
      for await (const r of tail.records()) {
        if (r.seq !== ++seen) throw new Error(`bench: seq ${r.seq} where ${seen} was due`);
        if (seen === n) return;
      }
    })();
    for (const b of batches) pub.publish(b);
    await consumed;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { records: n, seconds, messages: pub.stats().publishedMessages };
  } finally {
    await tail.close();
    await pub.close();
    await source.close();
    store.closeSync();
    rmSync(dir, { recursive: true, force: true });
    const nc = await connect({ servers: BENCH_NATS });
    await (await jetstreamManager(nc)).streams.delete(topo.stream).catch(() => undefined);
    await nc.close();
  }
}
