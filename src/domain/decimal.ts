/**
 * Exact decimal arithmetic on the journal's decimal strings ("+2", "-1.5", "101.25") through
 * BigInt at a common scale. Used for state folding, P&L and money sums: no value ever passes
 * through a float.
 */

/** A decimal as an integer `units` counting 10^-scale. */
export interface Dec {
  readonly units: bigint;
  readonly scale: number;
}

const RE = /^([+-]?)(\d*)(?:\.(\d*))?$/;

export const ZERO: Dec = { units: 0n, scale: 0 };

/** Parses a decimal string; throws on anything else. */
export function dec(text: string): Dec {
  const m = RE.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new Error(`not a decimal: "${text}"`);
  const frac = m[3] ?? '';
  const units = BigInt((m[2] || '0') + frac);
  return { units: m[1] === '-' ? -units : units, scale: frac.length };
}

function up(a: Dec, scale: number): bigint {
  return a.units * 10n ** BigInt(scale - a.scale);
}

export function add(a: Dec, b: Dec): Dec {
  const s = Math.max(a.scale, b.scale);
  return { units: up(a, s) + up(b, s), scale: s };
}

export function sub(a: Dec, b: Dec): Dec {
  const s = Math.max(a.scale, b.scale);
  return { units: up(a, s) - up(b, s), scale: s };
}

export function mul(a: Dec, b: Dec): Dec {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

export function neg(a: Dec): Dec {
  return { units: -a.units, scale: a.scale };
}

export function sign(a: Dec): -1 | 0 | 1 {
  return a.units > 0n ? 1 : a.units < 0n ? -1 : 0;
}

export function isZero(a: Dec): boolean {
  return a.units === 0n;
}

export function cmp(a: Dec, b: Dec): -1 | 0 | 1 {
  return sign(sub(a, b));
}

export function min(a: Dec, b: Dec): Dec {
  return cmp(a, b) <= 0 ? a : b;
}

/** Rounds half away from zero to `scale` decimals (exact when scale >= a.scale). */
export function round(a: Dec, scale: number): Dec {
  if (scale >= a.scale) return { units: up(a, scale), scale };
  const d = 10n ** BigInt(a.scale - scale);
  const abs = a.units < 0n ? -a.units : a.units;
  let q = abs / d;
  if ((abs % d) * 2n >= d) q += 1n;
  return { units: a.units < 0n ? -q : q, scale };
}

/** a / b rounded half away from zero to `scale` decimals; throws on division by zero. */
export function div(a: Dec, b: Dec, scale: number): Dec {
  if (b.units === 0n) throw new Error('division by zero');
  // a/b = (a.units / 10^as) / (b.units / 10^bs); scaled by 10^scale.
  const num = a.units * 10n ** BigInt(scale + b.scale + 1);
  const den = b.units * 10n ** BigInt(a.scale);
  return round({ units: num / den, scale: scale + 1 }, scale);
}

/** Plain decimal text; trailing zeros trimmed unless `fixed` decimals are asked for. */
export function fmt(a: Dec, fixed?: number): string {
  const v = fixed === undefined ? a : round(a, fixed);
  const negative = v.units < 0n;
  let digits = (negative ? -v.units : v.units).toString();
  if (v.scale > 0) {
    digits = digits.padStart(v.scale + 1, '0');
    let int = digits.slice(0, digits.length - v.scale);
    let frac = digits.slice(digits.length - v.scale);
    if (fixed === undefined) frac = frac.replace(/0+$/, '');
    int = int || '0';
    digits = frac ? `${int}.${frac}` : int;
  }
  return (negative && /[1-9]/.test(digits) ? '-' : '') + digits;
}

/** Signed text: "+2", "-1.5", "0". */
export function fmtSigned(a: Dec, fixed?: number): string {
  const s = fmt(a, fixed);
  return sign(a) > 0 && /[1-9]/.test(s) ? '+' + s : s;
}

/** Approximate float for ratios and chart coordinates only (never for stored values). */
export function toNumber(a: Dec): number {
  return Number(a.units) / 10 ** a.scale;
}
