/**
 * Streaming, validating CSV bar reader for `ts,instrument,open,high,low,close,volume`.
 *
 * The file is read in chunks (never whole), hashed incrementally (SHA-256 identifies the input in
 * the journal) and parsed byte by byte: the instrument field is matched against the known ids
 * without creating a string, decimals are accumulated digit by digit straight into integers at the
 * instrument's scale, ISO-8601 timestamps are converted arithmetically. Strings are only built for
 * rejected rows, to write a precise reason.
 *
 * Format rules: the header line is required and exact (a UTF-8 BOM before it is tolerated); LF or
 * CRLF; empty lines at the very end are ignored, empty lines in between are bad rows; no quoting, no
 * blanks around fields, no sign; `ts` is epoch milliseconds or `YYYY-MM-DDTHH:MM:SS[.s|.ss|.sss]Z`
 * within 1970..2200; decimals are `digits[.digits]`, and trailing zeros beyond the instrument's
 * scale are accepted ("1.500" at 0.01); volume may be zero, prices may not; timestamps must not
 * decrease per instrument (equal is fine). A line over 64 KiB is not a bar row: the read stops.
 * Rows are checked in field order, a wrong column count first; the first failed check is reported.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { ReckonError } from '../domain/errors.js';
import type { Instrument } from '../domain/types.js';
import type { Bar, BadRowPolicy, MutableBar, RejectedRow } from './bar.js';
import { daysFromCivil, daysInMonth, formatIsoUtc, MAX_TS } from './timestamp.js';

/** The one accepted header line. */
export const CSV_HEADER = 'ts,instrument,open,high,low,close,volume';
const FIELD_NAMES = ['ts', 'instrument', 'open', 'high', 'low', 'close', 'volume'] as const;
const DEFAULT_HIGH_WATER_MARK = 1 << 20;

export interface ReadBarsOptions {
  path: string;
  /** Known instruments by id; a row naming any other id is a bad row. */
  instruments: ReadonlyMap<string, Instrument>;
  badRows: BadRowPolicy;
  /** Receives every good row, synchronously; one reused object, valid only during the call. */
  onBar(bar: Bar): void;
  /** Quarantine mode: receives each bad row (not called for bad rows before the `skipRows`-th good row). */
  onRejected?(row: RejectedRow): void;
  /**
   * After each chunk's complete lines were processed (so every bar up to `line` was delivered);
   * the engine commits its journal here. Awaited. `bytesRead` counts bytes read so far.
   */
  onChunk?(p: { bytesRead: number; totalBytes: number; line: number }): void | Promise<void>;
  /** Deliver nothing for the first N good data rows (they are still validated and hashed). */
  skipRows?: number;
  /** Bytes per read; default 1 MiB. */
  highWaterMark?: number;
}

export interface ReadBarsResult {
  /** Good rows in the file, including the ones skipped by `skipRows` (delivered = bars - skipRows). */
  bars: number;
  /** Bad rows in the file (quarantine mode), including any before the skip point. */
  badRows: number;
  /** Line number of the last non-empty line (1 = header only). */
  lastLine: number;
  /** Bytes read = file size. */
  bytes: number;
  /** SHA-256 (hex) of the whole file content. */
  sha256: string;
}

// Error codes of the fast path; the reason text is built from them only for bad rows.
const E_COLUMNS = 1;
const E_INSTRUMENT = 2;
const E_TS = 3;
const E_NOT_DECIMAL = 4;
const E_NEGATIVE = 5;
const E_TOO_LARGE = 6;
const E_EXCESS_DECIMALS = 7;
const E_ZERO = 8;
const E_NOT_MULTIPLE = 9;
const E_OHLC = 10;
const E_ORDER = 11;
const E_EMPTY = 12;

// Timestamp error details.
const TS_FORMAT = 1;
const TS_MONTH = 2;
const TS_DAY = 3;
const TS_HOUR = 4;
const TS_MINUTE = 5;
const TS_SECOND = 6;
const TS_RANGE = 7;

// OHLC error details.
const OHLC_HIGH_OPEN = 1;
const OHLC_HIGH_CLOSE = 2;
const OHLC_LOW_OPEN = 3;
const OHLC_LOW_CLOSE = 4;

const LF = 10;
const CR = 13;
const COMMA = 44;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const POW10 = new Float64Array(16).map((_, i) => 10 ** i);

