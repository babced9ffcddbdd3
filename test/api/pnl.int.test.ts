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
import { PnlBook, type PnlView } from '../../src/report/pnl.js';
import { lastPriceText } from '../../src/report/run-folds.js';
import { tempDir } from '../support/cli.js';
import { makeBars } from '../support/engine.js';

const VIEWER = 'viewer-token-pnl';
const idle: Feed = { description: 'idle (test)', run: async () => {} };
const cfg = loadConfigFile(LIVE_CONFIG_PATH);
const bars = makeBars(cfg, Array.from({ length: 160 }, (_, i) => Math.round(6 * Math.sin(i / 7) + 3 * Math.cos(i / 3))));
let app: FastifyInstance;
let live: LiveRunner;
let clock = 1_767_571_200_000;

const drive = (from: number, to: number) => { for (const bar of bars.slice(from, to)) { clock = bar.ts; live.onBar(bar); } };
const get = async (token?: string) => app.inject({ method: 'GET', url: '/api/pnl', headers: token ? { authorization: `Bearer ${token}` } : {} });
const fresh = (): PnlView => {
  const book = new PnlBook(new Map(cfg.accounts.map((a) => [a.id, a.startingCash])), new Map(cfg.instruments.map((i) => [i.id, i])));
  for (const r of live.journal.readSync(1)) book.add(r);
  return book.view(lastPriceText(cfg, live.engine.lastPrice));
};

beforeAll(async () => {
  live = LiveRunner.open({ config: cfg, journalPath: join(tempDir('reckon-pnl-'), 'journal.db'), feed: idle, clock: () => clock });
  drive(0, 200);
  app = await buildServer({ live, auth: TokenAuth.from([{ name: 'ana', role: 'viewer', sha256: sha256Hex(VIEWER) }], {}) });
});
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
    drive(200, bars.length);
    const after = (await get(VIEWER)).json() as { pnl: PnlView };
    expect(after.pnl.asOfSeq).toBeGreaterThan(before.pnl.asOfSeq);
    expect(after.pnl).toEqual(fresh());
    expect(after.pnl.total.cash).toBe(fmtMoney([...live.engine.execution.cash.values()].reduce((a, b) => a + b, 0)));
  });

  it('after a reconciliation (confirmed = expected everywhere) the equity is the engine\'s equity', async () => {
    live.engine.reconcileAll('operator', clock);
    const { pnl } = (await get(VIEWER)).json() as { pnl: PnlView };
    expect(pnl.total.equity).toBe(fmtMoney(live.engine.equityNow().equity));
  });
});
