/**
 * Display helpers for exact decimal strings. Values are reformatted as text (BigInt where rounding
 * is needed); a quantity never passes through a float on its way to the screen.
 */
const RE = /^([+-]?)(\d*)(?:\.(\d*))?$/;

function parts(text: string): { neg: boolean; int: string; frac: string } | null {
  const m = RE.exec(text.trim());
  if (!m) return null;
  return { neg: m[1] === '-', int: (m[2] || '0').replace(/^0+(?=\d)/, ''), frac: m[3] ?? '' };
}

function isZeroParts(p: { int: string; frac: string }): boolean {
  return /^0*$/.test(p.int) && /^0*$/.test(p.frac);
}

/** True when the decimal string is zero ("0", "-0.00", "+0"). */
export function isZeroDec(text: string): boolean {
  const p = parts(text);
  return p ? isZeroParts(p) : false;
}

/** -1, 0 or 1. */
export function signOfDec(text: string): -1 | 0 | 1 {
  const p = parts(text);
  if (!p || isZeroParts(p)) return 0;
  return p.neg ? -1 : 1;
}

function group(int: string): string {
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Rounds half away from zero to `dp` decimals, as text. */
export function roundDec(text: string, dp: number): string {
  const p = parts(text);
  if (!p) return text;
  const frac = p.frac.padEnd(dp + 1, '0');
  let units = BigInt(p.int + frac.slice(0, dp));
  if (Number(frac[dp]) >= 5) units += 1n;
  let digits = units.toString().padStart(dp + 1, '0');
  if (dp > 0) digits = digits.slice(0, -dp) + '.' + digits.slice(-dp);
  const zero = units === 0n;
  return (p.neg && !zero ? '-' : '') + digits;
}

/** Signed quantity: "2" → "+2", "-1.50" → "-1.5", "0" → "0". Trailing zeros trimmed. */
export function signedQty(text: string | null | undefined): string {
  if (text === null || text === undefined || text === '') return '—';
  const p = parts(text);
  if (!p) return text;
  if (isZeroParts(p)) return '0';
  const frac = p.frac.replace(/0+$/, '');
  return (p.neg ? '-' : '+') + group(p.int) + (frac ? '.' + frac : '');
}

/** Plain quantity with grouping and trimmed zeros. */
export function qty(text: string | null | undefined): string {
  if (text === null || text === undefined || text === '') return '—';
  const s = signedQty(text);
  return s.startsWith('+') ? s.slice(1) : s;
}

/** Money with `dp` decimals (default 2) and grouping, exact rounding. */
export function money(text: string | null | undefined, dp = 2): string {
  if (text === null || text === undefined || text === '') return '—';
  const r = roundDec(text, dp);
  const neg = r.startsWith('-');
  const [int, frac] = (neg ? r.slice(1) : r).split('.');
  return (neg ? '−' : '') + group(int ?? '0') + (frac ? '.' + frac : '');
}
