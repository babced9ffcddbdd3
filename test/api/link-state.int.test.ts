/**
 * `/readyz`, `/api/state` and `reckon_provider_connected` follow the provider link as the journal
 * records it, through injected outages (disconnect-with-gap on a simulated venue, SQLite journal):
 * after every bar, what they say equals the fold of the committed journal, and both an outage and
 * the recovery from it were seen.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, TokenAuth } from '../../src/api/auth.js';
import { buildServer } from '../../src/api/server.js';
import { LIVE_CONFIG_PATH } from '../../src/cli/serve-command.js';
import { loadConfigFile } from '../../src/config/load.js';
import { withFaultIdentity } from '../../src/engine/replay.js';
import { foldRecords } from '../../src/engine/kernel-state.js';
import { SqliteJournal } from '../../src/journal/sqlite.js';
import type { Feed } from '../../src/live/feed.js';
import { LiveRunner } from '../../src/live/live-runner.js';
import { liveProvider } from '../../src/live/provider.js';
import type { FaultPlan } from '../../src/provider/sim/fault-plan.js';
import { tempDir } from '../support/cli.js';
import { makeBars } from '../support/engine.js';

const VIEWER = 'viewer-token-link';
const faults: FaultPlan = { seed: 3, rules: [{ kind: 'disconnect-with-gap', probability: 0.4, gapMs: 240_000 }] };
const cfg = withFaultIdentity(loadConfigFile(LIVE_CONFIG_PATH), faults);
const bars = makeBars(cfg, Array.from({ length: 120 }, (_, i) => Math.round(8 * Math.sin(i / 5))));

interface Seen { seq: number; journaled: { link: string; routing: string }; readyz: { status: number; provider: string }; state: { ready: boolean; provider: string; routing: string }; metric: number }
const seen: Seen[] = [];
let app: FastifyInstance;
let live: LiveRunner;

beforeAll(async () => {
  const journalPath = join(tempDir('reckon-link-'), 'journal.db');
  let clock = bars[0]!.ts;
  const observe = async () => {
    await live.idle();
    const seq = live.journal.committedSeq();
    const folded = foldRecords(live.journal.readSync(1), cfg, seq).provider;
    const h = { authorization: `Bearer ${VIEWER}` };
    const readyz = await app.inject({ method: 'GET', url: '/readyz' });
    const state = (await app.inject({ method: 'GET', url: '/api/state', headers: h })).json() as Seen['state'];
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    seen.push({
      seq, journaled: { link: folded.link, routing: folded.routing },
      readyz: { status: readyz.statusCode, provider: (readyz.json() as { provider: string }).provider },
      state: { ready: state.ready, provider: state.provider, routing: state.routing },
      metric: Number(/^reckon_provider_connected (\d)$/m.exec(metrics)![1]),
    });
  };
  let started!: () => void;
  const ready = new Promise<void>((r) => { started = r; });
  const feed: Feed = { description: 'test bars', run: async (onBar) => { await ready; for (const bar of bars) { clock = bar.ts; onBar(bar); await observe(); } } };
  const provider = liveProvider(cfg, { journalPath, faults });
  live = LiveRunner.open({ config: cfg, journal: SqliteJournal.open(journalPath), feed, gateway: provider.gateway, clock: () => clock, tickMs: 3_600_000,
    ...(provider.connectFaults ? { connectFaults: provider.connectFaults } : {}) });
  app = await buildServer({ live, auth: TokenAuth.from([{ name: 'ana', role: 'viewer', sha256: sha256Hex(VIEWER) }], {}) });
  await live.start();
  started();
  // The feed ends once every bar was observed.
  while (seen.length < bars.length) await new Promise((r) => setTimeout(r, 20));
}, 90_000);
afterAll(async () => { await app?.close(); await live?.stop(); });

describe('provider link: the API follows the journal', () => {
  it('an outage was injected and recovered from', () => {
    expect(seen.some((s) => s.journaled.link === 'down')).toBe(true);
    const firstDown = seen.findIndex((s) => s.journaled.link === 'down');
    expect(seen.slice(firstDown).some((s) => s.journaled.link === 'up' && s.journaled.routing === 'active')).toBe(true);
  });

  it('after every bar, /readyz, /api/state and reckon_provider_connected say what the committed journal says', () => {
    for (const s of seen) {
      const up = s.journaled.link === 'up';
      const ready = up && s.journaled.routing === 'active';
      expect({ seq: s.seq, readyz: s.readyz.status, provider: s.readyz.provider, state: s.state, metric: s.metric }).toEqual({
        seq: s.seq, readyz: ready ? 200 : 503, provider: up ? 'connected' : 'unreachable',
        state: { ready, provider: up ? 'connected' : 'unreachable', routing: s.journaled.routing }, metric: up ? 1 : 0,
      });
    }
  });
});