/**
 * A digit 0..9 at b[i], or -100000 so that any weighted sum of up to 4 digits containing a
 * non-digit is negative (and stays within int32 for the `|` test).
 */
function dig(b: Uint8Array, i: number): number {
  const d = b[i]! - 48;
  return d >= 0 && d <= 9 ? d : -100_000;
}

function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h;
}

/**
 * Open-addressed table from instrument-id bytes to a dense local index, so the hot path can find
 * an instrument from the bytes of a field without creating a string.
 */
class IdTable {
  readonly table: Int32Array;
  readonly mask: number;
  readonly bytes: Uint8Array;
  readonly off: Int32Array;
  readonly len: Int32Array;

  constructor(ids: readonly string[]) {
    const encoded = ids.map((id) => Buffer.from(id, 'utf8'));
    let size = 8;
    while (size < ids.length * 4) size <<= 1;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    this.bytes = Buffer.concat(encoded);
    this.off = new Int32Array(ids.length);
    this.len = new Int32Array(ids.length);
    let o = 0;
    encoded.forEach((e, i) => {
      this.off[i] = o;
      this.len[i] = e.length;
      o += e.length;
      let slot = fnv1a(e) & this.mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
      this.table[slot] = i + 1;
    });
  }

  /** Local index of the id in b[f, p) whose FNV-1a hash is h, or -1. */
  find(b: Uint8Array, f: number, p: number, h: number): number {
    const len = p - f;
    const table = this.table;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const k = table[slot]!;
      if (k === 0) return -1;
      const cand = k - 1;
      if (this.len[cand] === len) {
        const bytes = this.bytes;
        let o = this.off[cand]!;
        let j = f;
        while (j < p && b[j] === bytes[o]) {
          j++;
          o++;
        }
        if (j === p) return cand;
      }
      slot = (slot + 1) & mask;
    }
  }
}

type ChunkInfo = { bytesRead: number; totalBytes: number; line: number };

/** The validating decoder: parses lines from a buffer, tracks per-instrument order, delivers bars. */
class BarDecoder {
  private readonly ids: IdTable;
  private readonly insts: Instrument[];
  private readonly pScale: Int32Array;
  // Plain arrays of small integers (Smi): `%` on them compiles to an integer modulo, not fmod.
  private readonly tick: number[];
  private readonly sScale: Int32Array;
  private readonly lot: number[];
  private readonly lastTs: Float64Array;
  private readonly lastLine: Float64Array;
  private readonly bar: MutableBar;

  // Scratch outputs of the parse functions.
  private readonly px = new Float64Array(6);
  private val = 0;
  private pos = 0;
  // Error details, valid after a non-zero return of row().
  private errField = 0;
  private errDetail = 0;
  private errValue = 0;
  private errInst = -1;
  // One-entry cache of the last ISO date seen.
  private cY = -1;
  private cM = -1;
  private cD = -1;
  private cDays = 0;

  // Reader state.
  line = 0;
  lastDataLine = 0;
  good = 0;
  bad = 0;
  headerDone = false;
  private pendingEmpty = 0;

  constructor(
    instruments: ReadonlyMap<string, Instrument>,
    private readonly path: string,
    private readonly policy: BadRowPolicy,
    private readonly skip: number,
    private readonly onBar: (bar: Bar) => void,
    private readonly onRejected: ((row: RejectedRow) => void) | undefined,
  ) {
    this.insts = [...instruments.values()];
    const n = this.insts.length;
    this.ids = new IdTable(this.insts.map((i) => i.id));
    this.pScale = Int32Array.from(this.insts, (i) => i.priceScale);
    this.tick = this.insts.map((i) => i.tick);
    this.sScale = Int32Array.from(this.insts, (i) => i.sizeScale);
    this.lot = this.insts.map((i) => i.lot);
    this.lastTs = new Float64Array(n).fill(-1);
    this.lastLine = new Float64Array(n);
    for (const i of this.insts) {
      if (i.priceScale > 15 || i.sizeScale > 15) throw new ReckonError('CONFIG_INVALID', `instrument ${i.id}: scale above 15`);
    }
    const first = this.insts[0];
    this.bar = { ts: 0, instrument: first as Instrument, open: 0, high: 0, low: 0, close: 0, volume: 0, line: 0 };
  }

