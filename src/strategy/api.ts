/**
 * The strategy module API: what a user's `strategies/*.mjs` or `.ts` file default-exports, and
 * what it receives. Published from the package (`import type { Strategy } from 'reckon'`).
 * Bars arrive in real units (a price of 1.1991 is 1.1991, not 11991); targets go back as signed
 * decimal strings at the instrument's size increment ("+10", "-0.250"), so a float never becomes
 * a position. See docs/strategies.md.
 *
 * @example
 * import type { Strategy } from 'reckon';
 * const breakout: Strategy<{ lookback: number; size: string }> = {
 *   name: 'breakout',
 *   params: { lookback: 20, size: '1' },
 *   create(ctx) {
 *     const highs: number[] = [];
 *     return {
 *       onBar(bar) {
 *         highs.push(bar.high);
 *         if (highs.length <= ctx.params.lookback) return null;
 *         highs.shift();
 *         return bar.close > Math.max(...highs.slice(0, -1)) ? { target: '+' + ctx.params.size } : null;
 *       },
 *     };
 *   },
 * };
 * export default breakout;
 */
import type * as TradingSignals from 'trading-signals';

/** A JSON value: what `params` may hold (they come from a JSON config). */
export type ParamValue = string | number | boolean | null | readonly ParamValue[] | { readonly [key: string]: ParamValue };
export type Params = { readonly [key: string]: ParamValue };

/** One instrument a strategy trades, with its increments and the risk gate's position limit. */
export interface StrategyInstrument {
  readonly id: string;
  /** Price increment as configured, e.g. "0.01". */
  readonly priceIncrement: string;
  /** Size increment as configured, e.g. "0.001": every target must be a multiple of it. */
  readonly sizeIncrement: string;
  /** Largest absolute position (B02 maxPosition), e.g. "300": a larger target is refused. */
  readonly maxPosition: string;
  /** Decimals of prices and of quantities (2 for "0.01"). */
  readonly priceDecimals: number;
  readonly sizeDecimals: number;
}

/** One OHLCV bar in real units. A new object per call: it may be kept. */
export interface StrategyBar {
  /** Bar time, epoch milliseconds UTC. */
  readonly ts: number;
  readonly instrument: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** 1-based line of the bar in the input file (what flags and the trace point at). */
  readonly line: number;
}

/** Read-only view of a position, in real units. */
export interface PositionView {
  /** The account's desired position (B01: the netted targets of every strategy on the pair). */
  readonly desired: number;
  /** The position the provider confirmed at its last report. */
  readonly confirmed: number;
}

/** A signed decimal string at the instrument's size increment: "+10", "-0.250", "0". */
export type Target = string;

/** What `onBar` returns when it wants a new target; `null` (or nothing) leaves the target as it is. */
export interface StrategyOutput {
  /** One target (a single-instrument strategy) or one per instrument id (several instruments). */
  readonly target: Target | { readonly [instrumentId: string]: Target };
  /** The values that caused it (indicator outputs, thresholds): journaled in the S01 intent, shown in the trace. */
  readonly signal?: { readonly [key: string]: number | string };
}

export interface StrategyContext<P extends object = Params> {
  /** The strategy id from the config (what flags and intents name). */
  readonly id: string;
  readonly account: string;
  /** The first (for most strategies the only) instrument. */
  readonly instrument: StrategyInstrument;
  readonly instruments: readonly StrategyInstrument[];
  /** The module's `params` defaults with the config's `params` over them. */
  readonly params: Readonly<P>;
  /** Desired and confirmed position of `instrumentId` (default: the first instrument), as of the current bar. */
  position(instrumentId?: string): PositionView;
  /**
   * A quantity in real units as a target string: rounded toward zero to the size increment and
   * capped at maxPosition, signed. `ctx.target(1.23456)` -> "+1.234" at a 0.001 increment.
   */
  target(quantity: number, instrumentId?: string): Target;
  /** The `trading-signals` indicators (EMA, SMA, RSI, BollingerBands, ATR, ...). */
  readonly indicators: typeof TradingSignals;
}

export interface StrategyInstance {
  onBar(bar: StrategyBar): StrategyOutput | null | undefined;
}

/** The default export of a strategy module. */
export interface Strategy<P extends object = Params> {
  readonly name: string;
  /** Parameter defaults; config `params` may only override these keys, with values of the same type. */
  readonly params?: P;
  create(ctx: StrategyContext<P>): StrategyInstance;
}
