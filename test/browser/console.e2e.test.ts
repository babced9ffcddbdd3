/**
 * The live console end to end: `reckon serve` with an injected fault (an external position change
 * at the simulated venue) on a free port, the console opened in Chromium from the URL serve prints
 * (#token=…). The POSITION_DRIFT incident shows up in the queue without a reload, it is
 * acknowledged through the UI with a note, and then the API shows it acknowledged by the operator
 * with that note, the instrument is back to active, and the journal holds the S07 records.
 * The page talks only to its own origin and logs no error.
 *
 * The fault plan: `external-position-change:0.001` with seed 11 rolls once per bar and
 * instrument (the fault dice are seeded, so the schedule is the same every run, counted in bars):
 * the first change hits FIX-ALPHA after ~165 bars (~8 s at --bar-ms 50), the next one on FIX-ALPHA
 * only ~1,300 bars later (~65 s), so the instrument stays released after the acknowledgement for
 * as long as the test looks. With a denser plan (e.g. 0.02) every instrument collects several
 * open drift incidents within seconds, and acknowledging one of them rightly releases nothing.
 */
import { execSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reckon, tempDir } from '../support/cli.js';
import { api, startServe, waitFor, type Served } from '../support/serve.js';
import { artifact, launch, poll, ROOT } from './browser.js';

const FAULT_ARGS = ['--bar-ms', '50', '--faults', 'external-position-change:0.001', '--seed', '11'];
const NOTE = 'Checked the venue position: external trade by desk B, booked; resuming.';

interface Opened { page: Page; requests: string[]; errors: string[] }

function ensureConsolePage(): void {
  if (!existsSync(join(ROOT, 'web', 'dist', 'console.html'))) execSync('npm run build:web', { cwd: ROOT, stdio: 'inherit' });
}

/** Copies a screenshot into docs/ when RECKON_UPDATE_SCREENSHOTS=1. */
function toDocs(file: string, name: string): void {
  if (process.env.RECKON_UPDATE_SCREENSHOTS === '1') copyFileSync(file, join(ROOT, 'docs', 'screenshots', name));
}

async function openConsole(browser: Browser, url: string, opts: { dark?: boolean } = {}): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: opts.dark ? 'dark' : 'light' });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 60_000 });
  return { page, requests, errors };
}

const foreign = (o: Opened, origin: string) => o.requests.filter((u) => new URL(u).origin !== origin);

type Incident = { incidentId: string; code: string; instrument: string | null; status: string; history: { status: string; actor: string; reason: string }[] };
type Position = { instrument: string; tradingState: string };

