/**
 * The static trace and report pages in headless Chromium, opened from file://: no network, no
 * console error, the seed-partial-fill chain readable, the seq control moves positions, the
 * report's charts draw and its figures equal summary.json.
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCsvExports } from '../../src/report/csv-exports.js';
import { STATE_FIELDS } from '../../src/web/data-types.js';
import { writeReportFrom } from '../../src/web/commands.js';
import { parseEquityCsv, parsePricesCsv } from '../../src/web/run-files.js';
import { StateFolder } from '../../src/web/state-fold.js';
import { buildTraceHtml } from '../../src/web/trace-html.js';
import { artifact, BROWSER_TEST_MS, ensureTemplates, SETUP_MS, foreignRequests, inkedPixels, launch, openFile, poll, ROOT, settled } from './browser.js';
import { generateJournal, runFilesFor } from './fixtures.js';

const OUT = artifact('pages');
const TRACE = join(OUT, 'trace.html');
const REPORT = join(OUT, 'report.html');
const g = generateJournal(3000);
const files = runFilesFor(g);
let browser: Browser;

/** Copies a screenshot into docs/ when RECKON_UPDATE_SCREENSHOTS=1. */
function toDocs(file: string, name: string): void {
  if (process.env.RECKON_UPDATE_SCREENSHOTS === '1') copyFileSync(file, join(ROOT, 'docs', 'screenshots', name));
}

beforeAll(async () => {
  ensureTemplates();
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  writeFileSync(TRACE, buildTraceHtml(g.records, { title: 'Reckon trace · fixture', source: 'fixture journal' }));
  writeFileSync(join(OUT, 'summary.json'), JSON.stringify(files.summary, null, 2));
  writeFileSync(join(OUT, 'equity.csv'), files.equityCsv);
  writeFileSync(join(OUT, 'prices.csv'), files.pricesCsv);
  const csv = writeCsvExports(g.records, OUT, files.summary);
  writeReportFrom(g.records, { summary: files.summary, equity: parseEquityCsv(files.equityCsv), prices: parsePricesCsv(files.pricesCsv) }, REPORT, { csvFiles: csv, source: 'fixture journal' });
  browser = await launch();
}, SETUP_MS);

afterAll(async () => { await browser?.close(); });

async function text(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).innerText()).replace(/\s+/g, ' ').trim();
}

