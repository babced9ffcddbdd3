/**
 * A NATS outage under the publisher: a nats-server of this test's own (127.0.0.1, a free port,
 * its own store directory) is stopped by its PID and started again. publish() must keep
 * returning at once, queue what it cannot send (bounded), and deliver it after the restart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/support/services.js';
import { makeDrafts } from '../journal/fixtures.test.js';
import { MemoryJournal } from '../journal/memory.js';
import type { JournalRecord } from '../records/records.js';
import { JetStreamPublisher } from './nats-publisher.js';

const NATS_SERVER = '/usr/sbin/nats-server';
const dir = mkdtempSync(join(tmpdir(), 'reckon-nats-outage-'));
let server: ChildProcess | null = null;
afterAll(() => {
  if (server?.pid !== undefined && server.exitCode === null) process.kill(server.pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function startServer(port: number): Promise<ChildProcess> {
  const p = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(dir, 'store')], { stdio: 'ignore' });
  await waitFor(async () => {
    try {
      const nc = await connect({ servers: `127.0.0.1:${port}`, timeout: 500 });
      await nc.close();
      return true;
    } catch {
      return false;
    }
  }, 20_000, `nats-server on ${port}`);
  return p;
}

async function stopServer(p: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => p.once('exit', resolve));
  process.kill(p.pid!, 'SIGTERM');
  await exited;
}

function batches(n: number, size: number): JournalRecord[][] {
  const m = new MemoryJournal();
  const drafts = makeDrafts(n * size);
  return Array.from({ length: n }, (_, b) => drafts.slice(b * size, (b + 1) * size).map((d) => m.append(d)));
}

describe('JetStreamPublisher across a NATS outage', () => {
  it('queues while the server is down (publish never blocks), drops the oldest past its bound, and delivers the rest after the restart', async () => {
    const port = await freePort();
    const servers = `nats://127.0.0.1:${port}`;
    server = await startServer(port);
    const pub = await JetStreamPublisher.connect({ journal: 'outage', servers, stream: 'OUTAGE', subjectPrefix: 'outage', maxQueuedRecords: 50, ackTimeoutMs: 500 });
    try {
      const all = batches(12, 10);
      pub.publish(all[0]!);
      expect(await pub.flush(10_000)).toBe(true);
      await stopServer(server);
      const t0 = performance.now();
      for (const b of all.slice(1)) pub.publish(b); // 110 records into a queue of 50
      expect(performance.now() - t0).toBeLessThan(1_000); // returned at once, nothing awaited
      await waitFor(() => pub.stats().failedRounds > 0, 20_000, 'a failed publish round while the server is down');
      expect(pub.stats()).toMatchObject({ queuedRecords: 50, droppedRecords: 60 });
      server = await startServer(port);
      expect(await pub.flush(30_000)).toBe(true);
      expect(pub.stats()).toMatchObject({ publishedRecords: 60, droppedRecords: 60, queuedRecords: 0 });
      const nc = await connect({ servers });
      try {
        const jsm = await jetstreamManager(nc);
        const firsts: string[] = [];
        for (let seq = 1; seq <= 6; seq++) firsts.push((await jsm.streams.getMessage('OUTAGE', { seq }))!.header.get('Nats-Msg-Id'));
        // The first batch before the outage, then the newest five that fit the bound, in order.
        expect(firsts).toEqual(['outage:1-10', 'outage:71-80', 'outage:81-90', 'outage:91-100', 'outage:101-110', 'outage:111-120']);
      } finally {
        await nc.close();
      }
    } finally {
      await pub.close(2_000);
    }
  }, 90_000);
});
