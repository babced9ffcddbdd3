/**
 * GET /api/pnl over a live runner on a real SQLite journal: viewer access, the error shape, the
 * figures equal a fresh fold of the journal at the engine's last prices, they move with new
 * records, and after a reconciliation the equity is the engine's own.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex, TokenAuth } from '../../src/api/auth.js';
import { buildServer } from '../../src/api/server.js';
import { LIVE_CONFIG_PATH } from '../../src/cli/serve-command.js';
import { loadConfigFile } from '../../src/config/load.js';
import { fmtMoney } from '../../src/domain/instrument.js';
import type { Feed } from '../../src/live/feed.js';
import { LiveRunner } from '../../src/live/live-runner.js';
import { liveProvider } from '../../src/live/provider.js';
import { SqliteJournal } from '../../src/journal/sqlite.js';
import { PnlBook, type PnlView } from '../../src/report/pnl.js';
import { lastPriceText } from '../../src/report/run-folds.js';
import { tempDir } from '../support/cli.js';
import { makeBars } from '../support/engine.js';

const VIEWER = 'viewer-token-pnl';
const cfg = loadConfigFile(LIVE_CONFIG_PATH);
const bars = makeBars(cfg, Array.from({ length: 160 }, (_, i) => Math.round(6 * Math.sin(i / 7) + 3 * Math.cos(i / 3))));
let app: FastifyInstance;
let live: LiveRunner;
let clock = 1_767_571_200_000;
// The feed hands over bars only when the test releases them (`drive`), each stepped before the next.
let release: (upTo: number) => Promise<void> = async () => undefined;

const drive = (to: number) => release(to);
const get = async (token?: string) => app.inject({ method: 'GET', url: '/api/pnl', headers: token ? { authorization: `Bearer ${token}` } : {} });
const fresh = (): PnlView => {
  const book = new PnlBook(new Map(cfg.accounts.map((a) => [a.id, a.startingCash])), new Map(cfg.instruments.map((i) => [i.id, i])));
  for (const r of live.journal.readSync(1)) book.add(r);
  return book.view(lastPriceText(cfg, live.engine.lastPrice));
};

beforeAll(async () => {
  const journalPath = join(tempDir('reckon-pnl-'), 'journal.db');
  let fed = 0;
  let wake: () => void = () => undefined;
  let target = 0;
  const feed: Feed = {
    description: 'test bars',
    run: async (onBar, signal) => {
      while (!signal.aborted && fed < bars.length) {
        if (fed >= target) { await new Promise<void>((r) => { wake = r; signal.addEventListener('abort', () => r(), { once: true }); }); continue; }
        const bar = bars[fed++]!;
        clock = bar.ts;
        onBar(bar);
        await live.settled();
      }
    },
  };
  release = async (upTo) => { target = upTo; wake(); while (fed < Math.min(upTo, bars.length)) await live.settled(); await live.settled(); };
  const provider = liveProvider(cfg, { journalPath });
  live = LiveRunner.open({ config: cfg, journal: SqliteJournal.open(journalPath), feed, gateway: provider.gateway, clock: () => clock, tickMs: 25 });
  await live.start();
  await drive(100);
  app = await buildServer({ live, auth: TokenAuth.from([{ name: 'ana', role: 'viewer', sha256: sha256Hex(VIEWER) }], {}) });
}, 60_000);
afterAll(async () => { await app?.close(); await live?.stop(); });

describe('GET /api/pnl', () => {
  it('needs a token (same error shape as every route) and answers a viewer', async () => {
    const anon = await get();
    expect(anon.statusCode).toBe(401);
    expect(anon.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'a bearer token is required' } });
    expect((await app.inject({ method: 'POST', url: '/api/pnl', headers: { authorization: `Bearer ${VIEWER}` } })).json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const r = await get(VIEWER);
    expect(r.statusCode).toBe(200);
    const { pnl } = r.json() as { pnl: PnlView };
    expect(pnl.method).toBe('average-cost');
    expect(pnl.rows.length).toBeGreaterThan(0);
    expect(Object.keys(pnl.total).sort()).toEqual(['cash', 'equity', 'fees', 'marketValue', 'realized', 'startingCash', 'total', 'unrealized']);
  });

  it('equals a fresh fold of the journal, follows new records, and its cash is the engine\'s', async () => {
    const before = (await get(VIEWER)).json() as { pnl: PnlView };
    expect(before.pnl).toEqual(fresh());
    await drive(bars.length);
    const after = (await get(VIEWER)).json() as { pnl: PnlView };
    expect(after.pnl.asOfSeq).toBeGreaterThan(before.pnl.asOfSeq);
    expect(after.pnl).toEqual(fresh());
    expect(after.pnl.total.cash).toBe(fmtMoney([...live.engine.state.execution.cash.values()].reduce((a, b) => a + b, 0)));
  });

  it('after a reconciliation (confirmed = expected everywhere) the equity is the engine\'s equity', async () => {
    // The next interval pass: the clock moves past the reconciliation interval and a timer tick starts it.
    const due = clock + cfg.raw.reconciliation.intervalMs;
    const passed = new Promise<void>((resolve) => {
      const off = live.bus.subscribe((r) => { if (r.type === 'S06.reconciliation' && r.payload.kind === 'pass' && r.payload.trigger === 'interval' && r.ts >= due) { off(); resolve(); } });
    });
    clock = due;
    await passed;
    await live.settled();
    const { pnl } = (await get(VIEWER)).json() as { pnl: PnlView };
    expect(pnl.total.equity).toBe(fmtMoney(live.engine.equityNow().equity));
  }, 30_000);
});
