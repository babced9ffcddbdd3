/**
 * Builds the report page's embedded data in one pass over the journal, plus the run's files.
 * Headline figures that summary.json holds (return, max drawdown, Sharpe, trades, fees, equity)
 * are taken from it verbatim, so the page and summary.json always agree; the rest is computed
 * with src/report/statistics.ts from equity.csv and the journal.
 */
import { FAILURE_CATALOG } from '../operator/catalog.js';
import type { JournalRecord } from '../records/records.js';
import { averageEquity, equityStatistics, TradeStatsAccumulator } from '../report/statistics.js';
import {
  DATA_FORMAT_VERSION, type Figure, type FillPoint, type FlagRow, type IncidentCodeRow, type PageIntegrity, type PositionRow, type PriceSeries,
  type ReportData, type RunInfo, type RunSummary, UNCHECKED_INTEGRITY,
} from './data-types.js';
import type { EquityRow } from './run-files.js';
import { moneyUnits } from './run-files.js';
import { runInfo } from './trace-model.js';
import { ReportFolds } from './report-folds.js';

export interface ReportInput {
  readonly records: Iterable<JournalRecord>;
  readonly summary?: RunSummary | null;
  readonly equity?: readonly EquityRow[] | null;
  readonly prices?: readonly PriceSeries[] | null;
  readonly title?: string;
  readonly source?: string;
  /** Relative link to the trace page (for links by intent and code); null hides the links. */
  readonly traceHref?: string | null;
  /** CSV files written beside the report (relative names). */
  readonly csvFiles?: readonly string[];
  /** Fill markers kept per instrument (the rest are counted, not drawn). */
  readonly maxFillMarkers?: number;
  /** What verification said of the journal; none: not checked. */
  readonly integrity?: PageIntegrity;
}

const MAX_FLAGS = 500;

