/**
 * summary.json: the run's counts, the three positions per pair with their gaps, performance
 * figures (with the caveat on annualised ones), the journal head, throughput, what held the run
 * back (restricted instruments, open incidents, risk rejections by rule) and P&L per instrument.
 * Quantities and money are exact decimal strings.
 */
import { formatSigned } from '../domain/fixed-point.js';
import { fmtMoney } from '../domain/instrument.js';
import type { Engine } from '../engine/engine.js';
import type { RunConfig } from '../config/load.js';
import { strategyInstrumentIds } from '../config/schema.js';
import { desiredOf } from '../portfolio/portfolio.js';
import { workingOf } from '../execution/state.js';
import { positionKey } from '../domain/types.js';
import { equityStatistics } from './statistics.js';
import type { PositionGaps } from '../records/records.js';
import type { DataSummary } from '../marketdata/read-source.js';
import type { HeldBack } from './held-back.js';
import type { PnlView } from './pnl.js';
import { lastPriceText, type RunFolds } from './run-folds.js';

export interface Summary {
  readonly counts: Engine['counts'];
  readonly positions: readonly (PositionGaps & { readonly account: string; readonly instrument: string })[];
  readonly performance: {
    readonly startingEquity: string; readonly endingEquity: string; readonly returnPct: number;
    readonly maxDrawdownPct: number; readonly sharpe: number; readonly trades: number; readonly fees: string;
    /** Days of market data the figures cover. */
    readonly periodDays: number;
    /** False under 90 days: the annualised Sharpe (and CAGR in the report) are not meaningful. */
    readonly annualisedMeaningful: boolean;
  };
  readonly journal: { readonly path: string | null; readonly lastSeq: number; readonly headHash: string };
  readonly throughput: { readonly wallMs: number; readonly eventsPerSecond: number };
  /** The market data input (replays): name, files, identity, timestamp form, ignored columns. */
  readonly data?: DataSummary;
  readonly heldBack: HeldBack;
  readonly pnl: PnlView;
}

/** Builds the summary from the engine's folded state (every configured pair, flat ones included) and the run's folds. */
export function buildSummary(engine: Engine, cfg: RunConfig, journal: { path: string | null; lastSeq: number; headHash: string }, wallMs: number, folds: RunFolds): Summary {
  const positions: Summary['positions'][number][] = [];
  for (const account of cfg.accounts) {
    for (const inst of cfg.instruments) {
      const key = positionKey(account.id, inst.id);
      const pos = engine.state.execution.positions.get(key);
      const desired = desiredOf(engine.state.portfolio, account.id, inst.id);
      if (!pos && desired === 0 && !cfg.strategies.some((s) => s.account === account.id && strategyInstrumentIds(s).includes(inst.id))) continue;
      const expected = pos?.expected ?? 0;
      const confirmed = pos?.confirmed ?? 0;
      const f = (v: number) => formatSigned(v, inst.sizeScale);
      positions.push({
        account: account.id, instrument: inst.id, desired: f(desired), expected: f(expected), confirmed: f(confirmed),
        working: f(workingOf(pos)), residual: f(desired - confirmed), drift: f(expected - confirmed),
      });
    }
  }
  const startingEquity = cfg.accounts.reduce((s, a) => s + a.startingCash, 0);
  const points = engine.equity?.points ?? [];
  const endingEquity = points.length > 0 ? points[points.length - 1]!.equity : engine.equityNow().equity;
  const stats = equityStatistics(points, startingEquity);
  const start = points[0]?.ts ?? engine.clock;
  return {
    counts: { ...engine.counts },
    positions,
    performance: {
      startingEquity: fmtMoney(startingEquity), endingEquity: fmtMoney(endingEquity),
      returnPct: stats.totalReturnPct, maxDrawdownPct: stats.maxDrawdownPct, sharpe: stats.sharpe,
      trades: engine.state.execution.fills, fees: fmtMoney(engine.state.execution.fees),
      periodDays: stats.spanDays, annualisedMeaningful: stats.annualisedMeaningful,
    },
    journal,
    throughput: { wallMs: Math.round(wallMs), eventsPerSecond: wallMs > 0 ? Math.round((engine.counts.marketEvents * 1000) / wallMs) : 0 },
    heldBack: folds.heldBack.result(start, engine.clock),
    pnl: folds.pnl.view(lastPriceText(cfg, engine.lastPrice)),
  };
}
