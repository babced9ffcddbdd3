/**
 * Incidents without an intent in the static trace, end to end: `reckon run --faults
 * external-position-change:0.05` on a small generated CSV journals POSITION_DRIFT incidents found
 * by interval checks (no intent's chain holds them); an operator acknowledges one with
 * `reckon incident ack`; `reckon trace` builds the page. The incidents list shows them, the
 * failure-code filter finds them, each opens its causes, automatic actions and the ack, and the
 * Playbooks counts equal the journal's (counted here with SQL). Unknown ids in the URL show "not
 * found". A journal tampered with through SQL gives pages with a warning banner and a CLI warning.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleBars } from '../../src/marketdata/sample.js';
import { reckon, tempDir } from '../support/cli.js';
import { artifact, BROWSER_TEST_MS, ensureTemplates, SETUP_MS, foreignRequests, launch, openFile, poll, ROOT } from './browser.js';
import { tamperPayload } from './journal-files.js';

const NOTE = 'external trade by desk B, booked';
let dir: string;
let journal: string;
let trace: string;
let browser: Browser;
/** The journal's own numbers, by SQL. */
let facts: {
  driftWithoutIntent: { incidentId: string; instrument: string }[];
  perInstrument: Map<string, number>;
  codes: Map<string, { incidents: number; flags: number; withoutIntent: number; intents: number }>;
  acked: string;
  lastSeq: number;
};

function readFacts(path: string): typeof facts {
  const db = new Database(path, { readonly: true });
  try {
    const s07 = db.prepare(`SELECT instrument, correlation_id AS corr, json_extract(payload, '$.kind') AS kind, json_extract(payload, '$.code') AS code,
      json_extract(payload, '$.incidentId') AS incidentId FROM journal WHERE type = 'S07.operator' AND json_extract(payload, '$.kind') IN ('flag', 'incident_opened') ORDER BY seq`)
      .all() as { instrument: string; corr: string | null; kind: string; code: string; incidentId: string | null }[];
    const codes = new Map<string, { incidents: number; flags: number; withoutIntent: number; intents: number; ids: Set<string> }>();
    for (const r of s07) {
      const c = codes.get(r.code) ?? { incidents: 0, flags: 0, withoutIntent: 0, intents: 0, ids: new Set<string>() };
      codes.set(r.code, c);
      if (r.kind === 'flag') c.flags++; else c.incidents++;
      if (r.corr === null) c.withoutIntent++; else c.ids.add(r.corr);
    }
    const drift = s07.filter((r) => r.code === 'POSITION_DRIFT' && r.corr === null && r.kind === 'incident_opened');
    const perInstrument = new Map<string, number>();
    for (const r of drift) perInstrument.set(r.instrument, (perInstrument.get(r.instrument) ?? 0) + 1);
    const acked = db.prepare(`SELECT json_extract(payload, '$.incidentId') AS id FROM journal WHERE json_extract(payload, '$.kind') = 'incident_acknowledged'`).pluck().get() as string;
    return {
      driftWithoutIntent: drift.map((r) => ({ incidentId: r.incidentId!, instrument: r.instrument })), perInstrument,
      codes: new Map([...codes].map(([k, c]) => [k, { incidents: c.incidents, flags: c.flags, withoutIntent: c.withoutIntent, intents: c.ids.size }])),
      acked, lastSeq: db.prepare('SELECT max(seq) FROM journal').pluck().get() as number,
    };
  } finally {
    db.close();
  }
}

/** Copies a screenshot into docs/ when RECKON_UPDATE_SCREENSHOTS=1. */
function toDocs(file: string, name: string): void {
  if (process.env.RECKON_UPDATE_SCREENSHOTS === '1') copyFileSync(file, join(ROOT, 'docs', 'screenshots', name));
}

const text = async (page: Page, testId: string) => (await page.getByTestId(testId).innerText()).replace(/\s+/g, ' ').trim();
const num = (s: string) => Number(s.replace(/[^0-9]/g, ''));