  /** Processes every line in b[start, end], where b[end] is a line feed. */
  feed(b: Buffer, start: number, end: number): void {
    let s = start;
    if (!this.headerDone) s = this.header(b, s);
    while (s <= end) {
      const line = ++this.line;
      const c = b[s];
      if (c === LF || (c === CR && b[s + 1] === LF)) {
        this.pendingEmpty++;
        s += c === LF ? 1 : 2;
        continue;
      }
      if (this.pendingEmpty !== 0) this.flushEmpty(line);
      const r = this.row(b, s, line);
      if (r === 0) {
        if (this.pos - s > MAX_LINE_BYTES) this.tooLong(line);
        if (++this.good > this.skip) this.onBar(this.bar);
        s = this.pos + 1;
      } else {
        const nl = b.indexOf(LF, s);
        if (nl - s > MAX_LINE_BYTES) this.tooLong(line);
        this.reject(b, s, nl, line, r);
        s = nl + 1;
      }
      this.lastDataLine = line;
    }
  }

  /** Checks line 1 (after an optional UTF-8 BOM); returns the offset of line 2. */
  private header(b: Buffer, s: number): number {
    this.line = 1;
    this.lastDataLine = 1;
    this.headerDone = true;
    if (b[s] === 0xef && b[s + 1] === 0xbb && b[s + 2] === 0xbf) s += 3;
    const nl = b.indexOf(LF, s);
    const e = nl > s && b[nl - 1] === CR ? nl - 1 : nl;
    const text = b.toString('utf8', s, e);
    if (text !== CSV_HEADER) {
      throw new ReckonError('BAD_INPUT', `${this.path}:1: header must be "${CSV_HEADER}", found "${clip(text)}"`);
    }
    return nl + 1;
  }

  /** Called for the line being read when it exceeds MAX_LINE_BYTES (also from readChunks). */
  tooLong(line = this.line + 1): never {
    throw new ReckonError('BAD_INPUT', `${this.path}:${line}: line longer than ${MAX_LINE_BYTES} bytes; not a bar CSV`);
  }

  private flushEmpty(line: number): void {
    const n = this.pendingEmpty;
    this.pendingEmpty = 0;
    for (let l = line - n; l < line; l++) this.rejectText('', l, E_EMPTY);
  }

  private reject(b: Buffer, s: number, nl: number, line: number, code: number): void {
    const e = nl > s && b[nl - 1] === CR ? nl - 1 : nl;
    this.rejectText(b.toString('utf8', s, e), line, code);
  }

  private rejectText(raw: string, line: number, code: number): void {
    const reason = this.describe(code, raw);
    if (this.policy === 'fail') throw new ReckonError('BAD_INPUT', `${this.path}:${line}: ${reason}`);
    this.bad++;
    if (this.onRejected && this.good >= this.skip) this.onRejected({ file: this.path, line, reason, raw });
  }

  /**
   * Parses and validates the line starting at s. Returns 0 and fills the bar (this.pos = index of
   * the terminating LF), or an error code with errField/errDetail/errValue/errInst set.
   */
  private row(b: Uint8Array, s: number, line: number): number {
    let r = this.parseTs(b, s);
    if (r !== 0) {
      this.errField = 0;
      return r;
    }
    const ts = this.val;
    let p = this.pos + 1;

    // instrument: hash the bytes up to the comma, then look them up.
    const f = p;
    let h = 0x811c9dc5 | 0;
    let c = b[p]!;
    while (c !== COMMA && c !== LF) {
      h = Math.imul(h ^ c, 0x01000193);
      c = b[++p]!;
    }
    if (c !== COMMA) return E_COLUMNS;
    const idx = this.ids.find(b, f, p, h);
    if (idx < 0) {
      this.errField = 1;
      return E_INSTRUMENT;
    }
    this.errInst = idx;
    const ps = this.pScale[idx]!;
    const tick = this.tick[idx]!;

    // open, high, low, close: one call site in a loop, so the JIT inlines the parser once.
    const px = this.px;
    p++;
    for (let k = 2; k < 6; k++) {
      if ((r = this.price(b, p, ps, tick, k)) !== 0) return r;
      px[k] = this.val;
      p = this.pos + 1;
    }
    const open = px[2]!;
    const high = px[3]!;
    const low = px[4]!;
    const close = px[5]!;

    // volume: zero allowed, must end the line.
    this.errField = 6;
    if ((r = this.dec(b, p, this.sScale[idx]!)) !== 0) return r;
    p = this.pos;
    c = b[p]!;
    if (c === CR && b[p + 1] === LF) p++;
    else if (c !== LF) return c === COMMA ? E_COLUMNS : E_NOT_DECIMAL;
    const volume = this.val;
    const lot = this.lot[idx]!;
    if (lot !== 1 && volume % lot !== 0) return E_NOT_MULTIPLE;

    if (high < open) return this.ohlc(OHLC_HIGH_OPEN);
    if (high < close) return this.ohlc(OHLC_HIGH_CLOSE);
    if (low > open) return this.ohlc(OHLC_LOW_OPEN);
    if (low > close) return this.ohlc(OHLC_LOW_CLOSE);

    if (ts < this.lastTs[idx]!) {
      this.errField = 0;
      return E_ORDER;
    }
    this.lastTs[idx] = ts;
    this.lastLine[idx] = line;

    this.pos = p;
    const bar = this.bar;
    bar.ts = ts;
    bar.instrument = this.insts[idx]!;
    bar.open = open;
    bar.high = high;
    bar.low = low;
    bar.close = close;
    bar.volume = volume;
    bar.line = line;
    return 0;
  }