describe('trace page', () => {
  it('opens offline without errors and shows the seed-partial-fill chain', { timeout: BROWSER_TEST_MS }, async () => {
    const o = await openFile(browser, TRACE);
    const { page } = o;
    await page.getByTestId('search').fill('fixture-intent-017');
    await poll(() => text(page, 'intent-count')).toMatch(/^1 of /);
    await page.locator('[data-testid="intent-list"] .vrow').first().click();
    await poll(() => page.getByTestId('chain').getAttribute('data-intent')).toBe('fixture-intent-017');
    expect(await text(page, 'sum-desired')).toBe('DESIRED +2');
    expect(await text(page, 'sum-risk')).toBe('RISK accepted');
    expect(await text(page, 'sum-fills')).toBe('FILLS partial +1');
    expect(await text(page, 'sum-order')).toBe('ORDER expired');
    expect(await text(page, 'sum-confirmed')).toBe('CONFIRMED +1');
    expect(await text(page, 'sum-residual')).toBe('RESIDUAL +1');
    expect(await text(page, 'sum-flags')).toBe('FLAGS RESIDUAL_UNEXPLAINED');
    // The timeline: S01→S07, the reconciliation values and the flag's playbook.
    const types = await page.locator('.timeline > li').evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
    expect(types).toEqual(['S01.intent', 'S02.desired', 'S03.risk', 'S04.order', 'S05.provider', 'S05.provider', 'S05.provider', 'S05.provider', 'S06.reconciliation', 'S07.operator']);
    const recon = Object.fromEntries(await page.locator('[data-recon]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-recon'), e.getAttribute('data-value')])));
    expect(recon).toEqual({ desired: '2', expected: '1', confirmed: '1', working: '0', residual: '1', drift: '0' });
    await poll(() => page.locator('[data-testid="playbook"][data-code="RESIDUAL_UNEXPLAINED"] li').count()).toBeGreaterThan(1);
    expect(await page.locator('.rec[data-kind="flag"]').innerText()).toContain('drift visible for review');
    await page.screenshot({ path: artifact('trace-chain-light.png') });
    toDocs(artifact('trace-chain-light.png'), 'trace.png');
    expect(foreignRequests(o, TRACE)).toEqual([]);
    expect(o.errors).toEqual([]);
    await page.close();
  });

  it('filters by status, failure code, instrument and searches order ids', { timeout: BROWSER_TEST_MS }, async () => {
    const o = await openFile(browser, TRACE);
    const { page } = o;
    await page.getByTestId('f-status').selectOption('drift');
    const statuses = await page.locator('[data-testid="intent-list"] .vrow [data-status]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(['drift']));
    await page.getByTestId('f-status').selectOption('');
    await page.getByTestId('f-code').selectOption('PROVIDER_REJECTED');
    await page.getByTestId('f-instrument').selectOption('FIX-BRAVO');
    const n = Number((await text(page, 'intent-count')).split(' ')[0]!.replace(/,/g, ''));
    expect(n).toBeGreaterThan(0);
    await page.locator('[data-testid="intent-list"] .vrow').first().click();
    expect(await text(page, 'sum-flags')).toContain('PROVIDER_REJECTED');
    expect(await page.getByTestId('chain').innerText()).toContain('FIX-BRAVO');
    // Search by provider order id and by client order id.
    await page.getByTestId('f-code').selectOption('');
    await page.getByTestId('f-instrument').selectOption('');
    await page.getByTestId('search').fill('P-017');
    await poll(() => page.locator('[data-testid="intent-list"] .vrow .intent-id').first().innerText()).toBe('fixture-intent-017');
    await page.getByTestId('search').fill('intent-000124-1');
    await poll(() => page.locator('[data-testid="intent-list"] .vrow .intent-id').first().innerText()).toBe('intent-000124');
    expect(o.errors).toEqual([]);
    await page.close();
  });

  it('moves through intents with the keyboard', { timeout: BROWSER_TEST_MS }, async () => {
    const o = await openFile(browser, TRACE);
    const { page } = o;
    await page.keyboard.press('/');
    expect(await page.locator(':focus').getAttribute('data-testid')).toBe('search');
    await page.keyboard.press('ArrowDown');
    const first = await page.getByTestId('chain').getAttribute('data-intent');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const third = await page.getByTestId('chain').getAttribute('data-intent');
    expect(third).not.toBe(first);
    await page.keyboard.press('End');
    expect(await page.getByTestId('chain').getAttribute('data-intent')).toBe(`intent-${String(3000).padStart(6, '0')}`);
    await page.keyboard.press('2');
    await poll(() => page.getByTestId('state-view').count()).toBe(1);
    expect(o.errors).toEqual([]);
    await page.close();
  });

  it('shows desired / expected / confirmed / working at any seq', { timeout: BROWSER_TEST_MS }, async () => {
    // Expected values from an independent fold in Node.
    const at = (seq: number): Map<string, string[]> => {
      const f = new StateFolder();
      for (const r of g.records) { if (r.seq > seq) break; f.apply(r); }
      return new Map(f.keys.filter((k) => k.shown.some((v) => v !== '0')).map((k) => [k.instrument, [...k.shown]]));
    };
    const read = (page: Page) => page.locator('[data-testid="state-table"] tbody tr').evaluateAll((rows) =>
      rows.map((r) => [r.getAttribute('data-instrument'), [...r.querySelectorAll('td[data-col]')].map((c) => c.getAttribute('data-value'))] as const));
    const o = await openFile(browser, TRACE, { hash: '#tab=state&seq=5' });
    const { page } = o;
    // seq 5: the seed order +2 is working, nothing filled yet.
    expect(new Map(await read(page))).toEqual(at(5));
    expect(Object.fromEntries(STATE_FIELDS.map((f, i) => [f, at(5).get('FIX-ALPHA')![i]]))).toMatchObject({ desired: '2', working: '2', expected: '0' });
    await page.getByTestId('seq-input').fill('7');
    await poll(async () => new Map(await read(page))).toEqual(at(7));
    // Move the slider to the end and somewhere in the middle.
    const last = g.journal.lastSeq();
    await page.getByTestId('seq-slider').fill(String(last));
    await poll(async () => new Map(await read(page))).toEqual(at(last));
    const mid = Math.floor(last / 2);
    await page.getByTestId('seq-slider').fill(String(mid));
    await poll(async () => new Map(await read(page))).toEqual(at(mid));
    expect(at(mid)).not.toEqual(at(last));
    await page.keyboard.press('ArrowRight');
    expect(await page.getByTestId('seq-input').inputValue()).toBe(String(mid + 1));
    await page.screenshot({ path: artifact('trace-state-light.png') });
    const dark = await openFile(browser, TRACE, { hash: `#tab=state&seq=${mid}`, dark: true });
    await dark.page.screenshot({ path: artifact('trace-state-dark.png') });
    toDocs(artifact('trace-state-dark.png'), 'trace-state-dark.png');
    expect([...o.errors, ...dark.errors]).toEqual([]);
    expect([...foreignRequests(o, TRACE), ...foreignRequests(dark, TRACE)]).toEqual([]);
    await page.close();
    await dark.page.close();
  });
});

