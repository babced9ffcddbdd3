/**
 * The distributed-mode commands as a user runs them, against the local PostgreSQL and NATS:
 * `run --journal URL`, `journal verify|export|copy` with URLs, a second writer refused (exit 2),
 * and `reckon tail` following a journal over JetStream and by polling.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleBars } from '../../src/marketdata/sample.js';
import { JetStreamPublisher } from '../../src/bus/nats-publisher.js';
import { PublishingJournal } from '../../src/bus/nats-publishing-journal.js';
import { makeDrafts } from '../../src/journal/fixtures.test.js';
import { PostgresJournal } from '../../src/journal/postgres.js';
import { reckon, reckonAsync, tempDir } from '../support/cli.js';
import { natsTopology, NATS_URL, pgSchema, waitFor } from '../support/services.js';

const db = pgSchema();
const topo = natsTopology();
let dir: string;
let data: string;

beforeAll(async () => {
  dir = tempDir('reckon-dist-');
  data = join(dir, 'bars.csv');
  await generateSampleBars(data, { barsPerInstrument: 2000 });
});
afterAll(async () => {
  await db.drop();
  await topo.drop();
});

/** Runs the CLI in the background and collects its output until it exits. */
function background(args: string[]): { exited: Promise<number>; stdout: () => string; stderr: () => string; pid: number } {
  const child = reckonAsync(args);
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { exited, stdout: () => out, stderr: () => err, pid: child.pid! };
}

describe('distributed mode commands', () => {
  it('run --journal URL gives the head hash of the SQLite run; verify, export and copy take the URL; a second writer exits 2 naming the holder', async () => {
    const url = db.url('run1');
    const local = reckon(['run', '--data', data, '--out', join(dir, 'local'), '--json']);
    expect(local.code, local.stderr).toBe(0);
    const remote = reckon(['run', '--data', data, '--out', join(dir, 'remote'), '--journal', url, '--json']);
    expect(remote.code, remote.stderr).toBe(0);
    const head = JSON.parse(local.stdout).journal.headHash as string;
    expect(JSON.parse(remote.stdout).journal).toMatchObject({ path: url, headHash: head });
    const v = reckon(['journal', 'verify', url, '--json']);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ ok: true, headHash: head });
    expect(reckon(['journal', 'export', url]).stdout).toBe(reckon(['journal', 'export', join(dir, 'local', 'journal.db')]).stdout);

    const back = join(dir, 'back.db');
    const c1 = reckon(['journal', 'copy', url, db.url('copied')]);
    expect(c1.code, c1.stderr).toBe(0);
    const c2 = reckon(['journal', 'copy', db.url('copied'), back, '--json']);
    expect(c2.code, c2.stderr).toBe(0);
    expect(JSON.parse(c2.stdout)).toMatchObject({ ok: true, headHash: head });
    for (const j of [db.url('copied'), back]) expect(JSON.parse(reckon(['journal', 'verify', j, '--json']).stdout).headHash).toBe(head);
    const refused = reckon(['journal', 'copy', back, db.url('copied')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('not empty');

    const holder = await PostgresJournal.open(db.url('held'));
    try {
      const second = reckon(['run', '--data', data, '--out', join(dir, 'second'), '--journal', db.url('held')]);
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(/journal 'held' already has a writer \(backend pid \d+, application_name 'reckon writer held pid \d+ on [^']+', client 127\.0\.0\.1:\d+/);
    } finally {
      await holder.close();
    }
  }, 120_000);

  it('reckon tail --bus prints every committed record once, in order, as they are committed (gap filled from the journal)', async () => {
    const url = db.url('live1');
    const store = await PostgresJournal.open(url);
    const pub = await JetStreamPublisher.connect({ journal: 'live1', servers: NATS_URL, ...topo });
    const journal = new PublishingJournal(store, pub);
    try {
      for (const d of makeDrafts(20)) journal.append(d);
      await journal.commit(); // before the tail starts: it reads these from the journal
      const tail = background(['tail', url, '--bus', NATS_URL, '--stream', topo.stream, '--subject-prefix', topo.subjectPrefix,
        '--from', '1', '--json', '--limit', '120', '--durable', 'e2e']);
      await waitFor(() => tail.stdout().split('\n').length > 20, 30_000, 'the catch-up from the journal');
      for (let b = 0; b < 5; b++) {
        for (const d of makeDrafts(20, 20 + b * 20)) journal.append(d);
        await journal.commit();
      }
      for (const d of makeDrafts(20, 120)) store.append(d); // committed, never published: a gap
      await store.commit();
      expect(await tail.exited).toBe(0);
      const lines = tail.stdout().trim().split('\n').map((l) => JSON.parse(l) as { seq: number; hash: string });
      expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
      const exported = reckon(['journal', 'export', url]).stdout.trim().split('\n').slice(0, 120);
      expect(tail.stdout().trim().split('\n')).toEqual(exported);
    } finally {
      await pub.close();
      await store.close();
    }
  }, 120_000);

  it('reckon tail without --bus polls the journal, prints human lines, stops on SIGINT; bad --from is a usage error', async () => {
    const url = db.url('poll1');
    const store = await PostgresJournal.open(url);
    try {
      for (const d of makeDrafts(3)) store.append(d);
      await store.commit();
      const tail = background(['tail', url, '--from', '4', '--limit', '5', '--poll-ms', '50']);
      store.append(makeDrafts(4)[3]!);
      await store.commit();
      // --limit 5 keeps it running after seq 4 until interrupted.
      await waitFor(() => tail.stdout().includes('#4 '), 20_000, 'seq 4 on the tail');
      process.kill(tail.pid, 'SIGINT');
      expect(await tail.exited).toBe(0);
      expect(tail.stdout().trim()).toMatch(/^#4 S04\.order acc-1 BTC-USD submit fixture-intent-000 ts \d+$/);
    } finally {
      await store.close();
    }
    const bad = reckon(['tail', url, '--from', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from: "x" is not a positive integer');
  }, 60_000);
});
