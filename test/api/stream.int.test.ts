/**
 * The live stream (`/api/stream`, server-sent events) never delivers a record `/api/records` does
 * not have: every record event, the moment it arrives, is already served by `/api/records` with
 * the same hash. The journal's commit is made slow (a few ms, as a network database's would be)
 * so a stream that published at step time, before the commit, would be caught.
 */
import { request } from 'node:http';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, TokenAuth } from '../../src/api/auth.js';
import { buildServer } from '../../src/api/server.js';
import { LIVE_CONFIG_PATH } from '../../src/cli/serve-command.js';
import { loadConfigFile } from '../../src/config/load.js';
import { SqliteJournal } from '../../src/journal/sqlite.js';
import type { EmbeddedJournalStore } from '../../src/journal/store.js';
import type { Feed } from '../../src/live/feed.js';
import { LiveRunner } from '../../src/live/live-runner.js';
import { liveProvider } from '../../src/live/provider.js';
import type { JournalRecord } from '../../src/records/records.js';
import { tempDir } from '../support/cli.js';
import { makeBars } from '../support/engine.js';

const VIEWER = 'viewer-token-stream';
const cfg = loadConfigFile(LIVE_CONFIG_PATH);
const bars = makeBars(cfg, Array.from({ length: 120 }, (_, i) => Math.round(7 * Math.sin(i / 4))));
let app: FastifyInstance;
let live: LiveRunner;
let port: number;

/** The same journal with a commit that takes a few milliseconds (a network round trip). */
function slowCommits(j: SqliteJournal): EmbeddedJournalStore {
  const slow = Object.create(j) as SqliteJournal;
  slow.commit = async () => { await new Promise((r) => setTimeout(r, 3)); return j.commit(); };
  return slow;
}

let release!: () => void;
const go = new Promise<void>((r) => { release = r; });
let fedAll!: () => void;
const fed = new Promise<void>((r) => { fedAll = r; });

beforeAll(async () => {
  const journalPath = join(tempDir('reckon-stream-'), 'journal.db');
  let clock = bars[0]!.ts;
  // Bars in bursts of 10, without waiting for each to be stepped: inputs queue while commits are slow.
  const feed: Feed = { description: 'bursts', run: async (onBar) => {
    await go;
    for (let i = 0; i < bars.length; i++) { clock = bars[i]!.ts; onBar(bars[i]!); if (i % 10 === 9) await live.settled(); }
    fedAll();
  } };
  const provider = liveProvider(cfg, { journalPath });
  live = LiveRunner.open({ config: cfg, journal: slowCommits(SqliteJournal.open(journalPath)), feed, gateway: provider.gateway, clock: () => clock, tickMs: 3_600_000 });
  app = await buildServer({ live, auth: TokenAuth.from([{ name: 'ana', role: 'viewer', sha256: sha256Hex(VIEWER) }], {}) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
}, 30_000);
afterAll(async () => { await app?.close(); await live?.stop(); });

describe('GET /api/stream', () => {
  it('every record it delivers is already served by /api/records, identical', async () => {
    const events: JournalRecord[] = [];
    const problems: string[] = [];
    let checks: Promise<void> = Promise.resolve();
    const check = (r: JournalRecord) => {
      checks = checks.then(async () => {
        const res = await app.inject({ method: 'GET', url: `/api/records?from=${r.seq}`, headers: { authorization: `Bearer ${VIEWER}` } });
        const got = (res.json() as { records: JournalRecord[] }).records[0];
        if (got?.seq !== r.seq || got.hash !== r.hash) problems.push(`seq ${r.seq}: /api/records answered ${got ? `seq ${got.seq}` : 'nothing'}`);
      });
    };
    let hello!: (h: { lastSeq: number }) => void;
    const helloSeen = new Promise<{ lastSeq: number }>((r) => { hello = r; });
    const req = request({ host: '127.0.0.1', port, path: '/api/stream', headers: { authorization: `Bearer ${VIEWER}` } }, (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buf += d;
        for (let k = buf.indexOf('\n\n'); k >= 0; k = buf.indexOf('\n\n')) {
          const block = buf.slice(0, k);
          buf = buf.slice(k + 2);
          const event = /^event: (\w+)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event === 'hello') hello(JSON.parse(data!) as { lastSeq: number });
          if (event !== 'record') continue;
          const r = JSON.parse(data!) as JournalRecord;
          // Checked the moment it arrives, before anything else runs on this side.
          const committed = live.journal.committedSeq();
          if (r.seq > committed) problems.push(`seq ${r.seq} streamed while the journal had committed only up to ${committed}`);
          events.push(r);
          check(r);
        }
      });
    });
    req.on('error', () => undefined);
    req.end();
    const h = await helloSeen;
    await live.start();
    release();
    await fed;
    await live.idle();
    const last = live.journal.committedSeq();
    const t0 = performance.now();
    while ((events[events.length - 1]?.seq ?? 0) < last && performance.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 10));
    req.destroy();
    await checks;
    expect(problems).toEqual([]);
    expect(last).toBeGreaterThan(100);
    // Every committed record after the hello, contiguous and in seq order.
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: last - h.lastSeq }, (_, i) => h.lastSeq + 1 + i));
  }, 60_000);
});