  private ohlc(detail: number): number {
    this.errDetail = detail;
    return E_OHLC;
  }

  /** A positive price on the tick grid ending with a comma; sets val and pos (at the comma). */
  private price(b: Uint8Array, p: number, scale: number, tick: number, field: number): number {
    this.errField = field;
    const r = this.dec(b, p, scale);
    if (r !== 0) return r;
    if (b[this.pos] !== COMMA) return b[this.pos] === LF || b[this.pos] === CR ? E_COLUMNS : E_NOT_DECIMAL;
    const v = this.val;
    if (v === 0) return E_ZERO;
    if (tick !== 1 && v % tick !== 0) return E_NOT_MULTIPLE;
    return 0;
  }

  /**
   * `digits[.digits]` at p as an integer at `scale`; stops at the first other byte (pos), which
   * must be a comma, CR or LF. Extra decimals are accepted only when they are zeros.
   */
  private dec(b: Uint8Array, p: number, scale: number): number {
    let c = b[p]!;
    let neg = false;
    if (c === 45) {
      neg = true;
      c = b[++p]!;
    }
    const s0 = p;
    let v = 0;
    while (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      c = b[++p]!;
    }
    if (p === s0) return E_NOT_DECIMAL;
    let fd = 0;
    let excess = 0;
    if (c === 46) {
      const f0 = ++p;
      c = b[p]!;
      while (c >= 48 && c <= 57) {
        if (fd < scale) {
          v = v * 10 + (c - 48);
          fd++;
        } else {
          excess |= c - 48;
        }
        c = b[++p]!;
      }
      if (p === f0) return E_NOT_DECIMAL;
    }
    this.pos = p;
    if (c !== COMMA && c !== LF && c !== CR) return E_NOT_DECIMAL;
    if (neg) return E_NEGATIVE;
    if (fd !== scale) v *= POW10[scale - fd]!;
    if (v > MAX_SAFE) return E_TOO_LARGE;
    if (excess !== 0) return E_EXCESS_DECIMALS;
    this.val = v;
    return 0;
  }