describe('report page', () => {
  it('opens offline, draws its charts and shows summary.json figures', { timeout: BROWSER_TEST_MS }, async () => {
    const o = await openFile(browser, REPORT);
    const { page } = o;
    // The charts draw after the page is ready: wait for ink on each canvas (with a deadline).
    await poll(() => inkedPixels(page, '[data-testid="equity-chart"] > div:first-child canvas')).toBeGreaterThan(500);
    await poll(() => inkedPixels(page, '[data-testid="drawdown-chart"] canvas')).toBeGreaterThan(200);
    await poll(() => inkedPixels(page, '[data-testid="price-chart"] canvas')).toBeGreaterThan(500);
    const perf = files.summary.performance!;
    const figures = Object.fromEntries(await page.locator('[data-testid^="fig-"]').evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-testid')!.slice(4), { value: e.getAttribute('data-value'), source: e.getAttribute('data-source'), text: e.querySelector('.figure-value')?.textContent }])));
    for (const key of ['returnPct', 'maxDrawdownPct', 'sharpe', 'trades', 'fees', 'startingEquity', 'endingEquity'] as const) {
      expect(figures[key], key).toMatchObject({ value: String(perf[key]), source: 'summary.json' });
    }
    expect(figures.returnPct.text).toBe(`${perf.returnPct.toFixed(2)}%`);
    expect(figures.sharpe.text).toBe(perf.sharpe.toFixed(2));
    expect(figures.trades.text).toBe(perf.trades.toLocaleString('en-US'));
    for (const key of ['cagrPct', 'sortino', 'maxDrawdownDurationMs', 'winRate', 'profitFactor', 'turnover', 'slippageVsArrival']) expect(figures[key]?.value, key).not.toBe('');
    // Attribution of the price chart and links into the trace.
    expect(await page.getByTestId('price-section').innerText()).toContain('TradingView Lightweight Charts');
    expect(await page.locator('a[href*="tradingview.com"]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="incident-table"] a[href^="trace.html#view=incidents&code="]').count()).toBeGreaterThan(0);
    expect(await page.locator('a[href="trace.html#intent=fixture-intent-017"]').count()).toBeGreaterThan(0);
    expect(await page.locator('footer a[href="orders.csv"]').count()).toBe(1);
    // Per-instrument rows and positions as in summary.json.
    expect(await page.locator('[data-testid="instrument-table"] tbody tr').count()).toBe(3);
    const pos = await page.locator('[data-testid="positions-table"] tbody tr').evaluateAll((rows) =>
      rows.map((r) => [r.getAttribute('data-instrument'), r.querySelector('td[data-col="confirmed"]')?.getAttribute('data-value')]));
    expect(pos).toEqual(files.summary.positions!.map((p) => [p.instrument, p.confirmed]));
    await page.screenshot({ path: artifact('report-light.png'), fullPage: true });
    // Another instrument's price chart draws as well.
    await page.getByTestId('price-instrument').selectOption('FIX-CHARLIE');
    await poll(() => page.getByTestId('price-section').innerText()).toContain('fills on FIX-CHARLIE');
    await poll(() => inkedPixels(page, '[data-testid="price-chart"] canvas')).toBeGreaterThan(500);
    const dark = await openFile(browser, REPORT, { dark: true });
    await poll(() => inkedPixels(dark.page, '[data-testid="price-chart"] canvas')).toBeGreaterThan(500);
    await settled(dark.page);
    await dark.page.screenshot({ path: artifact('report-dark.png'), fullPage: true });
    expect([...o.errors, ...dark.errors]).toEqual([]);
    expect([...foreignRequests(o, REPORT), ...foreignRequests(dark, REPORT)]).toEqual([]);
    await page.close();
    await dark.page.close();
  });

  it('works from a bare journal: computed figures, decision prices, no equity curve', { timeout: BROWSER_TEST_MS }, async () => {
    const file = join(OUT, 'bare', 'report.html');
    writeReportFrom(g.records, { summary: null, equity: null, prices: null }, file, { traceHref: null });
    const o = await openFile(browser, file);
    const { page } = o;
    await poll(() => inkedPixels(page, '[data-testid="price-chart"] canvas')).toBeGreaterThan(300);
    expect(await page.getByTestId('equity-section').innerText()).toContain('No equity.csv');
    expect(await page.getByTestId('fig-trades').getAttribute('data-value')).toBe(String(files.summary.performance!.trades));
    expect(await page.getByTestId('fig-trades').getAttribute('data-source')).toBe('computed');
    expect(await page.getByTestId('fig-fees').getAttribute('data-value')).toBe(files.summary.performance!.fees);
    expect(await page.locator('a[href^="trace.html"]').count()).toBe(0);
    expect(o.errors).toEqual([]);
    expect(foreignRequests(o, file)).toEqual([]);
    await page.close();
  });

  it('follows a link into the trace', { timeout: BROWSER_TEST_MS }, async () => {
    const o = await openFile(browser, REPORT);
    await o.page.locator('a[href="trace.html#intent=fixture-intent-017"]').first().click();
    await o.page.waitForSelector('html[data-ready="true"] [data-testid="chain"][data-intent="fixture-intent-017"]');
    expect(o.errors).toEqual([]);
    expect(o.requests.every((u) => u.startsWith('file://'))).toBe(true);
    await o.page.close();
  });
});
