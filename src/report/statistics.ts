/**
 * Performance statistics of a run. Choices (see docs/report.md):
 * - returns are daily: UTC day buckets, the last equity of each day, the first return measured
 *   against the starting equity; Sharpe and Sortino annualised with sqrt(365) (bars run every
 *   day), risk-free rate 0, Sharpe with the sample standard deviation, Sortino with the downside
 *   deviation against 0 over all days;
 * - CAGR over the span from the first to the last equity point in 365-day years;
 * - annualised figures (CAGR, Sharpe, Sortino) are marked not meaningful under 90 days of data
 *   (`annualisedMeaningful`): a few weeks compounded to a year say nothing about a strategy;
 * - max drawdown as a positive percentage of the running peak (the starting equity is the first
 *   peak); its duration is the longest time under a previous peak, until recovery or the end;
 * - trades are fills; round trips close FIFO per (account, instrument) and are net of fees (each
 *   fill's fee shared pro rata by quantity); win rate and profit factor come from round trips;
 * - slippage against arrival: the arrival price is the S03 risk record's order.referencePrice of
 *   the fill's order; side-signed (fill − arrival) × qty, so a positive sum is a cost.
 * Every ratio is rounded to 6 decimals, so the same journal always prints the same JSON.
 */
import type { JournalRecord } from '../records/records.js';
import { add, cmp, dec, div, fmt, isZero, mul, neg, round, sign, sub, toNumber, ZERO, type Dec } from '../domain/decimal.js';

export interface EquityStatistics {
  readonly totalReturnPct: number;
  /** Compound annual growth; null when the run spans less than a day. */
  readonly cagrPct: number | null;
  readonly sharpe: number;
  /** Null when no daily return is negative (the ratio is undefined). */
  readonly sortino: number | null;
  /** Largest peak-to-trough loss as a positive percentage of the peak. */
  readonly maxDrawdownPct: number;
  /** Longest time under a previous peak (until recovery or the end of the run). */
  readonly maxDrawdownDurationMs: number;
  /** Days from the first to the last equity point (2 decimals). */
  readonly spanDays: number;
  /** False under MIN_ANNUALISED_DAYS of data: CAGR and the annualised ratios are shown with that caveat. */
  readonly annualisedMeaningful: boolean;
}

/** Shortest span of data for which annualised figures are quoted without a caveat. */
export const MIN_ANNUALISED_DAYS = 90;

/** The caveat for annualised figures of a short run, or null when they are meaningful. */
export function annualisedCaveat(spanDays: number): string | null {
  return spanDays >= MIN_ANNUALISED_DAYS ? null : `not meaningful under ${MIN_ANNUALISED_DAYS} days of data: ${spanDays.toFixed(1)} days`;
}

export interface InstrumentTradeRow {
  readonly account: string;
  readonly instrument: string;
  readonly fills: number;
  readonly buyQty: string;
  readonly sellQty: string;
  readonly notional: string;
  readonly fees: string;
  readonly realizedPnl: string;
  readonly roundTrips: number;
  readonly winRate: number | null;
  readonly slippageVsArrival: string;
}

export interface TradeStatistics {
  /** Number of fills (S05 fill / partial_fill, de-duplicated by execId). */
  readonly trades: number;
  readonly roundTrips: number;
  /** Share of winning round trips (0..1); null with no closed round trip. */
  readonly winRate: number | null;
  /** Gross profit / gross loss of round trips; null when no round trip lost. */
  readonly profitFactor: number | null;
  /** Traded notional / average equity; null when the average equity is not given. */
  readonly turnover: number | null;
  readonly notional: string;
  readonly fees: string;
  /** Sum of side-signed (fill price − arrival price) × qty: positive is a cost. */
  readonly slippageVsArrival: string;
  readonly realizedPnl: string;
  readonly perInstrument: readonly InstrumentTradeRow[];
}

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;
const MONEY_DP = 6;

/** Rounds to 6 decimals (and turns -0 into 0) so results serialise identically everywhere. */
export function r6(x: number): number {
  const v = Math.round(x * 1e6) / 1e6;
  return v === 0 ? 0 : v;
}

