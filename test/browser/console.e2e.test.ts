/**
 * The live console end to end: `reckon serve` with an injected fault (an external position change
 * at the simulated venue) on a free port, the console opened in Chromium from the URL serve prints
 * (#token=…). The POSITION_DRIFT incident shows up in the queue, it is acknowledged through the
 * UI with a note, and then the API shows it acknowledged by the operator with that note, the
 * instrument is back to active, and the journal holds the S07 records. The page talks only to its
 * own origin and logs no error.
 *
 * The fault plan is counted in bars, not in wall time, so a loaded machine does not change it:
 * `external-position-change:0.00005` with seed 1350 rolls once per bar and instrument (the
 * fault dice are seeded) and hits exactly once in the first 30,000 bars — at bar 356, on
 * FIX-ALPHA, ~9 s after start at --bar-ms 100: usually after the page has opened, so the
 * incident arrives live (on a loaded machine it may already be in the queue when the page
 * opens; the seq and the tape still show the page live). No later drift can re-restrict the
 * instrument for as long as the test could run (30,000 bars at 40 bars/s is 12 minutes), so
 * acknowledging the one incident always releases it. (Before, the
 * plan hit FIX-ALPHA again ~65 s after start: on a loaded machine the test could still be
 * between the incident and the release then, and the release never came.)
 *
 * Every wait has its own deadline and every step is timed (StepClock): a failure or a timeout
 * says which step was waiting.
 */
import { execSync } from 'node:child_process';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { openJournalForRead } from '../../src/journal/open.js';
import { verifyJournal } from '../../src/journal/verify.js';
import type { JournalRecord } from '../../src/records/records.js';
import { tempDir } from '../support/cli.js';
import { api, startServe, stopServe, waitFor, type Served } from '../support/serve.js';
import { artifact, launch, LIVE_TEST_MS, poll, ROOT, settled, STEP_MS, StepClock } from './browser.js';

const FAULT_ARGS = ['--bar-ms', '100', '--faults', 'external-position-change:0.00005', '--seed', '1350'];
const NOTE = 'Checked the venue position: external trade by desk B, booked; resuming.';
/** Serve's start (a CLI process loading its modules) on a loaded machine. */
const SERVE_START_MS = 60_000;

interface Opened { page: Page; requests: string[]; errors: string[] }

function ensureConsolePage(): void {
  if (!existsSync(join(ROOT, 'web', 'dist', 'console.html'))) execSync('npm run build:web', { cwd: ROOT, stdio: 'inherit' });
}

/** Copies a screenshot into docs/ when RECKON_UPDATE_SCREENSHOTS=1. */
function toDocs(file: string, name: string): void {
  if (process.env.RECKON_UPDATE_SCREENSHOTS === '1') copyFileSync(file, join(ROOT, 'docs', 'screenshots', name));
}

let browser: Browser;

async function openConsole(browser: Browser, url: string, opts: { dark?: boolean } = {}): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: opts.dark ? 'dark' : 'light' });
  page.setDefaultTimeout(STEP_MS);
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: STEP_MS * 2 });
  return { page, requests, errors };
}

/**
 * Runs `fn` against a started serve, then closes the pages it opened (an open console keeps an
 * SSE stream, and serve's shutdown waits for it) and stops serve with a deadline. A failure in
 * `fn` is the one reported: a failing stop after it is logged, not thrown over it.
 */
async function withServe(s: Served, steps: StepClock | null, fn: (open: (url: string, opts?: { dark?: boolean }) => Promise<Opened>) => Promise<void>): Promise<void> {
  const pages: Page[] = [];
  let failed = false;
  try {
    await fn(async (url, opts) => { const o = await openConsole(browser, url, opts); pages.push(o.page); return o; });
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    await Promise.all(pages.map((p) => p.close().catch(() => undefined)));
    const stop = () => stopServe(s, STEP_MS);
    await (steps ? steps.step('serve stops', stop) : stop()).catch((err: unknown) => { if (!failed) throw err; console.error(err); });
  }
}

const foreign = (o: Opened, origin: string) => o.requests.filter((u) => new URL(u).origin !== origin);

type Incident = { incidentId: string; code: string; instrument: string | null; status: string; history: { status: string; actor: string; reason: string }[] };
type Position = { instrument: string; tradingState: string };

