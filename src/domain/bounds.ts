/**
 * The largest values the fixed-point domain can hold for the worst-case products they feed.
 * Every amount is a JavaScript integer, exact below 2^53 (MAX_EXACT); a product that passes it
 * throws `fixed-point overflow` mid-run. Checking the inputs against these bounds up front turns
 * that crash into a config-path or file:line error before anything is decided.
 *
 * The money model (MONEY_SCALE = 6 decimals, so MAX_EXACT is about 9.0 billion currency units):
 * - an account's equity is cash + Σ signed notionals over its instruments, and the venue's buying
 *   power is leverage × equity. With cash and the sum of all notionals each at most
 *   `moneyCeiling(leverage)` = ⌊MAX_EXACT / (2 × leverage)⌋, leverage × equity stays exact;
 *   so cash, one order's notional and the gross exposure limit are bounded by that ceiling, and
 *   each instrument's notional by its share of it (`MoneyDomain.perInstrument`);
 * - a fee is notional × rate with the rate at most 100% (feeOf splits the product, so it is
 *   exact for any notional below the ceiling);
 * - an instrument's notional is price × quantity × 10^(6 − priceScale − sizeScale), at most its
 *   share for the worst-case quantity (`worstQuantity`: a position at its limit, one order at
 *   its limit, and every strategy's full target on it at once — what the planner may ask for
 *   before the risk gate refuses it), which bounds the price (`maxSafePrice`);
 * - event time is epoch milliseconds up to year 9999; a duration added to it stays exact below
 *   MAX_DURATION_MS.
 * Cash that grows past the ceiling through profits is outside the model: the run then still
 * stops with `fixed-point overflow` (INVARIANT), never with a wrong number.
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
 * The config refuses an instrument that could not be priced even at this many currency units
 * with its worst-case quantity (limits absurdly large for the money domain). Real bounds come per
 * market data row: a price above maxSafePrice is refused with its file:line.
 */
export const MIN_SAFE_PRICE_UNITS = 1;

/** The price collar computes |ref − last| × 10,000 (basis points): prices stay below MAX_EXACT / 10,000. */
const BPS = 10_000;

/** What one run's money amounts may reach, in micro-units. */
export interface MoneyDomain {
  /** Largest cash, order notional or gross exposure (sum over all instruments). */
  readonly ceiling: number;
  /** Largest notional of one instrument's position: its share of the ceiling. */
  readonly perInstrument: number;
}

/**
 * The money domain of a run: leverage × (cash + gross exposure) stays exact.
 *
 * @example
 * moneyDomain(2, 4) // { ceiling: 2251799813685247 (about 2.25 billion units), perInstrument: 562949953421311 }
 */
export function moneyDomain(leverage: number, instruments: number): MoneyDomain {
  const ceiling = Math.floor(MAX_EXACT / (2 * Math.max(1, leverage)));
  return { ceiling, perInstrument: Math.floor(ceiling / Math.max(1, instruments)) };
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
 * worst-case quantity stays within the instrument's share of the money domain, and whose
 * price-collar product stays exact.
 * Contract: while every instrument's price p satisfies 0 < p ≤ maxSafePrice(...), positions can
 * be held, ordered, filled, charged a fee and counted in equity, buying power and exposure
 * without a fixed-point overflow, for quantities within `limits`. A market data row above it
 * must be refused (or quarantined) with its file:line. RunConfig has it per instrument
 * (`cfg.limits.get(id).maxSafePrice`).
 *
 * @example
 * const alpha = makeInstrument('FIX-ALPHA', 0, '0.01', '1');
 * maxSafePrice(alpha, { maxPosition: 300, maxOrderQty: 400, strategyQty: 350 }, moneyDomain(2, 4))
 * // 53614281 (536,142.81): a bar at 1000000000.00 is refused
 */
export function maxSafePrice(instrument: Instrument, limits: QuantityLimits, domain: MoneyDomain): number {
  const byNotional = Math.floor(domain.perInstrument / (worstQuantity(limits) * notionalFactor(instrument)));
  const p = Math.min(byNotional, Math.floor(MAX_EXACT / BPS));
  return p - (p % instrument.tick);
}

/**
 * Largest worst-case quantity for which a price of MIN_SAFE_PRICE_UNITS stays exact: what the
 * config allows maxPosition + maxOrderQty + strategy quantities to reach.
 */
export function maxWorstQuantity(instrument: Instrument, domain: MoneyDomain): number {
  return Math.floor(domain.perInstrument / (MIN_SAFE_PRICE_UNITS * pow10(instrument.priceScale) * notionalFactor(instrument)));
}

/**
 * Largest bar volume (at the size scale) for which volume × participation (in millionths)
 * stays exact: the simulated venue's fillable share of a bar.
 */
export function maxSafeVolume(participationMillionths: number): number {
  return Math.floor(MAX_EXACT / Math.max(1, participationMillionths));
}