/** Equity statistics of points (equity in integer money units at 6 decimals, ts epoch ms). */
export function equityStatistics(points: readonly { ts: number; equity: number }[], startingEquity: number): EquityStatistics {
  if (points.length === 0 || startingEquity <= 0) {
    return { totalReturnPct: 0, cagrPct: null, sharpe: 0, sortino: null, maxDrawdownPct: 0, maxDrawdownDurationMs: 0, spanDays: 0, annualisedMeaningful: false };
  }
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const growth = last.equity / startingEquity;
  const span = last.ts - first.ts;
  const cagr = span >= DAY_MS && growth > 0 ? (growth ** (YEAR_MS / span) - 1) * 100 : null;

  // Daily returns from the last equity of each UTC day.
  const closes: number[] = [startingEquity];
  let day = Math.floor(first.ts / DAY_MS);
  let dayLast = first.equity;
  for (const p of points) {
    const d = Math.floor(p.ts / DAY_MS);
    if (d !== day) { closes.push(dayLast); day = d; }
    dayLast = p.equity;
  }
  closes.push(dayLast);
  const rets: number[] = [];
  for (let i = 1; i < closes.length; i++) rets.push(closes[i]! / closes[i - 1]! - 1);
  const n = rets.length;
  const mean = rets.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? rets.reduce((a, r) => a + (r - mean) ** 2, 0) / (n - 1) : 0;
  const sd = Math.sqrt(variance);
  const downside = Math.sqrt(rets.reduce((a, r) => a + Math.min(r, 0) ** 2, 0) / n);
  const ann = Math.sqrt(365);
  const sharpe = n > 1 && sd > 0 ? (mean / sd) * ann : 0;
  const sortino = n > 1 && downside > 0 ? (mean / downside) * ann : null;

  // Drawdown and the longest time under water.
  let peak = startingEquity;
  let peakTs = first.ts;
  let maxDd = 0;
  let maxDur = 0;
  let under = false;
  for (const p of points) {
    if (p.equity >= peak) {
      if (under) maxDur = Math.max(maxDur, p.ts - peakTs);
      under = false;
      peak = p.equity;
      peakTs = p.ts;
    } else {
      under = true;
      maxDd = Math.max(maxDd, (peak - p.equity) / peak);
    }
  }
  if (under) maxDur = Math.max(maxDur, last.ts - peakTs);

  return {
    totalReturnPct: r6((growth - 1) * 100),
    cagrPct: cagr === null || !Number.isFinite(cagr) ? null : r6(cagr),
    sharpe: r6(sharpe),
    sortino: sortino === null ? null : r6(sortino),
    maxDrawdownPct: r6(maxDd * 100),
    maxDrawdownDurationMs: maxDur,
    spanDays: Math.round((span / DAY_MS) * 100) / 100,
    annualisedMeaningful: span >= MIN_ANNUALISED_DAYS * DAY_MS,
  };
}

interface Lot { qty: Dec; price: Dec; fee: Dec; readonly dir: 1 | -1 }

interface InstrumentAcc {
  readonly account: string;
  readonly instrument: string;
  fills: number;
  buy: Dec; sell: Dec; notional: Dec; fees: Dec; pnl: Dec; slip: Dec;
  roundTrips: number; wins: number;
  readonly lots: Lot[];
}

/**
 * Trade statistics folded one record at a time (so a journal is read once). Feed every record
 * with `add`, then `result`.
 */
export class TradeStatsAccumulator {
  private readonly execIds = new Set<string>();
  private readonly arrival = new Map<string, Dec>();
  private readonly byKey = new Map<string, InstrumentAcc>();
  private grossProfit: Dec = ZERO;
  private grossLoss: Dec = ZERO;

  add(r: JournalRecord): void {
    if (r.type === 'S03.risk') {
      this.arrival.set(r.payload.order.clientOrderId, dec(r.payload.order.referencePrice));
      return;
    }
    if (r.type !== 'S05.provider' || (r.payload.kind !== 'fill' && r.payload.kind !== 'partial_fill')) return;
    const p = r.payload;
    if (this.execIds.has(p.execId)) return;
    this.execIds.add(p.execId);
    const key = r.account + '\u0000' + (r.instrument ?? '');
    let a = this.byKey.get(key);
    if (!a) {
      a = { account: r.account, instrument: r.instrument ?? '', fills: 0, buy: ZERO, sell: ZERO, notional: ZERO, fees: ZERO, pnl: ZERO, slip: ZERO, roundTrips: 0, wins: 0, lots: [] };
      this.byKey.set(key, a);
    }
    const q = dec(p.lastQty);
    const price = dec(p.lastPrice);
    const fee = dec(p.fee);
    const dir: 1 | -1 = p.side === 'buy' ? 1 : -1;
    a.fills++;
    if (dir > 0) a.buy = add(a.buy, q); else a.sell = add(a.sell, q);
    a.notional = add(a.notional, mul(q, price));
    a.fees = add(a.fees, fee);
    const arrival = this.arrival.get(p.clientOrderId);
    if (arrival) {
      const d = mul(sub(price, arrival), q);
      a.slip = add(a.slip, dir > 0 ? d : neg(d));
    }
    this.match(a, q, price, fee, dir);
  }

