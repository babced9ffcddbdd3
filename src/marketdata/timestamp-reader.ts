/**
 * Timestamps of a market data file: epoch seconds, milliseconds, microseconds or nanoseconds, or
 * ISO-8601, converted to epoch milliseconds UTC (the engine's event time).
 *
 * Rules (docs/data.md states them for users):
 * - A file uses one form. Unless the config fixes it (`data.timestamp`), the form is taken from
 *   the first good row and every later row must have it.
 * - An epoch value's unit is detected from its magnitude: as seconds, milliseconds, microseconds or
 *   nanoseconds it must fall between 1973-03-03T09:46:40Z (1e8 s) and 2200-12-31T23:59:59.999Z.
 *   These bands do not overlap, so a value fits at most one unit; a value that fits none, or not
 *   the file's unit, is an error naming both candidate readings. With `data.timestamp` set to a
 *   unit, any value from 1970 to 2200 in that unit is accepted.
 * - ISO-8601: `YYYY-MM-DD`, optionally `T` or a space and `HH:MM[:SS[.fraction]]`, optionally `Z`
 *   or an offset `±HH[:MM]`/`±HHMM`. No offset means UTC. Up to 9 fraction digits.
 * - Sub-millisecond digits (µs, ns, long fractions) are cut toward the earlier millisecond, which
 *   keeps the order of rows.
 */
import { DayCache, daysInMonth, formatIsoUtc, MAX_TS } from './timestamp.js';

/** How a config fixes the timestamp form (`data.timestamp`). */
export type TimestampUnit = 'ms' | 's' | 'us' | 'ns' | 'iso';

/** The form of a file's timestamps; 0 = not known yet. */
export const F_AUTO = 0;
export const F_ISO = 1;
export const F_S = 2;
export const F_MS = 3;
export const F_US = 4;
export const F_NS = 5;

const FORM_OF_UNIT: Record<TimestampUnit, number> = { iso: F_ISO, s: F_S, ms: F_MS, us: F_US, ns: F_NS };
const UNIT_OF_FORM: readonly (TimestampUnit | undefined)[] = [undefined, 'iso', 's', 'ms', 'us', 'ns'];
const FORM_NAMES = ['', 'ISO-8601', 'epoch seconds', 'epoch milliseconds', 'epoch microseconds', 'epoch nanoseconds'];
const AS_NAMES = ['', '', 'seconds', 'milliseconds', 'microseconds', 'nanoseconds'];

/** A timestamp form for people: "epoch seconds", "ISO-8601", "mixed" (a directory whose files differ). */
export function describeTimestampUnit(unit: TimestampUnit | 'mixed' | null | undefined): string {
  if (unit === 'mixed') return 'mixed';
  return unit ? FORM_NAMES[FORM_OF_UNIT[unit]]! : 'none';
}

/** Earliest epoch value (in seconds) accepted when the unit is detected rather than configured. */
export const DETECT_MIN_SECONDS = 100_000_000;
// Raw value bands per epoch form: [detected minimum, maximum]; index = form.
const BAND_LO = [0, 0, 1e8, 1e11, 1e14, 1e17];
const BAND_HI = [0, 0, Math.floor(MAX_TS / 1000), MAX_TS, MAX_TS * 1000 + 999, MAX_TS * 1e6 + 999_999];

// Error details (returned by parse; 0 = ok).
export const TS_FORMAT = 1;
export const TS_MONTH = 2;
export const TS_DAY = 3;
export const TS_HOUR = 4;
export const TS_MINUTE = 5;
export const TS_SECOND = 6;
export const TS_RANGE = 7;
export const TS_OFFSET = 8;
/** Auto mode: an epoch value that fits no unit's band. */
export const TS_NO_UNIT = 9;
/** An epoch value outside the band of the file's unit. */
export const TS_UNIT_MISMATCH = 10;
/** ISO in an epoch file or epoch in an ISO file. */
export const TS_FORM_MISMATCH = 11;

const LF = 10;
const CR = 13;

function dig(b: Uint8Array, i: number): number {
  const d = b[i]! - 48;
  return d >= 0 && d <= 9 ? d : -100_000;
}

/**
 * Parses timestamp fields of one file and keeps the file to one form. One instance per file.
 *
 * @example
 * const ts = new TimestampReader(undefined);          // detect
 * ts.parse(Buffer.from('1767571200,'), 0, 44);        // 0; ts.val = 1767571200000, ts.rowForm = F_S
 * ts.commit(2);                                       // the file is in epoch seconds from now on
 */
export class TimestampReader {
  /** The file's form (F_AUTO until the first good row commits one). */
  form: number;
  /** Form of the value parsed last. */
  rowForm = 0;
  /** Line whose row fixed the form (0 when the config fixed it). */
  formLine = 0;
  /** Result of the last successful parse: epoch milliseconds. */
  val = 0;
  /** Index of the byte after the timestamp (a delimiter, CR or LF). */
  pos = 0;
  /** Detail of the last failure: a number the message shows (month, day, ...). */
  detailValue = 0;
  private readonly fixed: boolean;
  private readonly lo = BAND_LO.slice();
  private readonly hi = BAND_HI.slice();
  private readonly dayCache = new DayCache();

