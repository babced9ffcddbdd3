/**
 * JetStream publisher and RecordTail against the local NATS (127.0.0.1:4222), each test with its
 * own stream and subject prefix (deleted afterwards), the journal a SQLite file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { natsTopology, NATS_URL, waitFor } from '../../test/support/services.js';
import { makeDrafts } from '../journal/fixtures.test.js';
import { openJournalReader } from '../journal/open-any.js';
import { SqliteJournal } from '../journal/sqlite.js';
import type { JournalRecord } from '../records/records.js';
import { JetStreamPublisher } from './nats-publisher.js';
import { PublishingJournal } from './nats-publishing-journal.js';
import { batchMsgId, recordLine, recordsSubject } from './nats-stream.js';
import { RecordTail } from './nats-tail.js';

const dir = mkdtempSync(join(tmpdir(), 'reckon-nats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let n = 0;
/** A journal file named desk<n> (its bus name), a topology of its own, and a publisher on it. */
async function setup(opts: { publisher?: boolean } = {}) {
  const topo = natsTopology();
  cleanups.push(topo.drop);
  const path = join(dir, `desk${++n}.db`);
  const store = SqliteJournal.open(path, { batchSize: 1_000_000 });
  cleanups.push(async () => store.closeSync());
  const name = `desk${n}`;
  const pub = opts.publisher === false ? null : await JetStreamPublisher.connect({ journal: name, servers: NATS_URL, ...topo });
  if (pub) cleanups.push(() => pub.close());
  const source = await openJournalReader(path);
  cleanups.push(() => source.close());
  return { topo, path, name, store, pub, source };
}

