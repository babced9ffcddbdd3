/**
 * The config `reckon init` writes, from a scan of the data (marketdata/scan.ts). The sizing rule,
 * stated in docs/data.md for users:
 * - one account with 1,000,000 of cash; each of the N instruments gets a budget of cash / N;
 * - maxPosition = the smaller of budget / median close and the median bar volume (so at the
 *   simulated venue's 10% participation a full position fills in about ten typical bars), rounded
 *   down to two significant digits and to the size increment (at least two increments);
 *   maxOrderQty = maxPosition (a flip of the example strategy, from −maxPosition/2 to
 *   +maxPosition/2, is one order);
 * - maxOrderNotional = the largest maxOrderQty × highest price seen × 1.1 over the instruments;
 *   maxGrossExposure = Σ maxPosition × highest price × 1.1 (10% headroom over the data's range);
 * - order rate: 30 orders per instrument per 60 bars; a residual may age 4 bars (at least 4 h);
 * - market orders good till cancelled (a market order waits for the next bar, however far away).
 * Limits shrink (halving the positions) until the highest price fits the run's exact arithmetic
 * (marketdata/row-bounds.ts).
 */
import { ReckonError } from '../domain/errors.js';
import { decimalsOf, MONEY_SCALE, parseFixed, formatFixed } from '../domain/fixed-point.js';
import type { ConfigInput } from '../config/schema.js';
import type { Delimiter, Field } from '../marketdata/layout.js';
import { FIELDS } from '../marketdata/layout.js';
import { rowBoundsFor } from '../marketdata/row-bounds.js';
import type { InstrumentScan, ScanResult } from '../marketdata/scan.js';
import type { MarketDataSource } from '../marketdata/source.js';
import type { TimestampUnit } from '../marketdata/timestamp-reader.js';
import { makeInstrument } from '../domain/instrument.js';

export const STARTING_CASH = 1_000_000;
export const ACCOUNT_ID = 'account-1';
/** Where the example module goes, relative to the config file. */
export const EXAMPLE_MODULE = './strategies/example.mjs';
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const FAST = 10;
const SLOW = 40;

/** One instrument's config values, as the printed table shows them. */
export interface InstrumentPlan {
  readonly scan: InstrumentScan;
  readonly maxPosition: string;
  readonly strategySize: string;
}

export interface InitPlan {
  readonly config: ConfigInput;
  readonly instruments: readonly InstrumentPlan[];
}

/**
 * Builds the config for the scanned data; throws BAD_INPUT (exit 2) when the data cannot be
 * configured (no bars, ids the config cannot hold, increments beyond the exact money scale).
 *
 * @example
 * const plan = planConfig(source, scan);
 * plan.config.instruments[0] // { id: 'BTC-USD', priceIncrement: '0.1', sizeIncrement: '0.00001', maxPosition: '33', ... }
 */
export function planConfig(source: MarketDataSource, scan: ScanResult): InitPlan {
  const found = scan.instruments.filter((i) => i.bars > 0);
  if (found.length === 0) {
    const why = scan.unreadable > 0 ? `; ${scan.unreadable} unreadable row(s), the first at ${scan.firstUnreadable}` : '';
    throw new ReckonError('BAD_INPUT', `${source.path}: no bars to configure from${why}`);
  }
  for (const i of found) checkUsable(i);
  const n = found.length;
  const budget = STARTING_CASH / n;
  let halvings = 0;
  for (;;) {
    const instruments = found.map((scan) => sizeInstrument(scan, budget / 2 ** halvings));
    const config = buildConfig(source, scan, instruments);
    if (fitsBounds(config, instruments)) return { config, instruments };
    if (++halvings > 40) throw new ReckonError('BAD_INPUT', `${source.path}: prices up to ${found.map((i) => i.maxHigh).join(', ')} are too high for exact money arithmetic at any position size`);
  }
}