  constructor(unit: TimestampUnit | undefined) {
    this.fixed = unit !== undefined;
    this.form = unit === undefined ? F_AUTO : FORM_OF_UNIT[unit];
    if (this.fixed) this.lo.fill(0);
  }

  /** Band of the file's epoch unit (raw value), for the decoder's inline fast path. */
  get low(): number { return this.lo[this.form] ?? 0; }
  get high(): number { return this.hi[this.form] ?? 0; }

  /** Fixes the file's form to the last row's (call for the first good row when form is F_AUTO). */
  commit(line: number): void {
    if (this.form !== F_AUTO) return;
    this.form = this.rowForm;
    this.formLine = line;
  }

  /** The detected or configured unit, for `reckon init` and the summary (undefined when no row was good). */
  get unit(): TimestampUnit | undefined {
    return this.form === F_AUTO ? undefined : UNIT_OF_FORM[this.form];
  }

  /**
   * Parses the timestamp at b[p..]; the field must end with `delim`, CRLF or LF. Returns 0 and sets
   * val/pos/rowForm, or a TS_* detail.
   */
  parse(b: Uint8Array, p: number, delim: number): number {
    if (b[p + 4] === 45) return this.iso(b, p, delim);
    const s0 = p;
    let v = 0;
    let c = b[p]!;
    while (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      c = b[++p]!;
    }
    if (p === s0 || !(c === delim || c === LF || (c === CR && b[p + 1] === LF))) return TS_FORMAT;
    this.pos = p;
    let f = this.form;
    if (f === F_ISO) return TS_FORM_MISMATCH;
    if (f === F_AUTO) {
      f = detectForm(v);
      if (f === 0) return TS_NO_UNIT;
    } else if (v < this.lo[f]! || v > this.hi[f]!) {
      return this.fixed ? TS_RANGE : TS_UNIT_MISMATCH;
    }
    this.rowForm = f;
    this.val = epochToMs(b, s0, p, v, f);
    return 0;
  }

  private iso(b: Uint8Array, p: number, delim: number): number {
    const y = dig(b, p) * 1000 + dig(b, p + 1) * 100 + dig(b, p + 2) * 10 + dig(b, p + 3);
    const mo = dig(b, p + 5) * 10 + dig(b, p + 6);
    const d = dig(b, p + 8) * 10 + dig(b, p + 9);
    if ((y | mo | d) < 0 || b[p + 7] !== 45) return TS_FORMAT;
    let q = p + 10;
    let hh = 0;
    let mi = 0;
    let ss = 0;
    let ms = 0;
    let off = 0;
    let c = b[q]!;
    if (c === 84 || c === 116 || c === 32) {
      hh = dig(b, q + 1) * 10 + dig(b, q + 2);
      mi = dig(b, q + 4) * 10 + dig(b, q + 5);
      if ((hh | mi) < 0 || b[q + 3] !== 58) return TS_FORMAT;
      q += 6;
      if (b[q] === 58) {
        ss = dig(b, q + 1) * 10 + dig(b, q + 2);
        if (ss < 0) return TS_FORMAT;
        q += 3;
        if (b[q] === 46) {
          const f0 = ++q;
          let x = 0;
          while ((x = dig(b, q)) >= 0) {
            if (q - f0 < 3) ms = ms * 10 + x;
            q++;
          }
          const n = q - f0;
          if (n === 0 || n > 9) return TS_FORMAT;
          if (n === 1) ms *= 100;
          else if (n === 2) ms *= 10;
        }
      }
      c = b[q]!;
      if (c === 90 || c === 122) {
        q++;
      } else if (c === 43 || c === 45) {
        const oh = dig(b, q + 1) * 10 + dig(b, q + 2);
        if (oh < 0) return TS_FORMAT;
        q += 3;
        let om = 0;
        const colon = b[q] === 58;
        if (colon) q++;
        if (colon || dig(b, q) >= 0) {
          om = dig(b, q) * 10 + dig(b, q + 1);
          if (om < 0) return TS_FORMAT;
          q += 2;
        }
        if (oh > 23 || om > 59) {
          this.detailValue = oh;
          return TS_OFFSET;
        }
        off = (c === 43 ? 1 : -1) * (oh * 60 + om) * 60_000;
      }
    }
    c = b[q]!;
    if (!(c === delim || c === LF || (c === CR && b[q + 1] === LF))) return TS_FORMAT;
    if (mo < 1 || mo > 12) return this.fail(TS_MONTH, mo);
    if (d < 1 || (d > 28 && d > daysInMonth(y, mo))) return this.fail(TS_DAY, d);
    if (hh > 23) return this.fail(TS_HOUR, hh);
    if (mi > 59) return this.fail(TS_MINUTE, mi);
    if (ss > 59) return this.fail(TS_SECOND, ss);
    const days = this.dayCache.of(y, mo, d);
    const t = (days * 86400 + hh * 3600 + mi * 60 + ss) * 1000 + ms - off;
    if (t < 0 || t > MAX_TS) return TS_RANGE;
    if (this.form !== F_ISO && this.form !== F_AUTO) return TS_FORM_MISMATCH;
    this.pos = q;
    this.rowForm = F_ISO;
    this.val = t;
    return 0;
  }