  /** FIFO: a fill first closes lots of the other direction, the rest opens a lot. */
  private match(a: InstrumentAcc, qty: Dec, price: Dec, fee: Dec, dir: 1 | -1): void {
    let left = qty;
    let feeLeft = fee;
    while (sign(left) > 0 && a.lots.length > 0 && a.lots[0]!.dir !== dir) {
      const lot = a.lots[0]!;
      const m = cmp(lot.qty, left) <= 0 ? lot.qty : left;
      const openFee = cmp(m, lot.qty) === 0 ? lot.fee : div(mul(lot.fee, m), lot.qty, 12);
      const closeFee = cmp(m, left) === 0 ? feeLeft : div(mul(feeLeft, m), left, 12);
      const gross = mul(sub(price, lot.price), m);
      const pnl = sub(sub(lot.dir > 0 ? gross : neg(gross), openFee), closeFee);
      a.pnl = add(a.pnl, pnl);
      a.roundTrips++;
      if (sign(pnl) > 0) { a.wins++; this.grossProfit = add(this.grossProfit, pnl); }
      else if (sign(pnl) < 0) this.grossLoss = sub(this.grossLoss, pnl);
      lot.qty = sub(lot.qty, m);
      lot.fee = sub(lot.fee, openFee);
      left = sub(left, m);
      feeLeft = sub(feeLeft, closeFee);
      if (isZero(lot.qty)) a.lots.shift();
    }
    if (sign(left) > 0) a.lots.push({ qty: left, price, fee: feeLeft, dir });
  }

  /** `averageEquity` in integer money units at 6 decimals (as in equityStatistics), for turnover. */
  result(averageEquity?: number | null): TradeStatistics {
    const rows = [...this.byKey.values()].sort((x, y) => (x.instrument + x.account < y.instrument + y.account ? -1 : 1));
    let trades = 0, roundTrips = 0, wins = 0;
    let notional: Dec = ZERO, fees: Dec = ZERO, slip: Dec = ZERO, pnl: Dec = ZERO;
    for (const a of rows) {
      trades += a.fills; roundTrips += a.roundTrips; wins += a.wins;
      notional = add(notional, a.notional); fees = add(fees, a.fees); slip = add(slip, a.slip); pnl = add(pnl, a.pnl);
    }
    const money = (d: Dec): string => fmt(round(d, MONEY_DP), MONEY_DP);
    const turnover = averageEquity && averageEquity > 0 ? r6(toNumber(notional) / (averageEquity / 1e6)) : null;
    return {
      trades,
      roundTrips,
      winRate: roundTrips > 0 ? r6(wins / roundTrips) : null,
      profitFactor: isZero(this.grossLoss) ? null : r6(toNumber(this.grossProfit) / toNumber(this.grossLoss)),
      turnover,
      notional: money(notional),
      fees: money(fees),
      slippageVsArrival: money(slip),
      realizedPnl: money(pnl),
      perInstrument: rows.map((a) => ({
        account: a.account, instrument: a.instrument, fills: a.fills, buyQty: fmt(a.buy), sellQty: fmt(a.sell),
        notional: money(a.notional), fees: money(a.fees), realizedPnl: money(a.pnl), roundTrips: a.roundTrips,
        winRate: a.roundTrips > 0 ? r6(a.wins / a.roundTrips) : null, slippageVsArrival: money(a.slip),
      })),
    };
  }
}

/** Trade statistics of a journal; see {@link TradeStatsAccumulator}. */
export function tradeStatistics(records: Iterable<JournalRecord>, opts: { averageEquity?: number | null } = {}): TradeStatistics {
  const acc = new TradeStatsAccumulator();
  for (const r of records) acc.add(r);
  return acc.result(opts.averageEquity);
}

/** Mean of the equity points (integer money units), for turnover; null without points. */
export function averageEquity(points: readonly { equity: number }[]): number | null {
  if (points.length === 0) return null;
  return points.reduce((s, p) => s + p.equity, 0) / points.length;
}
