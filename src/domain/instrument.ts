import { ReckonError } from './errors.js';
import { decimalsOf, MONEY_SCALE, parseFixed, formatFixed, pow10, mulExact, divRound } from './fixed-point.js';
import type { Instrument } from './types.js';

/**
 * Builds an instrument from its increments. The product of both scales must fit the money scale
 * so notional = price * qty is exact in money units.
 *
 * @example
 * const i = makeInstrument('FIX-A', 0, '0.01', '1'); // priceScale 2, tick 1, lot 1
 */
export function makeInstrument(id: string, index: number, priceIncrement: string, sizeIncrement: string): Instrument {
  const priceScale = decimalsOf(priceIncrement);
  const sizeScale = decimalsOf(sizeIncrement);
  if (priceScale + sizeScale > MONEY_SCALE) {
    throw new ReckonError('CONFIG_INVALID', `instrument ${id}: price and size increments together need more than ${MONEY_SCALE} decimals`);
  }
  const tick = parseFixed(priceIncrement, priceScale, `instrument ${id} priceIncrement`);
  const lot = parseFixed(sizeIncrement, sizeScale, `instrument ${id} sizeIncrement`);
  if (tick <= 0 || lot <= 0) throw new ReckonError('CONFIG_INVALID', `instrument ${id}: increments must be positive`);
  return { id, index, priceIncrement, sizeIncrement, priceScale, sizeScale, tick, lot };
}

export const fmtQty = (i: Instrument, q: number): string => formatFixed(q, i.sizeScale);
export const fmtPrice = (i: Instrument, p: number): string => formatFixed(p, i.priceScale);
export const parseQty = (i: Instrument, s: string, what = 'quantity'): number => parseFixed(s, i.sizeScale, what);
export const parsePrice = (i: Instrument, s: string, what = 'price'): number => parseFixed(s, i.priceScale, what);

/** price * qty in money units (scale MONEY_SCALE), exact. */
export function notional(i: Instrument, price: number, qty: number): number {
  return mulExact(mulExact(price, qty), pow10(MONEY_SCALE - i.priceScale - i.sizeScale));
}

/**
 * Fee on a notional in money units. The rate is in hundredths of a basis point (so "0.5" bps is 50),
 * rounded half away from zero to a money unit. The product is split at 10^6 (n = q·10^6 + r), so
 * for rates up to 100% it is exact for every notional that is (the fee never exceeds it).
 */
export function feeOf(notionalMoney: number, rateCentiBps: number): number {
  const n = Math.abs(notionalMoney);
  const r = n % 1_000_000;
  const fee = mulExact((n - r) / 1_000_000, rateCentiBps) + divRound(mulExact(r, rateCentiBps), 1_000_000);
  if (!Number.isSafeInteger(fee)) throw new ReckonError('INVARIANT', `fixed-point overflow: fee of ${n} at ${rateCentiBps}`);
  return fee;
}

export const fmtMoney = (m: number): string => formatFixed(m, MONEY_SCALE);