beforeAll(async () => {
  ensureTemplates();
  dir = tempDir('reckon-incidents-e2e-');
  const data = join(dir, 'bars.csv');
  await generateSampleBars(data, { barsPerInstrument: 3000 });
  const run = reckon(['run', '--data', data, '--faults', 'external-position-change:0.05', '--seed', '3', '--out', join(dir, 'run')]);
  expect(run.code, run.stderr).toBe(0);
  journal = join(dir, 'run', 'journal.db');
  const first = readFacts(journal).driftWithoutIntent[0]!;
  const ack = reckon(['incident', 'ack', first.incidentId, '--journal', journal, '--by', 'ana', '--note', NOTE]);
  expect(ack.code, ack.stderr).toBe(0);
  facts = readFacts(journal);
  expect(facts.driftWithoutIntent.length).toBeGreaterThan(50);
  trace = join(dir, 'trace.html');
  const t = reckon(['trace', journal, '-o', trace]);
  expect(t.code, t.stderr).toBe(0);
  expect(t.stderr).toBe('');
  browser = await launch();
}, SETUP_MS);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('incidents without an intent in the trace', () => {
  it('lists every drift incident found by an interval check, grouped by instrument, each with its causal records', { timeout: BROWSER_TEST_MS }, async () => {
    const o = await openFile(browser, trace, { hash: '#view=incidents&code=POSITION_DRIFT&link=none' });
    const { page } = o;
    expect(num((await text(page, 'incident-count')).split(' of ')[0]!)).toBe(facts.driftWithoutIntent.length);
    const groups = await page.locator('[data-testid="incident-groups"] .group-chip').evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-instrument'), Number(e.getAttribute('data-count'))] as const));
    expect(new Map(groups)).toEqual(facts.perInstrument);
    // The first row is the acknowledged one: its causes, automatic actions and the operator's ack.
    await page.locator('[data-testid="incident-list"] .vrow').first().click();
    const incident = page.getByTestId('incident');
    await poll(() => incident.getAttribute('data-incident')).toBe(facts.acked);
    expect(await incident.getAttribute('data-state')).toBe('acknowledged');
    expect(await text(page, 'inc-intent')).toBe('INTENT none');
    expect(await text(page, 'inc-operator')).toBe(`OPERATOR acknowledged by ana: ${NOTE}`);
    expect(await text(page, 'inc-trading')).toContain('active → reducing');
    const kinds = await page.locator('[data-testid="incident-records"] > li').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-type')}:${e.getAttribute('data-kind')}`));
    // The interval pass's positions request, its answer, the check, the recovery rule's actions.
    expect(kinds.slice(0, 6)).toEqual(['S06.reconciliation:request', 'S05.provider:position_report', 'S06.reconciliation:reconciliation', 'S06.reconciliation:adjustment', 'S07.operator:incident_opened', 'S07.operator:trading_state_changed']);
    expect(kinds).toContain('S07.operator:incident_acknowledged');
    expect(await page.locator('[data-testid="incident-faults"] li').count()).toBeGreaterThan(0);
    await poll(() => page.locator('[data-testid="playbook"][data-code="POSITION_DRIFT"] li').count()).toBeGreaterThan(2);
    await page.screenshot({ path: artifact('trace-incident.png') });
    toDocs(artifact('trace-incident.png'), 'trace-incident.png');
    // A group chip narrows the list to one instrument.
    const [inst, n] = [...facts.perInstrument][0]!;
    await page.locator(`[data-testid="incident-groups"] .group-chip[data-instrument="${inst}"]`).click();
    await poll(async () => num((await text(page, 'incident-count')).split(' of ')[0]!)).toBe(n);
    expect(o.errors).toEqual([]);
    expect(foreignRequests(o, trace)).toEqual([]);
    await page.close();
  });

  it('finds them with the failure-code filter of the Intents view', { timeout: BROWSER_TEST_MS }, async () => {
    const o = await openFile(browser, trace);
    const { page } = o;
    const drift = facts.codes.get('POSITION_DRIFT')!;
    await page.getByTestId('f-code').selectOption('POSITION_DRIFT');
    await poll(() => text(page, 'mode-incidents')).toBe(`Incidents & flags (${(drift.incidents + drift.flags).toLocaleString('en-US')})`);
    expect(await text(page, 'mode-intents')).toBe(`Intents (${drift.intents})`);
    await page.getByTestId('mode-incidents').click();
    await page.getByTestId('f-link').selectOption('none');
    await poll(async () => num((await text(page, 'incident-count')).split(' of ')[0]!)).toBe(drift.withoutIntent);
    const codes = await page.locator('[data-testid="incident-list"] .vrow .inc-code').allInnerTexts();
    expect(new Set(codes)).toEqual(new Set(['POSITION_DRIFT']));
    // Search by incident id.
    const target = facts.driftWithoutIntent[3]!;
    await page.getByTestId('search').fill(target.incidentId);
    await poll(async () => num((await text(page, 'incident-count')).split(' of ')[0]!)).toBe(1);
    await page.locator('[data-testid="incident-list"] .vrow').first().click();
    await poll(() => page.getByTestId('incident').getAttribute('data-incident')).toBe(target.incidentId);
    expect(page.url()).toContain(`incident=${target.incidentId}`);
    expect(o.errors).toEqual([]);
    await page.close();
  });

  it('counts incidents and flags per code in Playbooks as the journal has them', { timeout: BROWSER_TEST_MS }, async () => {
    const o = await openFile(browser, trace, { hash: '#tab=playbooks' });
    const { page } = o;
    const cards = await page.locator('[data-testid="playbooks"] > [data-code]').evaluateAll((els) => els.map((e) => ({
      code: e.getAttribute('data-code')!, incidents: Number(e.getAttribute('data-incidents')), flags: Number(e.getAttribute('data-flags')),
      withoutIntent: Number(e.getAttribute('data-without-intent')), intents: Number(e.getAttribute('data-intents')), text: e.textContent ?? '',
    })));
    for (const c of cards) {
      const want = facts.codes.get(c.code) ?? { incidents: 0, flags: 0, withoutIntent: 0, intents: 0 };
      expect({ incidents: c.incidents, flags: c.flags, withoutIntent: c.withoutIntent, intents: c.intents }, c.code).toEqual(want);
      expect(c.text.includes('not seen in this journal'), c.code).toBe(!facts.codes.has(c.code));
    }
    expect(cards.map((c) => c.code)).toEqual(expect.arrayContaining([...facts.codes.keys()]));
    // From the drift playbook to its incidents.
    await page.locator('[data-code="POSITION_DRIFT"] [data-testid="show-incidents"]').click();
    const drift = facts.codes.get('POSITION_DRIFT')!;
    await poll(async () => num((await text(page, 'incident-count')).split(' of ')[0]!)).toBe(drift.incidents + drift.flags);
    expect(o.errors).toEqual([]);
    await page.close();
  });

  it('shows "not found" for an intent, incident or seq the journal does not have', { timeout: BROWSER_TEST_MS }, async () => {
    const cases: [string, string, string][] = [
      ['#intent=intent-does-not-exist', 'intent', 'intent-does-not-exist'],
      ['#incident=INC-0-NO_SUCH_CODE', 'incident', 'INC-0-NO_SUCH_CODE'],
      [`#tab=state&seq=${facts.lastSeq + 1000}`, 'seq', String(facts.lastSeq + 1000)],
      ['#tab=records&seq=abc', 'seq', 'abc'],
    ];
    for (const [hash, what, id] of cases) {
      const o = await openFile(browser, trace, { hash });
      const nf = o.page.getByTestId('not-found');
      expect(await nf.getAttribute('data-what'), hash).toBe(what);
      expect(await nf.innerText(), hash).toContain(`${id} is not in this journal`);
      expect(o.page.url(), hash).toContain(hash.replace(/^#/, '').split('&').at(-1)!); // the URL keeps what was asked for
      expect(o.errors).toEqual([]);
      if (what === 'intent') {
        await o.page.screenshot({ path: artifact('trace-not-found.png') });
        // Choosing an intent replaces the not-found state.
        await o.page.locator('[data-testid="intent-list"] .vrow').first().click();
        await o.page.getByTestId('chain').waitFor();
        expect(await o.page.getByTestId('not-found').count()).toBe(0);
      }
      await o.page.close();
    }
  });
});

describe('a journal that fails verification', () => {
  let tampered: string;
  let fillSeq: number;

  beforeAll(() => {
    tampered = join(dir, 'tampered', 'journal.db');
    mkdirSync(join(dir, 'tampered'), { recursive: true });
    copyFileSync(journal, tampered);
    const db = new Database(tampered, { readonly: true });
    fillSeq = db.prepare(`SELECT seq FROM journal WHERE json_extract(payload, '$.kind') = 'fill' ORDER BY seq LIMIT 1`).pluck().get() as number;
    db.close();
    tamperPayload(tampered, fillSeq, (p) => p.replace(/"lastPrice":"[^"]+"/, '"lastPrice":"0.01"'));
    expect(reckon(['journal', 'verify', tampered]).code).toBe(1);
  }, SETUP_MS);

  it('still gets its trace, with a warning banner, marked records and a warning from the CLI (exit 1)', { timeout: BROWSER_TEST_MS }, async () => {
    const out = join(dir, 'tampered', 'trace.html');
    const r = reckon(['trace', tampered, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`trace: ${out}\n`);
    expect(r.stderr.trim().split('\n')).toEqual([`reckon: warning: journal ${tampered} fails verification at seq ${fillSeq}: hash mismatch (record altered). The page was written with a warning banner: ${out}`]);
    expect(existsSync(out)).toBe(true);
    const o = await openFile(browser, out, { hash: `#tab=records&seq=${fillSeq}` });
    const { page } = o;
    const banner = page.getByTestId('integrity-banner');
    expect(await banner.getAttribute('data-first-bad-seq')).toBe(String(fillSeq));
    expect(await banner.innerText()).toContain(`fails verification at seq ${fillSeq}: hash mismatch (record altered)`);
    expect(await page.getByTestId('integrity-mark').getAttribute('data-state')).toBe('bad');
    expect(await page.locator(`[data-testid="record-detail"] .rec[data-seq="${fillSeq}"]`).getAttribute('data-untrusted')).toBe('true');
    await page.screenshot({ path: artifact('trace-tampered.png') });
    expect(o.errors).toEqual([]);
    await page.close();
    // The untampered journal's page says it verified and shows no banner.
    const ok = await openFile(browser, trace);
    expect(await ok.page.getByTestId('integrity-banner').count()).toBe(0);
    expect(await ok.page.getByTestId('integrity-mark').getAttribute('data-state')).toBe('ok');
    await ok.page.close();
  });

  it('still gets its report, with a warning banner and a warning from the CLI (exit 1)', { timeout: BROWSER_TEST_MS }, async () => {
    const out = join(dir, 'tampered', 'report.html');
    const r = reckon(['report', join(dir, 'tampered'), '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`report: ${out}\n`);
    expect(r.stderr).toContain(`reckon: warning: journal ${join(dir, 'tampered')} fails verification at seq ${fillSeq}`);
    const o = await openFile(browser, out);
    expect(await o.page.getByTestId('integrity-banner').getAttribute('data-first-bad-seq')).toBe(String(fillSeq));
    expect(await o.page.getByTestId('integrity-mark').getAttribute('data-state')).toBe('bad');
    await o.page.screenshot({ path: artifact('report-tampered.png') });
    expect(o.errors).toEqual([]);
    await o.page.close();
  });
});
