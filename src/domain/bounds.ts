/**
 * The largest values the fixed-point domain can hold for the worst-case products they feed.
 * Every amount is a JavaScript integer, exact below 2^53 (MAX_EXACT); a product that passes it
 * throws `fixed-point overflow` mid-run. Checking the inputs against these bounds up front turns
 * that crash into a config-path or file:line error before anything is decided.
 *
 * The money model (MONEY_SCALE = 6 decimals, so MAX_EXACT is about 9.0 billion currency units):
 * - an account's equity is cash + Σ signed notionals over its instruments, and the venue's buying
 *   power is leverage × equity; so with every single amount (cash, one notional, one order's
 *   notional) at most `moneyCeiling(leverage, instruments)` = ⌊MAX_EXACT / (leverage × (instruments + 1))⌋,
 *   leverage × equity stays exact;
 * - a fee is notional × rate with the rate at most 100% (feeOf splits the product, so it is
 *   exact for any notional below the ceiling);
 * - an instrument's notional is price × quantity × 10^(6 − priceScale − sizeScale), at most the
 *   ceiling for the worst-case quantity (`worstQuantity`: a position at its limit, one order at
 *   its limit, and every strategy's full target on it at once — what the planner may ask for
 *   before the risk gate refuses it), which bounds the price (`maxSafePrice`);
 * - event time is epoch milliseconds up to year 9999; a duration added to it stays exact below
 *   MAX_DURATION_MS.
 */
import { MONEY_SCALE, pow10 } from './fixed-point.js';
import type { Instrument } from './types.js';

export const MAX_EXACT = Number.MAX_SAFE_INTEGER;

/** Fee rates in hundredths of a basis point: 100% of the notional. */
export const MAX_FEE_CENTI_BPS = 1_000_000;

/** Latest event time accepted anywhere: 9999-12-31T23:59:59.999Z in epoch ms. */
export const MAX_EVENT_TS_MS = 253_402_300_799_999;

/** Longest configured duration (10 years): far below MAX_EXACT − MAX_EVENT_TS_MS, and catches ns given as ms. */
export const MAX_DURATION_MS = 10 * 365 * 86_400_000;

/**
 * The config refuses an instrument that could not be priced up to this many currency units with
 * its worst-case quantity: the limits are then too large for the money domain (a plausible price
 * would overflow). Prices between this and maxSafePrice are refused per market data row.
 */
export const MIN_SAFE_PRICE_UNITS = 1000;

/** The price collar computes |ref − last| × 10,000 (basis points): prices stay below MAX_EXACT / 10,000. */
const BPS = 10_000;

/**
 * Largest single money amount (micro-units) a run may produce: cash, one notional, one order's
 * notional, a limit. leverage × (cash + one notional per instrument) then stays exact.
 *
 * @example
 * moneyCeiling(2, 4) // 900719925474099 (about 900 million currency units)
 */
export function moneyCeiling(leverage: number, instruments: number): number {
  return Math.floor(MAX_EXACT / (Math.max(1, leverage) * (Math.max(1, instruments) + 1)));
}

/** Quantity limits of one instrument, integers at its size scale. */
export interface QuantityLimits {
  readonly maxPosition: number;
  readonly maxOrderQty: number;
  /** Sum of the quantities of the strategies trading it (their full targets at once). */
  readonly strategyQty?: number;
}

/** The largest |quantity| a notional is computed for: position limit + one order + every strategy's target. */
export function worstQuantity(limits: QuantityLimits): number {
  return Math.max(1, limits.maxPosition + limits.maxOrderQty + (limits.strategyQty ?? 0));
}

/** 10^(MONEY_SCALE − priceScale − sizeScale): notional = price × qty × this. */
const notionalFactor = (i: Instrument): number => pow10(MONEY_SCALE - i.priceScale - i.sizeScale);

/**
 * Largest price (an integer at the instrument's price scale, on its tick) whose notional for the
 * worst-case quantity stays within the money ceiling, and whose price-collar product stays exact.
 * Contract: any price p with 0 < p ≤ maxSafePrice(...) can be held, ordered, filled, charged a
 * fee and counted in equity and exposure without a fixed-point overflow, for quantities within
 * `limits`. A market data row above it must be refused (or quarantined) with its file:line.
 *
 * @example
 * const alpha = makeInstrument('FIX-ALPHA', 0, '0.01', '1');
 * maxSafePrice(alpha, { maxPosition: 300, maxOrderQty: 400, strategyQty: 350 }, moneyCeiling(2, 4))
 * // 85782850 (857,828.50): a bar at 1000000000.00 is refused
 */
export function maxSafePrice(instrument: Instrument, limits: QuantityLimits, ceiling: number): number {
  const byNotional = Math.floor(ceiling / (worstQuantity(limits) * notionalFactor(instrument)));
  const p = Math.min(byNotional, Math.floor(MAX_EXACT / BPS));
  return p - (p % instrument.tick);
}

/**
 * Largest worst-case quantity for which prices up to MIN_SAFE_PRICE_UNITS stay exact: what the
 * config allows maxPosition + maxOrderQty + strategy quantities to reach.
 */
export function maxWorstQuantity(instrument: Instrument, ceiling: number): number {
  return Math.floor(ceiling / (MIN_SAFE_PRICE_UNITS * pow10(instrument.priceScale) * notionalFactor(instrument)));
}

/**
 * Largest bar volume (at the size scale) for which volume × participation (in millionths)
 * stays exact: the simulated venue's fillable share of a bar.
 */
export function maxSafeVolume(participationMillionths: number): number {
  return Math.floor(MAX_EXACT / Math.max(1, participationMillionths));
}