function checkUsable(i: InstrumentScan): void {
  if (!ID_RE.test(i.id)) {
    throw new ReckonError('BAD_INPUT', `${i.firstSeen}: instrument "${i.id}" cannot be an instrument id (1-64 letters, digits and . _ : -, starting with a letter or digit); rename it in the data`);
  }
  if (!Number.isFinite(i.priceDecimals) || !Number.isFinite(i.sizeDecimals)) {
    throw new ReckonError('BAD_INPUT', `${i.firstSeen}: instrument ${i.id} has values with more than 15 decimals or beyond 2^53 at their scale; they cannot be exact`);
  }
  if (i.priceDecimals + i.sizeDecimals > MONEY_SCALE) {
    throw new ReckonError('BAD_INPUT', `${i.firstSeen}: instrument ${i.id} needs price increment ${i.priceIncrement} and size increment ${i.sizeIncrement}, ` +
      `${i.priceDecimals + i.sizeDecimals} decimals together; exact money arithmetic holds ${MONEY_SCALE} (round the prices or sizes in the data)`);
  }
  if (i.medianClose <= 0 && i.maxHigh <= 0) throw new ReckonError('BAD_INPUT', `${i.firstSeen}: instrument ${i.id} has no positive prices`);
}

/** maxPosition and the example's size for one instrument within a cash budget. */
function sizeInstrument(scan: InstrumentScan, budget: number): InstrumentPlan {
  const ref = scan.medianClose > 0 ? scan.medianClose : scan.maxHigh;
  const scale = decimalsOf(scan.sizeIncrement);
  const lot = parseFixed(scan.sizeIncrement, scale);
  const byCash = budget / ref;
  const qty = twoSignificant(scan.medianVolume > 0 ? Math.min(byCash, scan.medianVolume) : byCash);
  let lots = Math.floor(Math.round(qty * 10 ** scale * 1e6) / 1e6 / lot);
  lots = Math.max(2, lots - (lots % 2));
  return { scan, maxPosition: plain(formatFixed(lots * lot, scale)), strategySize: plain(formatFixed((lots / 2) * lot, scale)) };
}

/** A decimal without trailing fraction zeros ("16.00000" -> "16"). */
function plain(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

function twoSignificant(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 0;
  const p = 10 ** (Math.floor(Math.log10(x)) - 1);
  return Math.floor(x / p) * p;
}

function buildConfig(source: MarketDataSource, scan: ScanResult, plans: readonly InstrumentPlan[]): ConfigInput {
  const notional = (p: InstrumentPlan): number => Number(p.maxPosition) * p.scan.maxHigh * 1.1;
  const maxOrderNotional = Math.ceil(Math.max(...plans.map(notional)));
  const grossExposure = Math.ceil(plans.reduce((s, p) => s + notional(p), 0));
  const intervals = plans.map((p) => p.scan.intervalMs).filter((i) => i > 0);
  const interval = intervals.length > 0 ? Math.min(...intervals) : 60_000;
  const longest = intervals.length > 0 ? Math.max(...intervals) : 60_000;
  const usedIds = new Set<string>();
  const strategies = plans.map((p) => {
    let id = `example-${p.scan.id}`.slice(0, 64);
    for (let k = 2; usedIds.has(id); k++) id = `example${k}-${p.scan.id}`.slice(0, 64);
    usedIds.add(id);
    return strategyEntry(id, p);
  });
  return {
    seed: 1,
    accounts: [{ id: ACCOUNT_ID, startingCash: String(STARTING_CASH) }],
    instruments: plans.map((p) => ({
      id: p.scan.id, priceIncrement: p.scan.priceIncrement, sizeIncrement: p.scan.sizeIncrement,
      maxPosition: p.maxPosition, maxOrderQty: p.maxPosition,
    })),
    strategies,
    risk: {
      maxOrderNotional: String(maxOrderNotional), maxGrossExposure: String(grossExposure),
      orderRate: { maxOrders: 30 * plans.length, windowMs: Math.max(60_000, 60 * interval) },
      priceCollarBps: 500, killSwitch: false,
    },
    execution: { orderType: 'market', timeInForce: 'GTC', limitOffsetTicks: 0 },
    provider: { kind: 'sim', latencyMs: 250, slippageBps: 1, participation: '0.1', feeBps: '0.5', leverage: 2 },
    reconciliation: { intervalMs: 3_600_000, residualMaxAgeMs: Math.max(14_400_000, 4 * longest), onDrift: 'reducing' },
    data: dataSection(source, scan),
    journal: { durability: 'normal', batchSize: 1024 },
  };
}

/** A strategy entry running the example module on one instrument. */
function strategyEntry(id: string, p: InstrumentPlan): NonNullable<ConfigInput['strategies']>[number] {
  return { id, module: EXAMPLE_MODULE, account: ACCOUNT_ID, instrument: p.scan.id, params: { fast: FAST, slow: SLOW, quantity: p.strategySize } } as NonNullable<ConfigInput['strategies']>[number];
}

/** The layout `run` must use to read the data as init did: written when every file agrees. */
function dataSection(source: MarketDataSource, scan: ScanResult): ConfigInput['data'] {
  const delimiters = new Set(source.files.map((f) => f.layout.delimiter));
  const forms = new Set(scan.timestamps.filter((t): t is TimestampUnit => t !== undefined));
  const headers = new Set(source.files.map((f) => JSON.stringify(columnNames(f.layout.header, f.layout.column))));
  const out: { delimiter?: Delimiter; timestamp?: TimestampUnit; columns?: Partial<Record<Field, string>> } = {};
  if (headers.size === 1) out.columns = columnNames(source.files[0]!.layout.header, source.files[0]!.layout.column);
  if (delimiters.size === 1) out.delimiter = [...delimiters][0]!;
  if (forms.size === 1 && scan.timestamps.every((t) => t !== undefined)) out.timestamp = [...forms][0]!;
  return out;
}

function columnNames(header: readonly string[], column: readonly number[]): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  FIELDS.forEach((f, i) => {
    const c = column[i]!;
    if (c >= 0) out[f] = header[c]!.trim().replace(/^"(.*)"$/, '$1').trim();
  });
  return out;
}

