/**
 * Responsiveness of the trace with a journal of more than 200k records: build time and size of
 * the page, load time in Chromium, search, filter, list scroll and the seq slider. The times are
 * measured and written to test-artifacts/trace-200k.json, not asserted (a loaded machine is not
 * a slow page); what is asserted is that each action lands and that the list renders only the
 * rows in view.
 */
import { statSync, writeFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTrace } from '../../src/web/commands.js';
import { artifact, ensureTemplates, foreignRequests, launch, openFile, poll } from './browser.js';
import { generateJournal } from './fixtures.js';
import { writeSqliteJournal } from './journal-files.js';

/** Generating 200k records, writing them to SQLite and building the page take ~20 s alone. */
const TRACE_200K_MS = 300_000;
let browser: Browser | undefined;
beforeAll(() => { ensureTemplates(); });
afterAll(async () => { await browser?.close(); });

describe('trace with 200k records', () => {
  it('builds, loads and stays responsive', { timeout: TRACE_200K_MS }, async () => {
    const g = generateJournal(26_500, 11, 60_000);
    expect(g.records.length).toBeGreaterThanOrEqual(200_000);
    // The same records in a SQLite journal file, read back as `reckon trace` does.
    const db = artifact('trace-200k.journal.db');
    writeSqliteJournal(g.records, db);
    const file = artifact('trace-200k.html');
    const t0 = performance.now();
    await writeTrace(db, file);
    const buildMs = performance.now() - t0;
    const htmlBytes = statSync(file).size;

    browser = await launch();
    const o = await openFile(browser, file);
    const { page } = o;
    const timed = async (action: () => Promise<unknown>, until: () => Promise<unknown>) => {
      const s = performance.now();
      await action();
      await until();
      return performance.now() - s;
    };
    const count = () => page.getByTestId('intent-count').innerText();
    const searchMs = await timed(() => page.getByTestId('search').fill('intent-02000'), () => poll(count).toMatch(/^10 of /));
    await page.getByTestId('search').fill('');
    const filterMs = await timed(() => page.getByTestId('f-status').selectOption('drift'), () => poll(count).not.toMatch(/^26,501 of/));
    await page.getByTestId('f-status').selectOption('');
    // Scroll to the end of the list: only the rows in view exist in the DOM.
    await page.getByTestId('intent-list').focus();
    const endMs = await timed(() => page.keyboard.press('End'), () => poll(() => page.getByTestId('chain').getAttribute('data-intent')).toBe('intent-026500'));
    expect(await page.locator('[data-testid="intent-list"] .vrow').count()).toBeLessThan(120);

    await page.keyboard.press('2');
    await page.waitForSelector('[data-testid="seq-slider"]');
    const last = g.journal.lastSeq();
    const sliderMs: number[] = [];
    for (const seq of [Math.floor(last / 3), Math.floor(last / 2), last - 7, 1000]) {
      sliderMs.push(await timed(() => page.getByTestId('seq-slider').fill(String(seq)), () => poll(() => page.getByTestId('seq-input').inputValue()).toBe(String(seq))));
    }
    const perf = {
      records: g.records.length, intents: 26_501, buildMs: Math.round(buildMs), htmlBytes, loadMs: Math.round(o.loadMs),
      searchMs: Math.round(searchMs), filterMs: Math.round(filterMs), listEndMs: Math.round(endMs), sliderMs: sliderMs.map(Math.round),
    };
    writeFileSync(artifact('trace-200k.json'), JSON.stringify(perf, null, 2));
    console.log('trace 200k:', JSON.stringify(perf));
    await page.screenshot({ path: artifact('trace-200k-state.png') });
    expect(o.errors).toEqual([]);
    expect(foreignRequests(o, file)).toEqual([]);
    await page.close();
  });
});