  /** Epoch ms or ISO-8601 UTC at p, followed by a comma; sets val and pos (at the comma). */
  private parseTs(b: Uint8Array, p: number): number {
    if (b[p + 4] === 45 && b[p + 7] === 45 && b[p + 10] === 84 && b[p + 13] === 58 && b[p + 16] === 58) {
      const y = dig(b, p) * 1000 + dig(b, p + 1) * 100 + dig(b, p + 2) * 10 + dig(b, p + 3);
      const mo = dig(b, p + 5) * 10 + dig(b, p + 6);
      const d = dig(b, p + 8) * 10 + dig(b, p + 9);
      const hh = dig(b, p + 11) * 10 + dig(b, p + 12);
      const mi = dig(b, p + 14) * 10 + dig(b, p + 15);
      const ss = dig(b, p + 17) * 10 + dig(b, p + 18);
      if ((y | mo | d | hh | mi | ss) < 0) return this.tsFail(TS_FORMAT, 0);
      let q = p + 19;
      let c = b[q];
      let ms = 0;
      if (c === 46) {
        const f0 = ++q;
        let x = 0;
        while (q - f0 < 3 && (x = dig(b, q)) >= 0) {
          ms = ms * 10 + x;
          q++;
        }
        const n = q - f0;
        if (n === 0) return this.tsFail(TS_FORMAT, 0);
        if (n === 1) ms *= 100;
        else if (n === 2) ms *= 10;
        c = b[q];
      }
      if (c !== 90 || b[q + 1] !== COMMA) return this.tsFail(TS_FORMAT, 0);
      if (mo < 1 || mo > 12) return this.tsFail(TS_MONTH, mo);
      if (d < 1 || (d > 28 && d > daysInMonth(y, mo))) return this.tsFail(TS_DAY, d);
      if (hh > 23) return this.tsFail(TS_HOUR, hh);
      if (mi > 59) return this.tsFail(TS_MINUTE, mi);
      if (ss > 59) return this.tsFail(TS_SECOND, ss);
      if (y < 1970 || y > 2200) return this.tsFail(TS_RANGE, 0);
      let days: number;
      if (d === this.cD && mo === this.cM && y === this.cY) {
        days = this.cDays;
      } else {
        days = daysFromCivil(y, mo, d);
        this.cY = y;
        this.cM = mo;
        this.cD = d;
        this.cDays = days;
      }
      this.val = (days * 86400 + hh * 3600 + mi * 60 + ss) * 1000 + ms;
      this.pos = q + 1;
      return 0;
    }
    // epoch milliseconds
    const s0 = p;
    let v = 0;
    let c = b[p]!;
    while (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      c = b[++p]!;
    }
    if (p === s0) return this.tsFail(TS_FORMAT, 0);
    if (c !== COMMA) return c === LF || c === CR ? E_COLUMNS : this.tsFail(TS_FORMAT, 0);
    if (v > MAX_TS) return this.tsFail(TS_RANGE, 0);
    this.val = v;
    this.pos = p;
    return 0;
  }

  private tsFail(detail: number, value: number): number {
    this.errDetail = detail;
    this.errValue = value;
    return E_TS;
  }

  /** Builds the reason text of a bad row from the fast path's error code (slow path only). */
  private describe(code: number, raw: string): string {
    const expect = `expected 7 columns (${CSV_HEADER})`;
    if (code === E_EMPTY) return `empty line; ${expect}`;
    const fields = raw.split(',');
    if (fields.length !== 7 || code === E_COLUMNS) return `${expect}, found ${fields.length}`;
    const name = FIELD_NAMES[this.errField] ?? 'field';
    const text = fields[this.errField] ?? '';
    const inst = this.insts[this.errInst];
    const isVolume = this.errField === 6;
    const kind = isVolume ? 'size' : 'price';
    const increment = inst ? (isVolume ? inst.sizeIncrement : inst.priceIncrement) : '?';
    const scale = inst ? (isVolume ? inst.sizeScale : inst.priceScale) : 0;
    switch (code) {
      case E_INSTRUMENT: {
        const known = this.insts.slice(0, 8).map((i) => i.id).join(', ');
        return `unknown instrument "${text}" (known: ${known}${this.insts.length > 8 ? ', …' : ''})`;
      }
      case E_TS:
        return describeTs(text, this.errDetail, this.errValue);
      case E_NOT_DECIMAL:
        return `${name} "${text}" is not a decimal number (digits[.digits])`;
      case E_NEGATIVE:
        return `${name} "${text}" is negative; ${isVolume ? 'volume must not be negative' : 'prices must be positive'}`;
      case E_TOO_LARGE:
        return `${name} "${text}" is too large to be exact at ${scale} decimals`;
      case E_EXCESS_DECIMALS: {
        const dot = text.indexOf('.');
        const decimals = dot < 0 ? 0 : text.length - dot - 1;
        return `${name} "${text}" is not a multiple of ${kind} increment ${increment} (${decimals} decimals; the increment allows at most ${scale})`;
      }
      case E_ZERO:
        return `${name} "${text}" is zero; prices must be positive`;
      case E_NOT_MULTIPLE:
        return `${name} "${text}" is not a multiple of ${kind} increment ${increment}`;
      case E_OHLC: {
        const [, , o, h, l, c] = fields;
        const rule = '(need high >= max(open, close) >= min(open, close) >= low)';
        switch (this.errDetail) {
          case OHLC_HIGH_OPEN: return `high "${h}" is below open "${o}" ${rule}`;
          case OHLC_HIGH_CLOSE: return `high "${h}" is below close "${c}" ${rule}`;
          case OHLC_LOW_OPEN: return `low "${l}" is above open "${o}" ${rule}`;
          default: return `low "${l}" is above close "${c}" ${rule}`;
        }
      }
      case E_ORDER: {
        const idx = this.errInst;
        const cur = isDigits(text) ? `${text} (${formatIsoUtc(Number(text))})` : text;
        return `ts ${cur} is before the previous ${inst?.id ?? '?'} bar at ${formatIsoUtc(this.lastTs[idx]!)} (line ${this.lastLine[idx]!}); timestamps must not decrease per instrument`;
      }
      default:
        return `malformed row; ${expect}`;
    }
  }
}