  private fail(detail: number, value: number): number {
    this.detailValue = value;
    return detail;
  }

  /** The reason text for a failed parse of `text` (slow path: only for bad rows). */
  describe(name: string, text: string, detail: number): string {
    const head = `${name} "${text}"`;
    const pad = (n: number): string => String(n).padStart(2, '0');
    const v = this.detailValue;
    const digits = /^\d+$/.test(text);
    if (!digits && (detail === TS_NO_UNIT || detail === TS_UNIT_MISMATCH)) detail = TS_FORMAT;
    const fixedBy = this.fixed ? `data.timestamp "${UNIT_OF_FORM[this.form]}"` : `detected at line ${this.formLine}`;
    switch (detail) {
      case TS_MONTH: return `${head}: month ${pad(v)} is out of range 01..12`;
      case TS_DAY: return `${head}: day ${pad(v)} does not exist in ${text.slice(0, 7)}`;
      case TS_HOUR: return `${head}: hour ${pad(v)} is out of range 00..23`;
      case TS_MINUTE: return `${head}: minute ${pad(v)} is out of range 00..59`;
      case TS_SECOND: return `${head}: second ${pad(v)} is out of range 00..59`;
      case TS_OFFSET: return `${head}: UTC offset hour ${pad(v)} or its minutes are out of range (±00:00..±23:59)`;
      case TS_RANGE: {
        const as = digits ? ` as ${FORM_NAMES[this.form]} (${fixedBy})${alternative(text, this.form)}` : '';
        return `${head}${as} is outside the accepted range 1970-01-01T00:00:00Z..2200-12-31T23:59:59.999Z`;
      }
      case TS_NO_UNIT: {
        const [a, b] = candidates(text);
        return `${head} fits no epoch unit: ${reading(text, a!)}${b ? `, ${reading(text, b)}` : ''}; ` +
          'a unit is detected only for values from 1973-03-03 to 2200 — set data.timestamp ("s", "ms", "us" or "ns") to read the file in one unit';
      }
      case TS_UNIT_MISMATCH: {
        const other = bandOf(text);
        return `${head} does not fit this file's unit, ${FORM_NAMES[this.form]} (${fixedBy}): ${reading(text, this.form)}` +
          `${other !== 0 && other !== this.form ? `, ${reading(text, other)}` : ''}; every row of a file must use one unit`;
      }
      case TS_FORM_MISMATCH: {
        const kind = digits ? 'an epoch number' : 'ISO-8601';
        return `${head} is ${kind} but this file's timestamps are ${FORM_NAMES[this.form]} (${fixedBy}); every row of a file must use one form`;
      }
      default:
        return `${head} is neither an epoch number (s, ms, µs or ns) nor ISO-8601 (YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM])`;
    }
  }
}

/** The epoch form whose detection band holds v, or 0. */
function detectForm(v: number): number {
  for (let f = F_S; f <= F_NS; f++) if (v >= BAND_LO[f]! && v <= BAND_HI[f]!) return f;
  return 0;
}

/** Exact epoch milliseconds of the digits b[s, e) (value v, approximate above 2^53) in form f. */
function epochToMs(b: Uint8Array, s: number, e: number, v: number, f: number): number {
  if (f === F_MS) return v;
  if (f === F_S) return v * 1000;
  // µs and ns: the leading digits are the milliseconds (the rest is cut), exact even above 2^53.
  const cut = f === F_US ? 3 : 6;
  let ms = 0;
  for (let i = s; i < e - cut; i++) ms = ms * 10 + (b[i]! - 48);
  return ms;
}

/** Epoch ms of a digit string read in form f (BigInt: exact for any length), or -1 when after 2200. */
function msOf(text: string, f: number): number {
  const big = BigInt(text);
  const ms = f === F_S ? big * 1000n : f === F_MS ? big : f === F_US ? big / 1000n : big / 1_000_000n;
  return ms > BigInt(MAX_TS) ? -1 : Number(ms);
}

function reading(text: string, f: number): string {
  const ms = msOf(text, f);
  return `as ${AS_NAMES[f]} ${ms < 0 ? 'after 2200-12-31T23:59:59.999Z' : formatIsoUtc(ms)}`;
}

function bandOf(text: string): number {
  return detectForm(Number(text));
}

/** The two units a value lies between (or the one it is beyond). */
function candidates(text: string): [number, number | undefined] {
  const v = Number(text);
  if (v < BAND_LO[F_S]!) return [F_S, F_MS];
  let f = F_S;
  while (f < F_NS && v >= BAND_LO[f + 1]!) f++;
  return f === F_NS ? [F_NS, undefined] : [f, f + 1];
}

/** With a configured unit: the other unit that would read the value as a plausible time. */
function alternative(text: string, form: number): string {
  const other = bandOf(text);
  return other !== 0 && other !== form ? ` (${reading(text, other)})` : '';
}
