/**
 * Exact fixed-point numbers. A quantity or price is a JavaScript integer counting units of
 * 10^-scale (e.g. "101.25" at scale 2 is 10125). Integers below 2^53 are exact in a double, so
 * sums and differences of positions never pick up float error; every operation checks that the
 * result stays a safe integer.
 *
 * @example
 * parseFixed('101.25', 2) // 10125
 * formatFixed(10125, 2)   // '101.25'
 */
import { ReckonError } from './errors.js';

export const MONEY_SCALE = 6;

const POW10: readonly number[] = Array.from({ length: 16 }, (_, i) => 10 ** i);

export function pow10(n: number): number {
  const p = POW10[n];
  if (p === undefined) throw new ReckonError('INVARIANT', `scale ${n} out of range 0..15`);
  return p;
}

/** Number of decimals in a decimal string ("0.05" -> 2, "1" -> 0, "1.50" -> 2). */
export function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

const DECIMAL_RE = /^[+-]?(\d+)(\.(\d+))?$/;

/**
 * Parses a decimal string to an integer at `scale`. Returns `undefined` when the text is not a
 * plain decimal or has non-zero digits beyond the scale (the value is not representable).
 */
export function tryParseFixed(text: string, scale: number): number | undefined {
  const m = DECIMAL_RE.exec(text);
  if (!m) return undefined;
  const intPart = m[1]!;
  let frac = m[3] ?? '';
  if (frac.length > scale) {
    if (!/^0*$/.test(frac.slice(scale))) return undefined;
    frac = frac.slice(0, scale);
  }
  frac = frac.padEnd(scale, '0');
  const value = Number(intPart + frac);
  if (!Number.isSafeInteger(value)) return undefined;
  return text.startsWith('-') ? -value : value;
}

/** Like {@link tryParseFixed} but throws a BAD_INPUT error naming `what`. */
export function parseFixed(text: string, scale: number, what = 'value'): number {
  const v = tryParseFixed(text, scale);
  if (v === undefined) {
    throw new ReckonError('BAD_INPUT', `${what}: "${text}" is not a decimal with at most ${scale} decimals`);
  }
  return v;
}

/** Formats an integer at `scale` as an exact decimal string without trailing-zero trimming. */
export function formatFixed(value: number, scale: number): string {
  if (!Number.isSafeInteger(value)) throw new ReckonError('INVARIANT', `not a safe integer: ${value}`);
  if (scale === 0) return String(value);
  const neg = value < 0;
  const digits = String(neg ? -value : value).padStart(scale + 1, '0');
  const cut = digits.length - scale;
  return (neg ? '-' : '') + digits.slice(0, cut) + '.' + digits.slice(cut);
}

/** Signed decimal string: "+2", "-1.5", "0". Used where a quantity is a direction as well. */
export function formatSigned(value: number, scale: number): string {
  const s = formatFixed(value, scale);
  return value > 0 ? '+' + s : s;
}

/** a * b, checked to stay exact. */
export function mulExact(a: number, b: number): number {
  const r = a * b;
  if (!Number.isSafeInteger(r)) throw new ReckonError('INVARIANT', `fixed-point overflow: ${a} * ${b}`);
  return r;
}

/** Integer division rounding half away from zero, exact for safe integers. */
export function divRound(a: number, b: number): number {
  if (b <= 0 || !Number.isSafeInteger(b)) throw new ReckonError('INVARIANT', `bad divisor ${b}`);
  const r = a % b;
  const q = (a - r) / b;
  if (2 * Math.abs(r) >= b) return a < 0 ? q - 1 : q + 1;
  return q;
}

/** Rescales an integer from one scale to a larger one (exact) or smaller one (rounded). */
export function rescale(value: number, from: number, to: number): number {
  if (to >= from) return mulExact(value, pow10(to - from));
  return divRound(value, pow10(from - to));
}