function isDigits(text: string): boolean {
  return /^\d+$/.test(text);
}

function describeTs(text: string, detail: number, value: number): string {
  const head = `ts "${text}"`;
  const pad = (n: number): string => String(n).padStart(2, '0');
  switch (detail) {
    case TS_MONTH: return `${head}: month ${pad(value)} is out of range 01..12`;
    case TS_DAY: return `${head}: day ${pad(value)} does not exist in ${text.slice(0, 7)}`;
    case TS_HOUR: return `${head}: hour ${pad(value)} is out of range 00..23`;
    case TS_MINUTE: return `${head}: minute ${pad(value)} is out of range 00..59`;
    case TS_SECOND: return `${head}: second ${pad(value)} is out of range 00..59`;
    case TS_RANGE: return `${head} is outside the accepted range 1970-01-01T00:00:00Z..2200-12-31T23:59:59.999Z`;
    default: return `${head} is neither epoch milliseconds nor ISO-8601 UTC (YYYY-MM-DDTHH:MM:SS[.sss]Z)`;
  }
}

function clip(s: string): string {
  return s.length > 120 ? s.slice(0, 120) + '…' : s;
}

/** Longest accepted line; a bar row is well under 200 bytes, so anything longer is not this format. */
export const MAX_LINE_BYTES = 64 * 1024;

/**
 * Reads a file in chunks, handing each run of complete lines (b[start..lastLf], b[lastLf] = LF) to
 * `lines`. Double-buffered: the next read is in flight while the current chunk is parsed. The
 * partial last line is copied in front of the next chunk (each buffer keeps MAX_LINE_BYTES free
 * at its start for it); a final unterminated line gets a virtual LF. `onData` sees every byte
 * read exactly once, in order (for hashing).
 */
async function readChunks(
  path: string,
  highWaterMark: number,
  lines: (b: Buffer, start: number, lastLf: number) => void,
  onData: ((bytes: Buffer) => void) | undefined,
  afterChunk: ((bytesRead: number, totalBytes: number) => void | Promise<void>) | undefined,
  tooLong: () => never,
): Promise<{ bytes: number; totalBytes: number }> {
  const fh = await open(path, 'r');
  let pending: Promise<{ bytesRead: number }> | undefined;
  try {
    const totalBytes = (await fh.stat()).size;
    const hwm = Math.max(1, Math.floor(highWaterMark));
    const R = MAX_LINE_BYTES;
    const bufs = [Buffer.allocUnsafe(R + hwm + 1), Buffer.allocUnsafe(R + hwm + 1)] as const;
    const carryBuf = Buffer.allocUnsafe(R);
    let cur = 0;
    let carry = 0;
    let bytes = 0;
    pending = fh.read(bufs[0], R, hwm, null);
    for (;;) {
      const { bytesRead } = await pending;
      pending = undefined;
      const b = bufs[cur]!;
      if (bytesRead === 0) {
        if (carry > 0) {
          carryBuf.copy(b, R - carry, 0, carry);
          b[R] = LF;
          lines(b, R - carry, R);
          if (afterChunk) {
            const r = afterChunk(bytes, totalBytes);
            if (r) await r;
          }
        }
        return { bytes, totalBytes };
      }
      cur ^= 1;
      pending = fh.read(bufs[cur]!, R, hwm, null);
      if (onData) onData(b.subarray(R, R + bytesRead));
      bytes += bytesRead;
      const limit = R + bytesRead;
      const start = R - carry;
      if (carry > 0) carryBuf.copy(b, start, 0, carry);
      // The carried part holds no LF, so only the new bytes need searching.
      const found = b.subarray(R, limit).lastIndexOf(LF);
      if (found < 0) {
        carry = limit - start;
      } else {
        const lastLf = R + found;
        lines(b, start, lastLf);
        carry = limit - (lastLf + 1);
      }
      if (carry > R) tooLong();
      if (carry > 0) b.copy(carryBuf, 0, limit - carry, limit);
      if (found >= 0 && afterChunk) {
        const r = afterChunk(bytes, totalBytes);
        if (r) await r;
      }
    }
  } finally {
    if (pending) await pending.catch(() => undefined);
    await fh.close();
  }
}