describe('live console', () => {
  let browser: Browser;
  beforeAll(async () => {
    ensureConsolePage();
    browser = await launch();
  });
  afterAll(async () => { await browser?.close(); });

  it('shows an injected drift incident live, acknowledges it with a note through the UI, and the journal has it', async () => {
    const journal = join(tempDir('reckon-console-'), 'journal.db');
    const s: Served = await startServe(['--journal', journal, ...FAULT_ARGS]);
    let incidentId = '';
    let instrument = '';
    try {
      const o = await openConsole(browser, `${s.url}/#token=${s.token}`);
      const { page } = o;
      // The token left the address bar and lives in this tab's sessionStorage only.
      expect(await page.evaluate('location.hash')).toBe('');
      expect(await page.evaluate("sessionStorage.getItem('reckon.console.token')")).toBe(s.token);
      await waitFor('role shown', async () => (await page.getByTestId('who').getAttribute('data-role')) === 'operator');
      expect(await page.getByTestId('positions').locator('tbody tr').count()).toBe(4);

      // Live without reload: the journal's seq and the tape move on their own.
      const seqText = async () => Number((await page.getByTestId('last-seq').innerText()).replace(/,/g, ''));
      const firstSeq = await seqText();
      await waitFor('live seq', async () => (await seqText()) > firstSeq + 20, 20_000);
      await waitFor('tape rows', async () => (await page.locator('[data-testid="tape"] .tape-row').count()) > 10);

      // The fault: a POSITION_DRIFT incident appears in the queue, its instrument goes reducing.
      const first = page.locator('.incident[data-code="POSITION_DRIFT"][data-status="open"]').first();
      await first.waitFor({ timeout: 90_000 });
      incidentId = (await first.getAttribute('data-incident-id'))!;
      const card = page.locator(`.incident[data-incident-id="${incidentId}"]`);
      instrument = (await card.locator('.inc-inst').innerText()).trim();
      expect(incidentId).toMatch(/POSITION_DRIFT$/);
      const stateOf = (inst: string) => page.locator(`[data-testid="positions"] tr[data-instrument="${inst}"] [data-testid="state-select"]`).getAttribute('data-state');
      await waitFor('reducing shown', async () => (await stateOf(instrument)) === 'reducing');
      const ageBefore = await card.getByTestId('incident-age').innerText();
      await page.waitForTimeout(2100);
      expect(await card.getByTestId('incident-age').innerText()).not.toBe(ageBefore); // the age ticks
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
      await page.getByTestId('action-confirm').click();
      await dialog.waitFor({ state: 'detached' });
      await waitFor('toast', async () => (await page.getByTestId('toasts').innerText()).includes('incident_acknowledged'));

      // The UI follows: the incident is acknowledged with the note, the instrument is active again.
      const acked = page.locator(`.incident[data-incident-id="${incidentId}"]`);
      await waitFor('acknowledged in the UI', async () => (await acked.getAttribute('data-status')) === 'acknowledged');
      expect(await acked.getByTestId('incident-last').innerText()).toContain(NOTE);
      await waitFor('active in the UI', async () => (await stateOf(instrument)) === 'active');

      // The API agrees.
      const inc = (await api<{ incidents: Incident[] }>(s, '/api/incidents')).json.incidents.find((i) => i.incidentId === incidentId)!;
      expect(inc.status).toBe('acknowledged');
      expect(inc.history.at(-1)).toMatchObject({ status: 'acknowledged', actor: 'env-operator', reason: NOTE });
      const pos = (await api<{ positions: Position[] }>(s, '/api/positions')).json.positions.find((p) => p.instrument === instrument)!;
      expect(pos.tradingState).toBe('active');

      // The intent drawer: a client order id in the blotter opens its chain S01→….
      const link = page.locator('[data-testid="orders"] [data-intent-link]').first();
      const intentId = (await link.getAttribute('data-intent-link'))!;
      await link.click();
      const drawer = page.getByTestId('intent-drawer');
      await drawer.locator(`[data-testid="chain"][data-intent="${intentId}"]`).waitFor();
      await poll(() => drawer.locator('.timeline > li').first().getAttribute('data-type')).toBe('S01.intent');
      expect(await drawer.locator('.timeline > li[data-type="S04.order"]').count()).toBeGreaterThan(0);
      await page.screenshot({ path: artifact('console-drawer.png') });
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'detached' });

      expect(foreign(o, s.url)).toEqual([]);
      expect(o.errors).toEqual([]);
      await page.close();

      // The same console in the dark colour scheme (a new tab: the one-time link works again).
      const dark = await openConsole(browser, `${s.url}/#token=${s.token}`, { dark: true });
      await dark.page.locator(`.incident[data-incident-id="${incidentId}"][data-status="acknowledged"]`).waitFor();
      await dark.page.waitForTimeout(1500);
      await dark.page.screenshot({ path: artifact('console-dark.png') });
      toDocs(artifact('console-dark.png'), 'console-dark.png');
      expect(foreign(dark, s.url)).toEqual([]);
      expect(dark.errors).toEqual([]);
      await dark.page.close();
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
    }

    // The journal: the acknowledgement with actor and note, and the release to active it caused.
    const exp = reckon(['journal', 'export', journal]);
    expect(exp.code, exp.stderr).toBe(0);
    const records = exp.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; type: string; instrument: string | null; payload: Record<string, unknown> });
    const ack = records.find((r) => r.type === 'S07.operator' && r.payload.kind === 'incident_acknowledged' && r.payload.incidentId === incidentId);
    expect(ack?.payload).toMatchObject({ actor: 'env-operator', reason: NOTE });
    const release = records.find((r) => r.seq > ack!.seq && r.type === 'S07.operator' && r.payload.kind === 'trading_state_changed' && r.payload.incidentId === incidentId);
    expect(release).toMatchObject({ instrument, payload: { from: 'reducing', to: 'active', actor: 'env-operator' } });
    expect(String(release!.payload.reason)).toContain(NOTE);
    expect(reckon(['journal', 'verify', journal]).code).toBe(0);
  });

  it('signs in with a typed token; a viewer sees the role and no usable action', async () => {
    const env = { RECKON_VIEWER_TOKEN: 'viewer-token-console-e2e', RECKON_OPERATOR_TOKEN: 'operator-token-console-e2e' };
    const s = await startServe(['--journal', join(tempDir('reckon-console-'), 'journal.db'), '--bar-ms', '200'], env);
    try {
      const o = await openConsole(browser, `${s.url}/`);
      const { page } = o;
      await page.getByTestId('signin').waitFor();
      await page.getByTestId('token-input').fill(env.RECKON_VIEWER_TOKEN);
      await page.getByTestId('token-input').press('Enter');
      await page.getByTestId('console-app').waitFor();
      await waitFor('viewer role', async () => (await page.getByTestId('who').getAttribute('data-role')) === 'viewer');
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
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
    }
  });
});