/** The largest price seen must be within the run's bounds for every instrument. */
function fitsBounds(config: ConfigInput, plans: readonly InstrumentPlan[]): boolean {
  const instruments = plans.map((p, i) => makeInstrument(p.scan.id, i, p.scan.priceIncrement, p.scan.sizeIncrement));
  const limits = new Map(plans.map((p, i) => {
    const q = parseFixed(p.maxPosition, instruments[i]!.sizeScale);
    return [p.scan.id, { maxPosition: q, maxOrderQty: q }] as const;
  }));
  const bounds = rowBoundsFor({ instruments, limits, feeCentiBps: 50, leverage: config.provider?.leverage ?? 2, slippageBps: 1, participationNum: 100_000 });
  return plans.every((p, i) => p.scan.maxHigh * 10 ** instruments[i]!.priceScale <= bounds.maxPrice.get(p.scan.id)!);
}

/** The example strategy module `reckon init` writes (the strategy module API: docs/strategies.md). */
export function exampleModule(): string {
  return `/**
 * An example strategy written by \`reckon init\`: a moving-average crossover, one instance per
 * instrument (see the "strategies" entries of the config next to this folder).
 *
 * The strategy module API: the default export is { name, params?, create(ctx) }. create() is called
 * once per strategy entry with ctx.instrument (id, priceIncrement, sizeIncrement, maxPosition, ...),
 * ctx.params (these defaults with the config's "params" over them) and ctx.indicators (the
 * trading-signals indicators). It returns { onBar(bar) }: bar has ts (epoch ms), instrument,
 * open/high/low/close/volume as plain numbers in real units and line (the CSV line). onBar returns
 * null to keep the current target, or { target, signal }: target is a signed decimal string at the
 * instrument's size increment ("+10", "-0.005", "0"), signal the values that caused it (journaled
 * with the intent and shown in the trace).
 *
 * Rule: long \`quantity\` while the fast EMA of closes is above the slow EMA, short while below.
 * Edit it, then run the command \`reckon init\` printed again.
 */
export default {
  name: 'example-ma-crossover',
  params: { fast: ${FAST}, slow: ${SLOW}, quantity: '1' },
  create(ctx) {
    const { fast: fastPeriod, slow: slowPeriod, quantity } = ctx.params;
    const fast = new ctx.indicators.EMA(fastPeriod);
    const slow = new ctx.indicators.EMA(slowPeriod);
    // Indicator values in the journal and trace, rounded to the price's decimals + 4.
    const scale = 10 ** (ctx.instrument.priceDecimals + 4);
    const round = (x) => Math.round(x * scale) / scale;
    let bars = 0;
    let direction = 0;
    return {
      onBar(bar) {
        const f = fast.update(bar.close, false);
        const s = slow.update(bar.close, false);
        if (++bars < slowPeriod) return null;
        const want = f > s ? 1 : f < s ? -1 : direction;
        if (want === direction) return null;
        direction = want;
        return { target: (want > 0 ? '+' : '-') + quantity, signal: { fast: round(f), slow: round(s) } };
      },
    };
  },
};
`;
}