export function buildReportData(input: ReportInput): ReportData {
  const trade = new TradeStatsAccumulator();
  const folds = new ReportFolds();
  const fills: Record<string, FillPoint[]> = {};
  const execIds = new Set<string>();
  const lastRecon = new Map<string, PositionRow>();
  const byClass: Record<string, number> = {};
  const codes = new Map<string, { flags: number; incidents: number; withoutIntent: number; byInstrument: Map<string, number>; intents: Set<string> }>();
  const flags: FlagRow[] = [];
  const closes = new Map<string, { ts: number[]; close: string[] }>();
  const maxMarkers = input.maxFillMarkers ?? 5000;
  let run: RunInfo | null = null;
  let checks = 0, quietChecks = 0, adjustments = 0, driftChecks = 0, flagsTotal = 0;
  let firstTs: number | null = null, lastTs = 0, lastSeq = 0, headHash = '';

  for (const r of input.records) {
    if (firstTs === null && r.ts > 0) firstTs = r.ts; // a run record may carry ts 0
    lastTs = r.ts; lastSeq = r.seq; headHash = r.hash;
    trade.add(r);
    folds.add(r);
    switch (r.type) {
      case 'S00.run': run = runInfo(run, r); break;
      case 'S01.intent':
        if (r.payload.bar && r.instrument) {
          let c = closes.get(r.instrument);
          if (!c) { c = { ts: [], close: [] }; closes.set(r.instrument, c); }
          c.ts.push(r.payload.bar.ts); c.close.push(r.payload.bar.close);
        }
        break;
      case 'S05.provider': {
        const p = r.payload;
        if ((p.kind === 'fill' || p.kind === 'partial_fill') && !execIds.has(p.execId)) {
          execIds.add(p.execId);
          const list = (fills[r.instrument ?? ''] ??= []);
          if (list.length < maxMarkers) list.push({ ts: r.ts, side: p.side, qty: p.lastQty, price: p.lastPrice, intent: r.correlationId });
        }
        break;
      }
      case 'S06.reconciliation': {
        const p = r.payload;
        if (p.kind === 'adjustment') { adjustments++; break; }
        if (p.kind === 'pass') { quietChecks += p.quiet; break; }
        if (p.kind !== 'reconciliation') break;
        checks++;
        byClass[p.classification] = (byClass[p.classification] ?? 0) + 1;
        if (p.classification === 'DRIFT') driftChecks++;
        if (r.instrument) {
          lastRecon.set(r.account + '\u0000' + r.instrument, {
            account: r.account, instrument: r.instrument, desired: p.desired, expected: p.expected, confirmed: p.confirmed,
            working: p.working, residual: p.residual, drift: p.drift,
          });
        }
        break;
      }
      case 'S07.operator': {
        const p = r.payload;
        if (p.kind !== 'flag' && p.kind !== 'incident_opened') break;
        let c = codes.get(p.code);
        if (!c) { c = { flags: 0, incidents: 0, withoutIntent: 0, byInstrument: new Map(), intents: new Set() }; codes.set(p.code, c); }
        if (p.kind === 'flag') c.flags++; else c.incidents++;
        if (r.correlationId === null) c.withoutIntent++;
        else if (c.intents.size < 20) c.intents.add(r.correlationId);
        c.byInstrument.set(r.instrument ?? '', (c.byInstrument.get(r.instrument ?? '') ?? 0) + 1);
        flagsTotal++;
        if (flags.length < MAX_FLAGS) {
          flags.push({
            seq: r.seq, incidentId: p.kind === 'incident_opened' ? p.incidentId : null, ts: r.ts, code: p.code, severity: p.severity,
            instrument: r.instrument, intent: r.correlationId, message: p.message,
          });
        }
        break;
      }
      default: break;
    }
  }

  const summary = input.summary ?? null;
  const equity = input.equity ?? null;
  const points = equity?.map((e) => ({ ts: e.ts, equity: moneyUnits(e.equity) })) ?? [];
  const perf = summary?.performance;
  const starting = perf ? moneyUnits(perf.startingEquity) : points.length ? points[0]!.equity : 0;
  const eq = points.length && starting > 0 ? equityStatistics(points, starting) : null;
  const ts = trade.result(averageEquity(points));
  const held = folds.result({ summary, equity, prices: input.prices ?? null, firstTs, lastTs });
  const caveat = held.annualisedCaveat === null ? {} : { caveat: `annualised: ${held.annualisedCaveat}` };

  const positions = summary?.positions ?? [...lastRecon.values()].sort((a, b) => (a.instrument + a.account < b.instrument + b.account ? -1 : 1));
  const catalog = new Map(FAILURE_CATALOG.map((e) => [e.code as string, e]));
  const incidents: IncidentCodeRow[] = [...codes.entries()].map(([code, c]) => ({
    code, title: catalog.get(code)?.title ?? code, severity: catalog.get(code)?.severity ?? 'warning',
    flags: c.flags, incidents: c.incidents, withoutIntent: c.withoutIntent,
    byInstrument: [...c.byInstrument.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)), intents: [...c.intents],
  })).sort((a, b) => b.flags + b.incidents - (a.flags + a.incidents) || (a.code < b.code ? -1 : 1));

  const fromSummary = <T,>(v: T | undefined, computed: T | null): [T | null, Figure['source']] =>
    v !== undefined ? [v, 'summary.json'] : [computed, 'computed'];
  const fig = (key: string, label: string, unit: Figure['unit'], [value, source]: [number | string | null, Figure['source']]): Figure => ({ key, label, value, unit, source });
  const c = (v: number | string | null): [number | string | null, Figure['source']] => [v, 'computed'];
  const figures: Figure[] = [
    fig('returnPct', 'Total return', 'pct', fromSummary(perf?.returnPct, eq?.totalReturnPct ?? null)),
    { ...fig('cagrPct', 'CAGR', 'pct', c(eq?.cagrPct ?? null)), ...caveat },
    { ...fig('sharpe', 'Sharpe (daily, ann.)', 'ratio', fromSummary(perf?.sharpe, eq?.sharpe ?? null)), ...caveat },
    { ...fig('sortino', 'Sortino (daily, ann.)', 'ratio', c(eq?.sortino ?? null)), ...caveat },
    fig('maxDrawdownPct', 'Max drawdown', 'pct', fromSummary(perf?.maxDrawdownPct, eq?.maxDrawdownPct ?? null)),
    fig('maxDrawdownDurationMs', 'Max drawdown duration', 'duration', c(eq?.maxDrawdownDurationMs ?? null)),
    fig('winRate', 'Win rate (round trips)', 'share', c(ts.winRate)),
    fig('profitFactor', 'Profit factor', 'ratio', c(ts.profitFactor)),
    fig('trades', 'Trades (fills)', 'count', fromSummary(perf?.trades, ts.trades)),
    fig('turnover', 'Turnover', 'ratio', c(ts.turnover)),
    fig('fees', 'Fees', 'money', fromSummary(perf?.fees, ts.fees)),
    fig('slippageVsArrival', 'Slippage vs arrival', 'money', c(ts.slippageVsArrival)),
    fig('startingEquity', 'Starting equity', 'money', fromSummary(perf?.startingEquity, equity?.length ? equity[0]!.equity : null)),
    fig('endingEquity', 'Ending equity', 'money', fromSummary(perf?.endingEquity, equity?.length ? equity[equity.length - 1]!.equity : null)),
    fig('realizedPnl', 'Realized P&L (avg cost, net of fees)', 'money', c(held.pnl.total.realized)),
    fig('unrealizedPnl', 'Unrealized P&L', 'money', c(held.pnl.total.unrealized)),
  ];

  const prices: PriceSeries[] = input.prices ? [...input.prices] : [...closes.entries()].sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([instrument, s]) => ({ instrument, ts: s.ts, open: s.close, high: s.close, low: s.close, close: s.close }));

  return {
    format: DATA_FORMAT_VERSION,
    title: input.title ?? 'Reckon performance report',
    source: input.source ?? '',
    run,
    period: firstTs === null ? null : { firstTs, lastTs },
    figures,
    equity: equity?.length ? { ts: equity.map((e) => e.ts), equity: equity.map((e) => e.equity), drawdownPct: equity.map((e) => e.drawdownPct), kind: 'equity.csv' } : null,
    prices,
    fills,
    trade: ts,
    positions,
    recon: {
      checks, quietChecks, adjustments, byClassification: byClass,
      openResiduals: positions.filter((p) => !/^[+-]?0*(\.0*)?$/.test(p.residual)).length,
      drifts: summary?.counts?.drifts ?? driftChecks,
    },
    incidents,
    flags,
    flagsTotal,
    counts: summary?.counts ?? null,
    journal: summary?.journal ? { lastSeq: summary.journal.lastSeq, headHash: summary.journal.headHash } : lastSeq ? { lastSeq, headHash } : null,
    links: { trace: input.traceHref === undefined ? 'trace.html' : input.traceHref, csv: input.csvFiles ?? [] },
    integrity: input.integrity ?? UNCHECKED_INTEGRITY,
    pnl: held.pnl,
    heldBack: held.heldBack,
  };
}
