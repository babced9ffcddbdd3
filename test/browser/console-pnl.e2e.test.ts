/**
 * The console's P&L panel against `reckon serve` (synthetic feed, 50 ms bars): equity, cash,
 * realised, unrealised, fees and total, per instrument and in total, exactly what GET /api/pnl
 * answered last, updated live without a reload. Same origin only, no console error.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PnlView } from '../../src/report/pnl.js';
import { tempDir } from '../support/cli.js';
import { api, startServe, waitFor } from '../support/serve.js';
import { artifact, ensureTemplates, launch } from './browser.js';

let browser: Browser;
beforeAll(async () => { ensureTemplates(); browser = await launch(); });
afterAll(async () => { await browser?.close(); });

describe('console P&L', () => {
  it('shows equity, cash, realised and unrealised P&L per instrument and in total, as /api/pnl answers, live', async () => {
    const s = await startServe(['--journal', join(tempDir('reckon-console-pnl-'), 'journal.db'), '--bar-ms', '50', '--seed', '11']);
    let page: Page | null = null;
    try {
      // Fills first (the strategies need their slow EMA's bars).
      await waitFor('fills', async () => (await api<{ pnl: PnlView }>(s, '/api/pnl')).json.pnl.rows.length > 0, 90_000);
      page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
      page.on('request', (r) => requests.push(r.url()));
      let last: PnlView | null = null;
      page.on('response', (r) => {
        if (r.url().endsWith('/api/pnl') && r.ok()) r.json().then((j: { pnl: PnlView }) => { last = j.pnl; }, () => { /* the page closed meanwhile */ });
      });
      await page.goto(`${s.url}/#token=${s.token}`);
      await page.waitForSelector('html[data-ready="true"]', { timeout: 60_000 });
      const panel = page.getByTestId('pnl-panel');
      await panel.locator('[data-testid="pnl"] tbody tr').first().waitFor({ timeout: 30_000 });

      // What the panel shows is exactly the last answer of the API (it re-reads at least every 2 s).
      const shown = async () => Object.fromEntries(await Promise.all(['equity', 'cash', 'realized', 'unrealized', 'fees', 'total']
        .map(async (k) => [k, await panel.getByTestId(`pnl-${k}`).getAttribute('data-value')] as const)));
      await waitFor('panel equals the last /api/pnl answer', async () => {
        const v = last as PnlView | null;
        if (!v) return false;
        const t = v.total;
        const ui = await shown();
        return ui.equity === t.equity && ui.cash === t.cash && ui.realized === t.realized && ui.unrealized === t.unrealized && ui.fees === t.fees && ui.total === t.total;
      }, 20_000);
      const v = last as unknown as PnlView;
      const rows = await panel.locator('[data-testid="pnl"] tbody tr').evaluateAll((els) => els.map((e) => [e.getAttribute('data-instrument'), e.getAttribute('data-total')]));
      expect(rows.map((r) => r[0])).toEqual(v.rows.map((r) => r.instrument));
      expect(Number(v.total.equity)).toBeGreaterThan(0);

      // Live: the figures move as bars and fills arrive, without a reload.
      const before = (await shown()).total;
      await waitFor('P&L moves', async () => (await shown()).total !== before, 30_000);
      await page.screenshot({ path: artifact('console-pnl.png') });
      expect(requests.filter((u) => new URL(u).origin !== s.url)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page?.close(); // first: its open record stream would keep the server from closing
      s.child.kill('SIGTERM');
      await s.exited;
    }
  }, 240_000);
});