/**
 * Streams a bar CSV, validating every row, and delivers good rows as exact fixed-point bars.
 * Bad rows throw (policy 'fail') or go to `onRejected` (policy 'quarantine').
 *
 * @example
 * const res = await readBars({ path: 'data/sample-bars.csv', instruments, badRows: 'fail',
 *   onBar: (b) => loop.bar(b) });
 * console.log(res.bars, res.sha256);
 */
export async function readBars(opts: ReadBarsOptions): Promise<ReadBarsResult> {
  const { path, onChunk } = opts;
  const skip = Math.max(0, Math.floor(opts.skipRows ?? 0));
  const decoder = new BarDecoder(opts.instruments, path, opts.badRows, skip, opts.onBar, opts.onRejected);
  const hash = createHash('sha256');
  const { bytes } = await readChunks(
    path,
    opts.highWaterMark ?? DEFAULT_HIGH_WATER_MARK,
    (b, start, lastLf) => decoder.feed(b, start, lastLf),
    (data) => hash.update(data),
    onChunk ? (bytesRead, totalBytes): void | Promise<void> => onChunk({ bytesRead, totalBytes, line: decoder.line } satisfies ChunkInfo) : undefined,
    () => decoder.tooLong(),
  );
  if (!decoder.headerDone) {
    throw new ReckonError('BAD_INPUT', `${path}:1: empty file; expected the header "${CSV_HEADER}"`);
  }
  return { bars: decoder.good, badRows: decoder.bad, lastLine: decoder.lastDataLine, bytes, sha256: hash.digest('hex') };
}

/** The reused output object of {@link rawDecodeBars}; prices and volume as plain numbers. */
export class RawBar {
  ts = 0;
  instrument = 0;
  open = 0;
  high = 0;
  low = 0;
  close = 0;
  volume = 0;
}

/** Decoder without validation: the physical limit of turning the CSV into numbers. */
class RawDecoder {
  constructor(private readonly onBar: ((bar: RawBar) => void) | undefined) {}
  rows = 0;
  checksum = 0;
  private headerDone = false;
  private readonly bar = new RawBar();
  private readonly vals = new Float64Array(5);
  private val = 0;
  private pos = 0;
  private cY = -1;
  private cM = -1;
  private cD = -1;
  private cDays = 0;
  // Instrument ids interned on first sight.
  private table = new Int32Array(64);
  private keys: Uint8Array[] = [];
  private count = 0;

  feed(b: Buffer, start: number, end: number): void {
    let s = start;
    if (!this.headerDone) {
      this.headerDone = true;
      s = b.indexOf(LF, s) + 1;
    }
    const bar = this.bar;
    while (s <= end) {
      if (b[s] === LF || b[s] === CR) {
        s = b.indexOf(LF, s) + 1;
        continue;
      }
      let p = this.ts(b, s) + 1;
      // instrument
      const f = p;
      let h = 0x811c9dc5 | 0;
      let c = b[p]!;
      while (c !== COMMA && c !== LF) {
        h = Math.imul(h ^ c, 0x01000193);
        c = b[++p]!;
      }
      bar.instrument = this.intern(b, f, p, h);
      const v = this.vals;
      for (let k = 0; k < 5; k++) {
        p = this.num(b, p + 1);
        v[k] = this.val;
      }
      bar.open = v[0]!;
      bar.high = v[1]!;
      bar.low = v[2]!;
      bar.close = v[3]!;
      bar.volume = v[4]!;
      this.checksum += bar.close;
      this.rows++;
      if (this.onBar !== undefined) this.onBar(bar);
      s = b[p] === LF ? p + 1 : b.indexOf(LF, p) + 1;
    }
  }

