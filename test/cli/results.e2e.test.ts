/**
 * Results that say what held them back, and P&L that equals the report, through `reckon run`:
 * a run whose instruments were held reducing-only by drift incidents (injected external position
 * changes) lists them in summary.json and the terminal summary with their share of the run; the
 * annualised figures carry their caveat; the P&L (a fold of the journal) equals the ending equity
 * and the report's P&L, figure for figure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { MONEY_SCALE, parseFixed } from '../../src/domain/fixed-point.js';
import { generateSampleBars } from '../../src/marketdata/sample.js';
import type { ReportData } from '../../src/web/data-types.js';
import { reckon, tempDir } from '../support/cli.js';

let dir: string;
let held: ReturnType<typeof reckon>;
const summaryOf = (out: string) => JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
function reportData(out: string): ReportData {
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  const m = /<script id="reckon-data" type="application\/octet-stream" data-encoding="gzip\+base64">([^<]+)<\/script>/.exec(html);
  return JSON.parse(gunzipSync(Buffer.from(m![1]!, 'base64')).toString('utf8')) as ReportData;
}

beforeAll(async () => {
  dir = tempDir('reckon-results-');
  await generateSampleBars(join(dir, 'bars.csv'), { barsPerInstrument: 8000 });
  held = reckon(['run', '--data', join(dir, 'bars.csv'), '--out', join(dir, 'held'), '--faults', 'external-position-change:0.002', '--seed', '3']);
});

describe('what held the run back', () => {
  it('summary.json lists restricted instruments with their share of the run, open incidents by code and rejections by rule', () => {
    expect(held.code, held.stderr).toBe(0);
    const h = summaryOf(join(dir, 'held')).heldBack;
    expect(h.instruments.length).toBeGreaterThan(0);
    const top = h.instruments[0];
    expect(top.restrictedPct).toBeGreaterThan(5);
    expect(top.restrictedMs).toBe(top.reducingMs + top.haltedMs);
    expect(top.restrictedPct).toBeCloseTo((100 * top.restrictedMs) / (h.periodEnd - h.periodStart), 1);
    expect(h.openIncidents.find((c: { code: string }) => c.code === 'POSITION_DRIFT')?.open).toBeGreaterThan(0);
    expect(h.riskDecisions.byRule.TRADING_STATE).toBeGreaterThan(0);
    expect(Object.values(h.riskDecisions.byRule as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(h.riskDecisions.rejected);
  });

  it('the terminal summary says so, and marks the annualised Sharpe of a short run', () => {
    expect(held.stdout).toContain('held back:');
    expect(held.stdout).toMatch(/! open incidents POSITION_DRIFT: \d+ open/);
    expect(held.stdout).toMatch(/! FIX-[A-Z]+ restricted \d+\.\d\d% of the run \(reducing \d+d \d+h\); ended (reducing|active)/);
    expect(held.stdout).toMatch(/risk gate rejected \d+ of \d+ proposed orders: .*TRADING_STATE \d+/);
    expect(held.stdout).toMatch(/sharpe -?\d+\.\d\d \(annualised; not meaningful under 90 days of data: \d+\.\d days\)/);
    const s = summaryOf(join(dir, 'held'));
    expect(s.performance.annualisedMeaningful).toBe(false);
    expect(s.performance.periodDays).toBeLessThan(90);
  });

  it('the report carries the same held-back figures and marks CAGR and the annualised ratios', () => {
    const data = reportData(join(dir, 'held'));
    expect(data.heldBack).toEqual(summaryOf(join(dir, 'held')).heldBack);
    const fig = Object.fromEntries(data.figures.map((f) => [f.key, f]));
    for (const key of ['cagrPct', 'sharpe', 'sortino']) expect(fig[key]!.caveat, key).toMatch(/^annualised: not meaningful under 90 days of data/);
    expect(fig.returnPct!.caveat).toBeUndefined();
  });
});

describe('signal values in real units', () => {
  it('the built-ins journal indicator values in the instrument\'s units: an EMA sits next to the bar\'s close', () => {
    const lines = reckon(['journal', 'export', join(dir, 'held', 'journal.db')]).stdout.trim().split('\n').map((l) => JSON.parse(l));
    const emas = lines.filter((l) => l.type === 'S01.intent' && l.payload.signal.indicator === 'EMA crossover');
    expect(new Set(emas.map((l) => l.instrument)).size).toBe(4); // FIX-DELTA trades near 1.2, FIX-CHARLIE near 30000
    for (const l of emas) {
      const close = Number(l.payload.bar.close);
      expect(Math.abs(l.payload.signal.fast - close) / close, `${l.instrument} fast ${l.payload.signal.fast} close ${close}`).toBeLessThan(0.05);
    }
  });
});

describe('P&L at the end of a replay', () => {
  it('equals the ending equity (cash + positions at the last price) and the report\'s P&L figure for figure', () => {
    const s = summaryOf(join(dir, 'held'));
    const m = (t: string) => parseFixed(t, MONEY_SCALE);
    expect(s.pnl.total.equity).toBe(s.performance.endingEquity);
    expect(m(s.pnl.total.equity)).toBe(m(s.pnl.total.startingCash) + m(s.pnl.total.realized) + m(s.pnl.total.unrealized));
    expect(m(s.pnl.total.fees)).toBe(m(s.performance.fees));
    // Per instrument rows add up to the total.
    for (const k of ['realized', 'unrealized', 'fees'] as const) expect(s.pnl.rows.reduce((a: number, r: Record<string, string>) => a + m(r[k]!), 0)).toBe(m(s.pnl.total[k]));
    const data = reportData(join(dir, 'held'));
    expect(data.pnl).toEqual(s.pnl);
    const fig = Object.fromEntries(data.figures.map((f) => [f.key, f.value]));
    expect(fig.realizedPnl).toBe(s.pnl.total.realized);
    expect(fig.unrealizedPnl).toBe(s.pnl.total.unrealized);
    expect(fig.endingEquity).toBe(s.pnl.total.equity);
  });

  it('a run without faults: the same identity, nothing restricted', () => {
    const out = join(dir, 'clean');
    const r = reckon(['run', '--data', join(dir, 'bars.csv'), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const s = summaryOf(out);
    expect(s.heldBack.instruments).toEqual([]);
    expect(s.heldBack.openIncidents).toEqual([]);
    expect(s.pnl.total.equity).toBe(s.performance.endingEquity);
    expect(reportData(out).pnl).toEqual(s.pnl);
    expect(r.stdout).not.toContain('restricted');
  });
});
