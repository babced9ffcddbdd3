/**
 * `reckon demo` end to end in the browser: the run directory holds trace.html and report.html
 * that open offline, the report's figures equal summary.json, and the trace's state at the last
 * seq equals summary.json's positions.
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { equityStatistics } from '../../src/report/statistics.js';
import type { RunSummary } from '../../src/web/data-types.js';
import { dec, fmt } from '../../src/domain/decimal.js';
import { moneyUnits, parseEquityCsv } from '../../src/web/run-files.js';
import { reckon, tempDir } from '../support/cli.js';
import { artifact, BROWSER_TEST_MS, ensureTemplates, foreignRequests, inkedPixels, launch, openFile, poll, ROOT, settled, SETUP_MS } from './browser.js';

const norm = (q: string): string => fmt(dec(q));

describe('reckon demo pages', () => {
  let browser: Browser;
  let out: string;
  let summary: RunSummary;

  beforeAll(async () => {
    ensureTemplates();
    out = join(tempDir('reckon-demo-pages-'), 'demo');
    const r = reckon(['demo', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
    browser = await launch();
  }, SETUP_MS);
  afterAll(async () => { await browser?.close(); });

  it('writes the pages and CSV exports into the output folder', { timeout: BROWSER_TEST_MS }, () => {
    for (const f of ['trace.html', 'report.html', 'orders.csv', 'fills.csv', 'positions.csv']) expect(existsSync(join(out, f)), f).toBe(true);
    const fills = readFileSync(join(out, 'fills.csv'), 'utf8').trim().split('\n');
    expect(fills.length - 1).toBe(summary.counts!.fills);
  });

  it('summary.json statistics are those of equity.csv', { timeout: BROWSER_TEST_MS }, () => {
    const eq = parseEquityCsv(readFileSync(join(out, 'equity.csv'), 'utf8'));
    const s = equityStatistics(eq.map((e) => ({ ts: e.ts, equity: moneyUnits(e.equity) })), moneyUnits(summary.performance!.startingEquity));
    expect({ returnPct: s.totalReturnPct, maxDrawdownPct: s.maxDrawdownPct, sharpe: s.sharpe }).toEqual({
      returnPct: summary.performance!.returnPct, maxDrawdownPct: summary.performance!.maxDrawdownPct, sharpe: summary.performance!.sharpe,
    });
  });

  it('report: charts draw, figures equal summary.json', { timeout: BROWSER_TEST_MS }, async () => {
    const file = join(out, 'report.html');
    const o = await openFile(browser, file);
    const { page } = o;
    // The charts draw after the page is ready: wait for ink on each canvas (with a deadline).
    await poll(() => inkedPixels(page, '[data-testid="equity-chart"] > div:first-child canvas')).toBeGreaterThan(500);
    await poll(() => inkedPixels(page, '[data-testid="drawdown-chart"] canvas')).toBeGreaterThan(100);
    await poll(() => inkedPixels(page, '[data-testid="price-chart"] canvas')).toBeGreaterThan(500);
    const perf = summary.performance!;
    for (const key of ['returnPct', 'maxDrawdownPct', 'sharpe', 'trades', 'fees', 'startingEquity', 'endingEquity'] as const) {
      const el = page.getByTestId(`fig-${key}`);
      expect(await el.getAttribute('data-value'), key).toBe(String(perf[key]));
      expect(await el.getAttribute('data-source'), key).toBe('summary.json');
    }
    await page.screenshot({ path: artifact('demo-report.png'), fullPage: true });
    if (process.env.RECKON_UPDATE_SCREENSHOTS === '1') copyFileSync(artifact('demo-report.png'), join(ROOT, 'docs', 'screenshots', 'report.png'));
    const dark = await openFile(browser, file, { dark: true });
    await poll(() => inkedPixels(dark.page, '[data-testid="price-chart"] canvas')).toBeGreaterThan(500);
    await settled(dark.page);
    await dark.page.screenshot({ path: artifact('demo-report-dark.png'), fullPage: true });
    if (process.env.RECKON_UPDATE_SCREENSHOTS === '1') copyFileSync(artifact('demo-report-dark.png'), join(ROOT, 'docs', 'screenshots', 'report-dark.png'));
    expect([...o.errors, ...dark.errors]).toEqual([]);
    expect([...foreignRequests(o, file), ...foreignRequests(dark, file)]).toEqual([]);
    await page.close();
    await dark.page.close();
  });

  it('trace: intents, a flagged chain with its playbook, positions at the last seq', { timeout: BROWSER_TEST_MS }, async () => {
    const file = join(out, 'trace.html');
    const o = await openFile(browser, file, { hash: '#code=RESIDUAL_UNEXPLAINED' });
    const { page } = o;
    await page.locator('[data-testid="intent-list"] .vrow').first().click();
    expect(await page.getByTestId('sum-flags').innerText()).toContain('RESIDUAL_UNEXPLAINED');
    expect(await page.locator('[data-testid="playbook"][data-code="RESIDUAL_UNEXPLAINED"]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: artifact('demo-trace.png') });
    await page.keyboard.press('2');
    await page.getByTestId('seq-input').fill(String(summary.journal!.lastSeq));
    const rows = await page.locator('[data-testid="state-table"] tbody tr').evaluateAll((trs) =>
      trs.map((r) => [r.getAttribute('data-instrument'), [...r.querySelectorAll('td[data-col]')].map((c) => c.getAttribute('data-value'))] as const));
    const want = summary.positions!.map((p) => [p.instrument, [p.desired, p.expected, p.confirmed, p.working, p.residual, p.drift].map(norm)]);
    expect(rows.map(([i, v]) => [i, v.map((x) => norm(x!))]).sort()).toEqual(want.sort());
    expect(o.errors).toEqual([]);
    expect(foreignRequests(o, file)).toEqual([]);
    await page.close();
  });
});