  private ts(b: Uint8Array, p: number): number {
    if (b[p + 4] === 45) {
      const y = (b[p]! - 48) * 1000 + (b[p + 1]! - 48) * 100 + (b[p + 2]! - 48) * 10 + (b[p + 3]! - 48);
      const mo = (b[p + 5]! - 48) * 10 + (b[p + 6]! - 48);
      const d = (b[p + 8]! - 48) * 10 + (b[p + 9]! - 48);
      const hh = (b[p + 11]! - 48) * 10 + (b[p + 12]! - 48);
      const mi = (b[p + 14]! - 48) * 10 + (b[p + 15]! - 48);
      const ss = (b[p + 17]! - 48) * 10 + (b[p + 18]! - 48);
      let q = p + 19;
      let ms = 0;
      if (b[q] === 46) {
        q++;
        let n = 0;
        let c = b[q]!;
        while (c >= 48 && c <= 57) {
          ms = ms * 10 + (c - 48);
          n++;
          c = b[++q]!;
        }
        if (n === 1) ms *= 100;
        else if (n === 2) ms *= 10;
      }
      let days: number;
      if (d === this.cD && mo === this.cM && y === this.cY) {
        days = this.cDays;
      } else {
        days = daysFromCivil(y, mo, d);
        this.cY = y;
        this.cM = mo;
        this.cD = d;
        this.cDays = days;
      }
      this.bar.ts = (days * 86400 + hh * 3600 + mi * 60 + ss) * 1000 + ms;
      return q + 1; // past 'Z', at the comma
    }
    let v = 0;
    let c = b[p]!;
    while (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      c = b[++p]!;
    }
    this.bar.ts = v;
    return p;
  }

  /** A decimal at p as a number; returns the position of the byte after it. */
  private num(b: Uint8Array, p: number): number {
    let v = 0;
    let c = b[p]!;
    while (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      c = b[++p]!;
    }
    if (c === 46) {
      const f0 = p + 1;
      c = b[++p]!;
      while (c >= 48 && c <= 57) {
        v = v * 10 + (c - 48);
        c = b[++p]!;
      }
      v /= POW10[p - f0]!;
    }
    this.val = v;
    return p;
  }

  private intern(b: Uint8Array, f: number, p: number, h: number): number {
    const len = p - f;
    let mask = this.table.length - 1;
    let slot = h & mask;
    for (;;) {
      const k = this.table[slot]!;
      if (k === 0) break;
      const key = this.keys[k - 1]!;
      if (key.length === len) {
        let j = 0;
        while (j < len && key[j] === b[f + j]) j++;
        if (j === len) return k - 1;
      }
      slot = (slot + 1) & mask;
    }
    const id = this.count++;
    this.keys.push(Uint8Array.from(b.subarray(f, p)));
    if (this.count * 2 > this.table.length) {
      this.table = new Int32Array(this.table.length * 2);
      mask = this.table.length - 1;
      this.keys.forEach((key, i) => {
        let sl = fnv1a(key) & mask;
        while (this.table[sl] !== 0) sl = (sl + 1) & mask;
        this.table[sl] = i + 1;
      });
    } else {
      this.table[slot] = id + 1;
    }
    return id;
  }
}

/**
 * The benchmark's "input limit": reads and parses the same CSV into numbers (every field: ts,
 * instrument interned to an index, prices, volume) with no validation, no hashing and no pipeline.
 * Returns the row count and the sum of closes, so the work cannot be optimised away. `onBar`, if
 * given, sees every row as one reused {@link RawBar} (instrument = index in order of first sight).
 *
 * @example
 * const { rows } = await rawDecodeBars('data/sample-bars.csv');
 */
export async function rawDecodeBars(path: string, onBar?: (bar: RawBar) => void): Promise<{ rows: number; checksum: number }> {
  const d = new RawDecoder(onBar);
  const tooLong = (): never => {
    throw new ReckonError('BAD_INPUT', `${path}: a line longer than ${MAX_LINE_BYTES} bytes; not a bar CSV`);
  };
  await readChunks(path, DEFAULT_HIGH_WATER_MARK, (b, start, lastLf) => d.feed(b, start, lastLf), undefined, undefined, tooLong);
  return { rows: d.rows, checksum: d.checksum };
}
