/**
 * The report of a run that was held back, in Chromium: the banner names each instrument
 * restricted for more than 5% of the run with its share, the annualised figures carry their
 * caveat, and the P&L table's total equals summary.json; a run that was not held back has no
 * banner. Opened from file://, no network, no console error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleBars } from '../../src/marketdata/sample.js';
import { reckon, tempDir } from '../support/cli.js';
import { artifact, ensureTemplates, foreignRequests, launch, openFile } from './browser.js';

let browser: Browser;
let dir: string;

beforeAll(async () => {
  ensureTemplates();
  dir = tempDir('reckon-results-page-');
  await generateSampleBars(join(dir, 'bars.csv'), { barsPerInstrument: 6000 });
  for (const [out, extra] of [['held', ['--faults', 'external-position-change:0.002', '--seed', '3']], ['clean', []]] as const) {
    const r = reckon(['run', '--data', join(dir, 'bars.csv'), '--out', join(dir, out), ...extra]);
    expect(r.code, r.stderr).toBe(0);
  }
  browser = await launch();
});
afterAll(async () => { await browser?.close(); });

describe('report: what held the run back', () => {
  it('shows the banner with each heavily restricted instrument, the caveat on annualised figures and the P&L of summary.json', async () => {
    const summary = JSON.parse(readFileSync(join(dir, 'held', 'summary.json'), 'utf8'));
    const heavy = (summary.heldBack.instruments as { instrument: string; restrictedPct: number }[]).filter((i) => i.restrictedPct > 5);
    expect(heavy.length).toBeGreaterThan(0);
    const file = join(dir, 'held', 'report.html');
    const o = await openFile(browser, file);
    const { page } = o;
    const banner = page.getByTestId('held-back-banner');
    await banner.waitFor();
    const shown = await banner.getByTestId('held-back-instrument').evaluateAll((els) => els.map((e) => [e.getAttribute('data-instrument'), Number(e.getAttribute('data-pct'))]));
    expect(shown).toEqual(heavy.map((i) => [i.instrument, i.restrictedPct]));
    const text = await banner.innerText();
    expect(text).toContain(`${heavy[0]!.instrument} was restricted for ${heavy[0]!.restrictedPct.toFixed(1)}% of the run`);
    expect(text).toMatch(/The risk gate rejected [\d,]+ of [\d,]+ proposed orders \(.*TRADING_STATE/);
    expect(text).toContain('POSITION_DRIFT');
    for (const key of ['cagrPct', 'sharpe', 'sortino']) {
      const fig = page.getByTestId(`fig-${key}`);
      expect(await fig.getAttribute('data-caveat'), key).toMatch(/^annualised: not meaningful under 90 days/);
      expect(await fig.innerText()).toContain('not meaningful');
    }
    expect(await page.getByTestId('fig-returnPct').getAttribute('data-caveat')).toBeNull();
    const total = page.getByTestId('pnl-total');
    expect(await total.getAttribute('data-total')).toBe(summary.pnl.total.total);
    expect(await total.getAttribute('data-equity')).toBe(summary.performance.endingEquity);
    expect(await page.locator('[data-testid="pnl-table"] tbody tr[data-instrument]').count()).toBe(summary.pnl.rows.length);
    await page.screenshot({ path: artifact('report-held-back.png') });
    expect(foreignRequests(o, file)).toEqual([]);
    expect(o.errors).toEqual([]);
    await page.close();
  });

  it('no banner when nothing was restricted', async () => {
    const file = join(dir, 'clean', 'report.html');
    const o = await openFile(browser, file);
    await o.page.getByTestId('figures').waitFor();
    expect(await o.page.getByTestId('held-back-banner').count()).toBe(0);
    expect(o.errors).toEqual([]);
    await o.page.close();
  });
});
