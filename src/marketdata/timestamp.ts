/**
 * UTC calendar arithmetic without `Date`: the CSV reader parses ISO-8601 timestamps on its hot
 * path and the sample generator must format them identically on every engine.
 * Algorithms after Howard Hinnant, "chrono-compatible low-level date algorithms".
 */

export const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). Valid for years >= 0. */
export function daysFromCivil(y: number, m: number, d: number): number {
  if (m <= 2) y -= 1;
  const era = (y / 400) | 0;
  const yoe = y - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = (((153 * mp + 2) / 5) | 0) + d - 1;
  const doe = yoe * 365 + ((yoe / 4) | 0) - ((yoe / 100) | 0) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Days since 1970-01-01 of a date, remembering the last one asked: bars come in runs of the same
 * day, so the hot paths mostly skip the calendar arithmetic.
 *
 * @example
 * const cache = new DayCache();
 * cache.of(2026, 1, 5) // 20458
 */
export class DayCache {
  private y = -1;
  private m = -1;
  private d = -1;
  private days = 0;

  of(y: number, m: number, d: number): number {
    if (d === this.d && m === this.m && y === this.y) return this.days;
    this.y = y;
    this.m = m;
    this.d = d;
    return (this.days = daysFromCivil(y, m, d));
  }
}

export function isLeapYear(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Number of days of month `m` (1..12) in year `y`. */
export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : (DAYS_IN_MONTH[m] ?? 0);
}

/** First accepted timestamp (1970-01-01T00:00:00Z) and last (2200-12-31T23:59:59.999Z), epoch ms. */
export const MIN_TS = 0;
export const MAX_TS = daysFromCivil(2201, 1, 1) * MS_PER_DAY - 1;

const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));

/**
 * Formats epoch ms as ISO-8601 UTC, `YYYY-MM-DDTHH:MM:SSZ`, with `.sss` only when the
 * milliseconds are not zero — the format the sample data uses. Years 0..9999.
 *
 * @example
 * formatIsoUtc(1767571200000) // '2026-01-05T00:00:00Z'
 */
export function formatIsoUtc(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY);
  let rem = ms - days * MS_PER_DAY;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const h = Math.floor(rem / 3_600_000);
  rem -= h * 3_600_000;
  const mi = Math.floor(rem / 60_000);
  rem -= mi * 60_000;
  const s = Math.floor(rem / 1000);
  const msPart = rem - s * 1000;
  const frac = msPart === 0 ? '' : '.' + String(msPart).padStart(3, '0');
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(s)}${frac}Z`;
}