describe('live console', () => {
  const dirs: string[] = [];
  beforeAll(async () => {
    ensureConsolePage();
    browser = await launch();
  }, STEP_MS * 2);
  afterAll(async () => {
    await browser?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('shows an injected drift incident live, acknowledges it with a note through the UI, and the journal has it', async () => {
    const steps = new StepClock();
    onTestFailed(() => console.error(steps.report()));
    const journal = join(tempDir('reckon-console-'), 'journal.db');
    dirs.push(dirname(journal));
    const s: Served = await steps.step('serve starts', () => startServe(['--journal', journal, ...FAULT_ARGS], {}, SERVE_START_MS));
    let incidentId = '';
    let instrument = '';
    await withServe(s, steps, async (open) => {
      const o = await steps.step('console opens', () => open(`${s.url}/#token=${s.token}`));
      const { page } = o;
      // The token left the address bar and lives in this tab's sessionStorage only.
      expect(await page.evaluate('location.hash')).toBe('');
      expect(await page.evaluate("sessionStorage.getItem('reckon.console.token')")).toBe(s.token);
      await steps.step('operator role shown', () => waitFor('role shown', async () => (await page.getByTestId('who').getAttribute('data-role')) === 'operator', STEP_MS));
      expect(await page.getByTestId('positions').locator('tbody tr').count()).toBe(4);

      // Live without reload: the journal's seq and the tape move on their own.
      const seqText = async () => Number((await page.getByTestId('last-seq').innerText()).replace(/,/g, ''));
      const firstSeq = await seqText();
      await steps.step('seq moves', () => waitFor('live seq', async () => (await seqText()) > firstSeq + 20, STEP_MS));
      await steps.step('tape fills', () => waitFor('tape rows', async () => (await page.locator('[data-testid="tape"] .tape-row').count()) > 10, STEP_MS));

      // The fault: a POSITION_DRIFT incident appears in the queue, its instrument goes reducing.
      const first = page.locator('.incident[data-code="POSITION_DRIFT"][data-status="open"]').first();
      await steps.step('drift incident appears', () => first.waitFor({ timeout: STEP_MS * 2 }));
      incidentId = (await first.getAttribute('data-incident-id'))!;
      const card = page.locator(`.incident[data-incident-id="${incidentId}"]`);
      instrument = (await card.locator('.inc-inst').innerText()).trim();
      expect(incidentId).toMatch(/POSITION_DRIFT$/);
      expect(await page.locator('.incident[data-code="POSITION_DRIFT"]').count()).toBe(1); // the plan injects one drift
      const stateOf = (inst: string) => page.locator(`[data-testid="positions"] tr[data-instrument="${inst}"] [data-testid="state-select"]`).getAttribute('data-state');
      await steps.step('instrument reducing', () => waitFor('reducing shown', async () => (await stateOf(instrument)) === 'reducing', STEP_MS));
      const ageBefore = await card.getByTestId('incident-age').innerText();
      await steps.step('incident age ticks', () => waitFor('age ticks', async () => (await card.getByTestId('incident-age').innerText()) !== ageBefore, STEP_MS));
      await card.locator('.inc-actions .linkbtn').click(); // playbook steps
      await poll(() => card.locator('[data-testid="playbook"] li').count()).toBeGreaterThan(2);
      await page.screenshot({ path: artifact('console-incident.png') });
      toDocs(artifact('console-incident.png'), 'console.png');

      // Acknowledge through the UI: the dialog needs a note.
      await card.getByTestId('ack-button').click();
      const dialog = page.getByTestId('action-dialog');
      await dialog.waitFor();
      expect(await page.getByTestId('action-confirm').isDisabled()).toBe(true);
      await page.getByTestId('action-reason').fill(NOTE);
      await page.screenshot({ path: artifact('console-ack-dialog.png') });
      await steps.step('acknowledged', async () => {
        await page.getByTestId('action-confirm').click();
        await dialog.waitFor({ state: 'detached' });
        await waitFor('toast', async () => (await page.getByTestId('toasts').innerText()).includes('incident_acknowledged'), STEP_MS);
      });

      // The UI follows: the incident is acknowledged with the note, the instrument is active again.
      const acked = page.locator(`.incident[data-incident-id="${incidentId}"]`);
      await steps.step('acknowledged in the UI', () => waitFor('acknowledged in the UI', async () => (await acked.getAttribute('data-status')) === 'acknowledged', STEP_MS));
      expect(await acked.getByTestId('incident-last').innerText()).toContain(NOTE);
      await steps.step('instrument active', () => waitFor('active in the UI', async () => (await stateOf(instrument)) === 'active', STEP_MS));

      // The API agrees.
      const inc = (await api<{ incidents: Incident[] }>(s, '/api/incidents')).json.incidents.find((i) => i.incidentId === incidentId)!;
      expect(inc.status).toBe('acknowledged');
      expect(inc.history.at(-1)).toMatchObject({ status: 'acknowledged', actor: 'env-operator', reason: NOTE });
      const pos = (await api<{ positions: Position[] }>(s, '/api/positions')).json.positions.find((p) => p.instrument === instrument)!;
      expect(pos.tradingState).toBe('active');

      // The intent drawer: a client order id in the blotter opens its chain S01→….
      await steps.step('intent drawer', async () => {
        // The blotter moves while the feed runs: pick an intent, then click that intent's own link.
        const intentId = (await page.locator('[data-testid="orders"] [data-intent-link]').first().getAttribute('data-intent-link'))!;
        await page.locator(`[data-testid="orders"] [data-intent-link="${intentId}"]`).first().click();
        const drawer = page.getByTestId('intent-drawer');
        await drawer.locator(`[data-testid="chain"][data-intent="${intentId}"]`).waitFor();
        await poll(() => drawer.locator('.timeline > li').first().getAttribute('data-type')).toBe('S01.intent');
        expect(await drawer.locator('.timeline > li[data-type="S04.order"]').count()).toBeGreaterThan(0);
        await page.screenshot({ path: artifact('console-drawer.png') });
        await page.keyboard.press('Escape');
        await drawer.waitFor({ state: 'detached' });
      });

      expect(foreign(o, s.url)).toEqual([]);
      expect(o.errors).toEqual([]);
      await page.close();

      // The same console in the dark colour scheme (a new tab: the one-time link works again).
      await steps.step('dark console', async () => {
        const dark = await open(`${s.url}/#token=${s.token}`, { dark: true });
        await dark.page.locator(`.incident[data-incident-id="${incidentId}"][data-status="acknowledged"]`).waitFor();
        await settled(dark.page);
        await dark.page.screenshot({ path: artifact('console-dark.png') });
        toDocs(artifact('console-dark.png'), 'console-dark.png');
        expect(foreign(dark, s.url)).toEqual([]);
        expect(dark.errors).toEqual([]);
        await dark.page.close();
      });
    });

    // The journal: the acknowledgement with actor and note, and the release to active it caused.
    // Read in process (the CLI's own reader and verifier): no further CLI start on a loaded machine.
    const records: JournalRecord[] = await steps.step('journal read', async () => [...openJournalForRead(journal)]);
    const ack = records.find((r) => r.type === 'S07.operator' && r.payload.kind === 'incident_acknowledged' && r.payload.incidentId === incidentId);
    expect(ack?.payload).toMatchObject({ actor: 'env-operator', reason: NOTE });
    const release = records.find((r) => r.seq > ack!.seq && r.type === 'S07.operator' && r.payload.kind === 'trading_state_changed' && r.payload.incidentId === incidentId);
    expect(release).toMatchObject({ instrument, payload: { from: 'reducing', to: 'active', actor: 'env-operator' } });
    expect(String((release?.payload as { reason?: unknown } | undefined)?.reason)).toContain(NOTE);
    expect(await steps.step('journal verifies', async () => verifyJournal(journal))).toMatchObject({ ok: true, lastSeq: records.length });
    console.log(`console e2e ${steps.report()}`);
  }, LIVE_TEST_MS);

  it('signs in with a typed token; a viewer sees the role and no usable action', async () => {
    const env = { RECKON_VIEWER_TOKEN: 'viewer-token-console-e2e', RECKON_OPERATOR_TOKEN: 'operator-token-console-e2e' };
    const journal = join(tempDir('reckon-console-'), 'journal.db');
    dirs.push(dirname(journal));
    const s = await startServe(['--journal', journal, '--bar-ms', '200'], env, SERVE_START_MS);
    await withServe(s, null, async (open) => {
      const o = await open(`${s.url}/`);
      const { page } = o;
      await page.getByTestId('signin').waitFor();
      await page.getByTestId('token-input').fill(env.RECKON_VIEWER_TOKEN);
      await page.getByTestId('token-input').press('Enter');
      await page.getByTestId('console-app').waitFor();
      await waitFor('viewer role', async () => (await page.getByTestId('who').getAttribute('data-role')) === 'viewer', STEP_MS);
      expect((await api<{ principal: unknown }>(s, '/api/state', { token: env.RECKON_VIEWER_TOKEN })).json.principal).toEqual({ name: 'env-viewer', role: 'viewer' });
      expect(await page.getByTestId('viewer-banner').innerText()).toContain('viewer token');
      expect(await page.getByTestId('kill-switch').isDisabled()).toBe(true);
      for (const b of await page.getByTestId('flatten-button').all()) expect(await b.isDisabled()).toBe(true);
      for (const sel of await page.getByTestId('state-select').all()) expect(await sel.isDisabled()).toBe(true);
      await page.screenshot({ path: artifact('console-viewer.png') });
      // Sign out forgets the token.
      await page.getByRole('button', { name: 'sign out' }).click();
      await page.getByTestId('signin').waitFor();
      expect(await page.evaluate("sessionStorage.getItem('reckon.console.token')")).toBeNull();
      expect(foreign(o, s.url)).toEqual([]);
      expect(o.errors).toEqual([]);
      await page.close();
    });
  }, LIVE_TEST_MS);
});