async function take(tail: RecordTail, count: number, budgetMs = 20_000): Promise<JournalRecord[]> {
  const out: JournalRecord[] = [];
  const timer = setTimeout(() => void tail.close(), budgetMs);
  try {
    for await (const r of tail.records()) {
      out.push(r);
      if (out.length >= count) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return out;
}

const seqs = (rs: readonly JournalRecord[]): number[] => rs.map((r) => r.seq);
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

async function streamMessages(stream: string): Promise<number> {
  const nc = await connect({ servers: NATS_URL });
  try {
    return (await (await jetstreamManager(nc)).streams.info(stream)).state.messages;
  } finally {
    await nc.close();
  }
}

/** Appends `count` fixture drafts and commits them as one batch; returns the committed records. */
function commitBatch(store: SqliteJournal, from: number, count: number): JournalRecord[] {
  const recs = makeDrafts(count, from).map((d) => store.append(d));
  store.commitSync();
  return recs;
}

describe('JetStreamPublisher', () => {
  it('one message per committed batch with id <journal>:<first>-<last>; publishing the same batch twice stores one message', async () => {
    const { topo, store, pub, name } = await setup();
    const journal = new PublishingJournal(store, pub!);
    for (const d of makeDrafts(25)) journal.append(d);
    await journal.commit();
    for (const d of makeDrafts(5, 25)) journal.append(d);
    await journal.commit();
    expect(await pub!.flush(10_000)).toBe(true);
    expect(await streamMessages(topo.stream)).toBe(2);
    // The same batch again (a retry after a lost PubAck looks exactly like this).
    const again: JournalRecord[] = [];
    for await (const r of store.read(26)) again.push(r);
    pub!.publish(again);
    expect(await pub!.flush(10_000)).toBe(true);
    expect(await streamMessages(topo.stream)).toBe(2);
    expect(pub!.stats()).toMatchObject({ publishedMessages: 3, publishedRecords: 35, duplicates: 1, droppedRecords: 0 });
    const nc = await connect({ servers: NATS_URL });
    cleanups.push(() => nc.close());
    const jsm = await jetstreamManager(nc);
    const first = await jsm.streams.getMessage(topo.stream, { seq: 1 });
    const second = await jsm.streams.getMessage(topo.stream, { seq: 2 });
    expect(first!.subject).toBe(recordsSubject(name, topo));
    expect(first!.header.get('Nats-Msg-Id')).toBe(batchMsgId(name, 1, 25));
    expect(second!.header.get('Nats-Msg-Id')).toBe(`${name}:26-30`);
    expect([second!.header.get('Reckon-First-Seq'), second!.header.get('Reckon-Last-Seq'), second!.header.get('Reckon-Count')]).toEqual(['26', '30', '5']);
    expect(new TextDecoder().decode(first!.data).trim().split('\n').map((l) => JSON.parse(l).seq)).toEqual(range(1, 25));
  });

  it('splits a batch larger than the server max payload into contiguous messages', async () => {
    const { topo, store, pub } = await setup();
    const big = makeDrafts(6000).map((d) => store.append(d)); // several MB of NDJSON
    store.commitSync();
    pub!.publish(big);
    expect(await pub!.flush(20_000)).toBe(true);
    const messages = await streamMessages(topo.stream);
    expect(messages).toBeGreaterThan(1);
    expect(pub!.stats().publishedRecords).toBe(6000);
  });
});

describe('RecordTail', () => {
  it('fills a gap from the journal: a batch that never reached the bus still arrives, in order, once', async () => {
    const { topo, store, pub, source, name } = await setup();
    const tail = await RecordTail.open({ source, fromSeq: 1, bus: { servers: NATS_URL, durable: 'gap', ...topo }, idleMs: 60_000 });
    cleanups.push(() => tail.close());
    pub!.publish(commitBatch(store, 0, 10));
    commitBatch(store, 10, 10); // committed, its message lost
    pub!.publish(commitBatch(store, 20, 10));
    // A duplicate of the first batch, delivered after the later one (a late retry).
    const nc = await connect({ servers: NATS_URL });
    cleanups.push(() => nc.close());
    const h = headers();
    h.set('Reckon-First-Seq', '1'); h.set('Reckon-Last-Seq', '2');
    const firstTwo: JournalRecord[] = [];
    for await (const r of store.read(1)) if (r.seq <= 2) firstTwo.push(r);
    expect(await pub!.flush()).toBe(true);
    await jetstream(nc).publish(recordsSubject(name, topo), firstTwo.map(recordLine).join('\n'), { headers: h });
    pub!.publish(commitBatch(store, 30, 5));
    const got = await take(tail, 35);
    expect(seqs(got)).toEqual(range(1, 35));
    expect(got.map((r) => r.hash)).toEqual((await source.range(1, 35)).map((r) => r.hash));
  });

  it('a record altered on the bus is replaced by the journal record', async () => {
    const { topo, store, source, name } = await setup({ publisher: false });
    const recs = commitBatch(store, 0, 6);
    const tail = await RecordTail.open({ source, fromSeq: 1, bus: { servers: NATS_URL, durable: 'forged', ...topo }, idleMs: 60_000 });
    cleanups.push(() => tail.close());
    const forged = recs.map((r) => (r.seq === 4 ? { ...r, account: 'acc-evil' } : r));
    const nc = await connect({ servers: NATS_URL });
    cleanups.push(() => nc.close());
    const h = headers();
    h.set('Reckon-First-Seq', '1'); h.set('Reckon-Last-Seq', '6');
    await jetstream(nc).publish(recordsSubject(name, topo), forged.map(recordLine).join('\n'), { headers: h });
    const got = await take(tail, 6);
    expect(got.map((r) => r.account)).toEqual(recs.map((r) => r.account));
  });

  it('restarting the durable consumer loses and repeats nothing; a quiet bus still gets records committed without a message', async () => {
    const { topo, store, pub, source } = await setup();
    const bus = { servers: NATS_URL, durable: 'restart', ...topo };
    const first = await RecordTail.open({ source, bus, idleMs: 60_000 });
    expect(first.position()).toBe(1); // new consumer: from the next record committed
    for (let b = 0; b < 6; b++) pub!.publish(commitBatch(store, b * 10, 10));
    const a = await take(first, 30); // exactly three whole batches
    await first.close();
    for (let b = 6; b < 9; b++) pub!.publish(commitBatch(store, b * 10, 10));
    expect(await pub!.flush()).toBe(true);
    const second = await RecordTail.open({ source, bus, idleMs: 300 });
    cleanups.push(() => second.close());
    expect(second.position()).toBe(31); // after the last message the first tail acked
    commitBatch(store, 90, 5); // never published: the idle check reads it from the journal
    const b = await take(second, 65);
    expect([...seqs(a), ...seqs(b)]).toEqual(range(1, 95));
  });

  it('without a bus, polls the journal', async () => {
    const { store, source } = await setup({ publisher: false });
    commitBatch(store, 0, 3);
    const tail = await RecordTail.open({ source, pollMs: 20 });
    cleanups.push(() => tail.close());
    expect(tail.position()).toBe(4);
    const taking = take(tail, 4);
    await waitFor(() => true, 100, 'nothing');
    commitBatch(store, 3, 4);
    expect(seqs(await taking)).toEqual([4, 5, 6, 7]);
  });
});


