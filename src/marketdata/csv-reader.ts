/**
 * Streaming, validating bar CSV reader (one file, plain or gzip).
 *
 * The file is read in chunks (never whole), hashed incrementally (SHA-256 of the file as stored
 * identifies the input in the journal) and parsed byte by byte: the instrument field is matched
 * against the known ids without creating a string, decimals are accumulated digit by digit
 * straight into integers at the instrument's scale, timestamps are converted arithmetically.
 * Strings are only built for rejected rows, to write a precise reason.
 *
 * Layout: the header line names the columns (layout.ts: aliases, any order, extra columns ignored,
 * `,` `;` or tab, or the config's mapping). The canonical layout `ts,instrument,open,high,low,close,volume`
 * has its own fast path; every other layout first splits the line at the delimiter, then parses
 * the same way. A file without an instrument column holds one instrument (from the file name).
 *
 * Row rules: LF or CRLF; empty lines at the very end are ignored, empty lines in between are bad
 * rows; no quoting, no blanks around fields, no sign; timestamps per timestamp-reader.ts (one
 * form per file); decimals are `digits[.digits]`, and trailing zeros beyond the instrument's
 * scale are accepted ("1.500" at 0.01); volume may be zero, prices may not; high >= max(open,
 * close) >= min(open, close) >= low; prices and volume within the run's bounds (row-bounds.ts);
 * timestamps must not decrease per instrument (equal is fine). A line over 64 KiB is not a bar
 * row: the read stops. The first failed check is reported, in field order (a wrong column count first).
 *
 * This file is over 400 lines because the decoder's fast path must stay one class (its parse
 * helpers inline into the row loop); the layout, timestamp, chunking and bounds parts live apart.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { ReckonError } from '../domain/errors.js';
import type { Instrument } from '../domain/types.js';
import type { Bar, BadRowPolicy, MutableBar, RejectedRow } from './bar.js';
import { DEFAULT_HIGH_WATER_MARK, LineChunks, MAX_LINE_BYTES } from './chunks.js';
import { CSV_HEADER, detectLayout, FIELDS, type DataLayoutConfig, type Layout } from './layout.js';
import type { RowBounds } from './row-bounds.js';
import { DayCache, daysInMonth, formatIsoUtc } from './timestamp.js';
import { F_AUTO, F_ISO, F_MS, TimestampReader, type TimestampUnit } from './timestamp-reader.js';

export { CSV_HEADER } from './layout.js';
export { MAX_LINE_BYTES } from './chunks.js';
export { rawDecodeBars, RawBar } from './raw-decode.js';

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
  /** The config's `data` section: column mapping, delimiter, timestamp unit. Default: detect. */
  data?: DataLayoutConfig;
  /** The instrument of every row when the file has no instrument column; default: the file name without extensions. */
  instrument?: string;
  /** Largest price and volume per instrument (row-bounds.ts); default: only 2^53. */
  bounds?: RowBounds;
  /**
   * How a rejected row names its file (RejectedRow.file, journaled in quarantine mode); default
   * the basename, so a journal never depends on where the data lives. Errors name `path` as given.
   */
  name?: string;
}

export interface ReadBarsResult {
  /** Good rows in the file, including the ones skipped by `skipRows` (delivered = bars - skipRows). */
  bars: number;
  /** Bad rows in the file (quarantine mode), including any before the skip point. */
  badRows: number;
  /** Line number of the last non-empty line (1 = header only). */
  lastLine: number;
  /** Bytes read = file size (as stored: compressed for gzip). */
  bytes: number;
  /** SHA-256 (hex) of the whole file as stored. */
  sha256: string;
  /** The layout read from the header. */
  layout: Layout;
  /** The timestamp form of the file (undefined when no row was good). */
  timestamp: TimestampUnit | undefined;
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
const E_BOUND = 13;

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
const I_TS = 0;
const I_INSTRUMENT = 1;
const I_HIGH = 3;
const I_VOLUME = 6;

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

/** A data file's name without its extensions: the instrument of a file without an instrument column. */
export function instrumentOfFileName(name: string): string {
  return basename(name).replace(/(\.(csv|tsv|txt))?(\.gz)?$/i, '');
}

/** The error for a file without an instrument column whose name is not a configured instrument. */
export function unknownFileInstrument(path: string, id: string, known: readonly string[]): ReckonError {
  const list = known.slice(0, 8).join(', ') + (known.length > 8 ? ', …' : '');
  return new ReckonError('BAD_INPUT', `${path}:1: no instrument column, and the file name gives "${id}", which is not a configured instrument (known: ${list})`);
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

interface DecoderOptions {
  readonly instruments: ReadonlyMap<string, Instrument>;
  /** Names the file in thrown errors (the path as given). */
  readonly path: string;
  /** Names the file in rejected rows. */
  readonly name: string;
  readonly policy: BadRowPolicy;
  readonly skip: number;
  readonly onBar: (bar: Bar) => void;
  readonly onRejected: ((row: RejectedRow) => void) | undefined;
  readonly data: DataLayoutConfig;
  readonly instrument: string | undefined;
  readonly bounds: RowBounds | undefined;
}

/** The validating decoder: parses lines from a buffer, tracks per-instrument order, delivers bars. */
export class BarDecoder {
  private readonly ids: IdTable;
  private readonly insts: Instrument[];
  private readonly pScale: Int32Array;
  // Plain arrays of small integers (Smi): `%` on them compiles to an integer modulo, not fmod.
  private readonly tick: number[];
  private readonly sScale: Int32Array;
  private readonly lot: number[];
  private readonly maxPx: Float64Array;
  private readonly maxVol: Float64Array;
  private readonly lastTs: Float64Array;
  private readonly lastLine: Float64Array;
  private readonly bar: MutableBar;
  /** The file's timestamps (form detection, slow forms, messages). */
  readonly tsr: TimestampReader;
  // The file's timestamp form and epoch band, mirrored from tsr for the hot path.
  private tsForm = F_AUTO;
  private tsLo = 0;
  private tsHi = 0;
  private readonly skip: number;
  private readonly onBar: (bar: Bar) => void;

  // Layout, set by the header.
  layout: Layout | undefined;
  private canonical = true;
  private delim = COMMA;
  private col: Int32Array = new Int32Array(7);
  private ncols = 7;
  private starts = new Int32Array(8);
  private fileInst = -1;
  private headerText = CSV_HEADER;

  // Scratch outputs of the parse functions.
  private readonly px = new Float64Array(7);
  private val = 0;
  private pos = 0;
  // Error details, valid after a non-zero return of row().
  private errField = 0;
  private errDetail = 0;
  private errInst = -1;
  private errTs = 0;
  private readonly dayCache = new DayCache();

  // Reader state.
  line = 0;
  lastDataLine = 0;
  good = 0;
  bad = 0;
  headerDone = false;
  private pendingEmpty = 0;

  constructor(private readonly o: DecoderOptions) {
    this.insts = [...o.instruments.values()];
    const n = this.insts.length;
    this.ids = new IdTable(this.insts.map((i) => i.id));
    this.pScale = Int32Array.from(this.insts, (i) => i.priceScale);
    this.tick = this.insts.map((i) => i.tick);
    this.sScale = Int32Array.from(this.insts, (i) => i.sizeScale);
    this.lot = this.insts.map((i) => i.lot);
    this.maxPx = Float64Array.from(this.insts, (i) => o.bounds?.maxPrice.get(i.id) ?? MAX_SAFE);
    this.maxVol = Float64Array.from(this.insts, (i) => o.bounds?.maxVolume.get(i.id) ?? MAX_SAFE);
    this.lastTs = new Float64Array(n).fill(-1);
    this.lastLine = new Float64Array(n);
    for (const i of this.insts) {
      if (i.priceScale > 15 || i.sizeScale > 15) throw new ReckonError('CONFIG_INVALID', `instrument ${i.id}: scale above 15`);
    }
    this.tsr = new TimestampReader(o.data.timestamp);
    this.syncTs();
    this.skip = o.skip;
    this.onBar = o.onBar;
    const first = this.insts[0];
    this.bar = { ts: 0, instrument: first as Instrument, open: 0, high: 0, low: 0, close: 0, volume: 0, line: 0 };
  }

  private syncTs(): void {
    this.tsForm = this.tsr.form;
    this.tsLo = this.tsr.low;
    this.tsHi = this.tsr.high;
  }

  /** Processes every line in b[start, end], where b[end] is a line feed. */
  feed(b: Buffer, start: number, end: number): void {
    let s = start;
    if (!this.headerDone) s = this.header(b, s);
    const canonical = this.canonical;
    while (s <= end) {
      const line = ++this.line;
      const c = b[s];
      if (c === LF || (c === CR && b[s + 1] === LF)) {
        this.pendingEmpty++;
        s += c === LF ? 1 : 2;
        continue;
      }
      if (this.pendingEmpty !== 0) this.flushEmpty(line);
      const r = canonical ? this.row(b, s, line) : this.rowMapped(b, s, line);
      if (r === 0) {
        if (this.pos - s > MAX_LINE_BYTES) this.tooLong(line);
        if (this.tsForm === F_AUTO) {
          this.tsr.commit(line);
          this.syncTs();
        }
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

  /** Reads the layout from line 1 (after an optional UTF-8 BOM); returns the offset of line 2. */
  private header(b: Buffer, s: number): number {
    this.line = 1;
    this.lastDataLine = 1;
    this.headerDone = true;
    if (b[s] === 0xef && b[s + 1] === 0xbb && b[s + 2] === 0xbf) s += 3;
    const nl = b.indexOf(LF, s);
    const e = nl > s && b[nl - 1] === CR ? nl - 1 : nl;
    this.headerText = b.toString('utf8', s, e);
    const layout = detectLayout(this.headerText, this.o.data, `${this.o.path}:1`);
    this.layout = layout;
    this.canonical = layout.canonical;
    this.delim = layout.delimiter.charCodeAt(0);
    this.col = Int32Array.from(layout.column);
    this.ncols = layout.header.length;
    this.starts = new Int32Array(this.ncols + 1);
    if (layout.column[I_INSTRUMENT]! < 0) {
      const id = this.o.instrument ?? instrumentOfFileName(this.o.name);
      this.fileInst = this.insts.findIndex((i) => i.id === id);
      if (this.fileInst < 0) throw unknownFileInstrument(this.o.path, id, this.insts.map((i) => i.id));
    }
    return nl + 1;
  }

  /** Called for the line being read when it exceeds MAX_LINE_BYTES (also from the chunk reader). */
  tooLong(line = this.line + 1): never {
    throw new ReckonError('BAD_INPUT', `${this.o.path}:${line}: line longer than ${MAX_LINE_BYTES} bytes; not a bar CSV`);
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
    if (this.o.policy === 'fail') throw new ReckonError('BAD_INPUT', `${this.o.path}:${line}: ${reason}`);
    this.bad++;
    if (this.o.onRejected && this.good >= this.o.skip) this.o.onRejected({ file: this.o.name, line, reason, raw });
  }

  /**
   * Parses and validates a canonical line starting at s. Returns 0 and fills the bar (this.pos =
   * index of the terminating LF), or an error code with errField/errDetail/errInst set.
   */
  private row(b: Uint8Array, s: number, line: number): number {
    let r = this.ts(b, s, COMMA);
    if (r !== 0) {
      this.errField = I_TS;
      return r;
    }
    let p = this.pos;
    if (b[p] !== COMMA) return E_COLUMNS;
    const ts = this.val;
    p++;

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
      this.errField = I_INSTRUMENT;
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

    // volume: zero allowed, must end the line.
    this.errField = I_VOLUME;
    if ((r = this.dec(b, p, this.sScale[idx]!, COMMA)) !== 0) return r;
    p = this.pos;
    c = b[p]!;
    if (c === CR && b[p + 1] === LF) p++;
    else if (c !== LF) return c === COMMA ? E_COLUMNS : E_NOT_DECIMAL;
    const volume = this.val;
    const lot = this.lot[idx]!;
    if (lot !== 1 && volume % lot !== 0) return E_NOT_MULTIPLE;
    return this.finish(ts, idx, volume, p, line);
  }

  /**
   * Any other layout: split the line at the delimiter (column count first), then parse the fields
   * in canonical order from their start offsets. Same results and codes as row().
   */
  private rowMapped(b: Uint8Array, s: number, line: number): number {
    const d = this.delim;
    const n = this.ncols;
    const st = this.starts;
    let k = 0;
    let p = s;
    st[0] = s;
    let c = b[p]!;
    while (c !== LF) {
      if (c === d) {
        if (++k === n) return E_COLUMNS;
        st[k] = p + 1;
      }
      c = b[++p]!;
    }
    if (k !== n - 1) return E_COLUMNS;
    const lf = p;
    st[n] = (lf > s && b[lf - 1] === CR ? lf - 1 : lf) + 1;
    const col = this.col;

    let fc = col[I_TS]!;
    let r = this.ts(b, st[fc]!, d);
    this.errField = I_TS;
    if (r !== 0) return r;
    if (this.pos !== st[fc + 1]! - 1) return this.tsFormat();
    const ts = this.val;

    let idx = this.fileInst;
    fc = col[I_INSTRUMENT]!;
    if (fc >= 0) {
      const f = st[fc]!;
      const e = st[fc + 1]! - 1;
      let h = 0x811c9dc5 | 0;
      for (let q = f; q < e; q++) h = Math.imul(h ^ b[q]!, 0x01000193);
      idx = this.ids.find(b, f, e, h);
      if (idx < 0) {
        this.errField = I_INSTRUMENT;
        return E_INSTRUMENT;
      }
    }
    this.errInst = idx;
    const ps = this.pScale[idx]!;
    const tick = this.tick[idx]!;
    const px = this.px;
    for (k = 2; k < 7; k++) {
      fc = col[k]!;
      this.errField = k;
      if ((r = this.dec(b, st[fc]!, k === I_VOLUME ? this.sScale[idx]! : ps, d)) !== 0) return r;
      if (this.pos !== st[fc + 1]! - 1) return E_NOT_DECIMAL;
      const v = this.val;
      if (k === I_VOLUME) {
        const lot = this.lot[idx]!;
        if (lot !== 1 && v % lot !== 0) return E_NOT_MULTIPLE;
      } else {
        if (v === 0) return E_ZERO;
        if (tick !== 1 && v % tick !== 0) return E_NOT_MULTIPLE;
      }
      px[k] = v;
    }
    return this.finish(ts, idx, px[I_VOLUME]!, lf, line);
  }

  private tsFormat(): number {
    this.errDetail = 1;
    return E_TS;
  }

  /** The row-level checks (OHLC, bounds, time order) and the bar; p = index of the row's LF. */
  private finish(ts: number, idx: number, volume: number, p: number, line: number): number {
    const px = this.px;
    const open = px[2]!;
    const high = px[3]!;
    const low = px[4]!;
    const close = px[5]!;
    if (high < open) return this.ohlc(OHLC_HIGH_OPEN);
    if (high < close) return this.ohlc(OHLC_HIGH_CLOSE);
    if (low > open) return this.ohlc(OHLC_LOW_OPEN);
    if (low > close) return this.ohlc(OHLC_LOW_CLOSE);
    // high is the largest price of a consistent bar, so one comparison bounds all four.
    if (high > this.maxPx[idx]!) {
      this.errField = I_HIGH;
      return E_BOUND;
    }
    if (volume > this.maxVol[idx]!) {
      this.errField = I_VOLUME;
      return E_BOUND;
    }
    if (ts < this.lastTs[idx]!) {
      this.errField = I_TS;
      this.errTs = ts;
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
    const r = this.dec(b, p, scale, COMMA);
    if (r !== 0) return r;
    if (b[this.pos] !== COMMA) return b[this.pos] === LF || b[this.pos] === CR ? E_COLUMNS : E_NOT_DECIMAL;
    const v = this.val;
    if (v === 0) return E_ZERO;
    if (tick !== 1 && v % tick !== 0) return E_NOT_MULTIPLE;
    return 0;
  }

  /**
   * `digits[.digits]` at p as an integer at `scale`; stops at the first other byte (pos), which
   * must be the delimiter, CR or LF. Extra decimals are accepted only when they are zeros.
   */
  private dec(b: Uint8Array, p: number, scale: number, delim: number): number {
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
    if (c !== delim && c !== LF && c !== CR) return E_NOT_DECIMAL;
    if (neg) return E_NEGATIVE;
    if (fd !== scale) v *= POW10[scale - fd]!;
    if (v > MAX_SAFE) return E_TOO_LARGE;
    if (excess !== 0) return E_EXCESS_DECIMALS;
    this.val = v;
    return 0;
  }

  /**
   * A timestamp at p ending at `delim`, CR or LF; sets val (epoch ms) and pos. Inline fast paths
   * for the two common forms once the file's form is known (`YYYY-MM-DDTHH:MM:SS[.sss]Z` and
   * epoch ms); everything else (detection, other forms, errors) goes to the TimestampReader.
   */
  private ts(b: Uint8Array, p: number, delim: number): number {
    const form = this.tsForm;
    if (form === F_ISO) {
      if (b[p + 4] === 45 && b[p + 7] === 45 && b[p + 10] === 84 && b[p + 13] === 58 && b[p + 16] === 58) {
        const y = dig(b, p) * 1000 + dig(b, p + 1) * 100 + dig(b, p + 2) * 10 + dig(b, p + 3);
        const mo = dig(b, p + 5) * 10 + dig(b, p + 6);
        const d = dig(b, p + 8) * 10 + dig(b, p + 9);
        const hh = dig(b, p + 11) * 10 + dig(b, p + 12);
        const mi = dig(b, p + 14) * 10 + dig(b, p + 15);
        const ss = dig(b, p + 17) * 10 + dig(b, p + 18);
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
          if (n === 1) ms *= 100;
          else if (n === 2) ms *= 10;
          c = n === 0 ? 0 : b[q];
        }
        if (c === 90 && b[q + 1] === delim && (y | mo | d | hh | mi | ss) >= 0 && mo >= 1 && mo <= 12 && d >= 1 &&
            (d <= 28 || d <= daysInMonth(y, mo)) && hh <= 23 && mi <= 59 && ss <= 59 && y >= 1970 && y <= 2200) {
          const days = this.dayCache.of(y, mo, d);
          this.val = (days * 86400 + hh * 3600 + mi * 60 + ss) * 1000 + ms;
          this.pos = q + 1;
          return 0;
        }
      }
    } else if (form === F_MS) {
      let q = p;
      let v = 0;
      let c = b[q]!;
      while (c >= 48 && c <= 57) {
        v = v * 10 + (c - 48);
        c = b[++q]!;
      }
      if (q !== p && c === delim && v >= this.tsLo && v <= this.tsHi) {
        this.val = v;
        this.pos = q;
        return 0;
      }
    }
    const r = this.tsr.parse(b, p, delim);
    if (r !== 0) {
      this.errDetail = r;
      return E_TS;
    }
    this.val = this.tsr.val;
    this.pos = this.tsr.pos;
    return 0;
  }

  /** Builds the reason text of a bad row from the fast path's error code (slow path only). */
  private describe(code: number, raw: string): string {
    const layout = this.layout!;
    const n = this.ncols;
    const expect = `expected ${n} columns (${clip(this.headerText)})`;
    if (code === E_EMPTY) return `empty line; ${expect}`;
    const fields = raw.split(layout.delimiter);
    if (fields.length !== n || code === E_COLUMNS) return `${expect}, found ${fields.length}`;
    const at = (field: number): string => fields[this.col[field]!] ?? '';
    const name = layout.header[this.col[this.errField]!]?.trim() ?? FIELDS[this.errField] ?? 'field';
    const text = at(this.errField);
    const inst = this.insts[this.errInst];
    const isVolume = this.errField === I_VOLUME;
    const kind = isVolume ? 'size' : 'price';
    const increment = inst ? (isVolume ? inst.sizeIncrement : inst.priceIncrement) : '?';
    const scale = inst ? (isVolume ? inst.sizeScale : inst.priceScale) : 0;
    switch (code) {
      case E_INSTRUMENT: {
        const known = this.insts.slice(0, 8).map((i) => i.id).join(', ');
        return `unknown instrument "${text}" (known: ${known}${this.insts.length > 8 ? ', …' : ''})`;
      }
      case E_TS:
        return this.tsr.describe(name, text, this.errDetail);
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
      case E_BOUND: {
        const max = isVolume ? this.maxVol[this.errInst]! : this.maxPx[this.errInst]!;
        const shown = inst ? (isVolume ? formatScaled(max, inst.sizeScale) : formatScaled(max, inst.priceScale)) : String(max);
        return `${name} "${text}" is above ${shown}, the largest ${isVolume ? 'volume' : 'price'} of ${inst?.id ?? '?'} this run can hold exactly: ` +
          (inst && this.o.bounds ? this.o.bounds.explain(inst, isVolume ? 'volume' : 'price') : 'beyond 2^53');
      }
      case E_OHLC: {
        const o = at(2), h = at(3), l = at(4), c = at(5);
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
        const cur = /^\d+$/.test(text) ? `${text} (${formatIsoUtc(this.errTs)})` : text;
        return `${name} ${cur} is before the previous ${inst?.id ?? '?'} bar at ${formatIsoUtc(this.lastTs[idx]!)} (line ${this.lastLine[idx]!}); timestamps must not decrease per instrument`;
      }
      default:
        return `malformed row; ${expect}`;
    }
  }
}

function formatScaled(v: number, scale: number): string {
  if (scale === 0) return String(v);
  const digits = String(v).padStart(scale + 1, '0');
  return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

function clip(s: string): string {
  return s.length > 120 ? s.slice(0, 120) + '…' : s;
}

/** The decoder for one file, for readers that drive the chunks themselves (directory merge). */
export function barDecoder(opts: ReadBarsOptions): BarDecoder {
  return new BarDecoder({
    instruments: opts.instruments, path: opts.path, name: opts.name ?? basename(opts.path), policy: opts.badRows,
    skip: Math.max(0, Math.floor(opts.skipRows ?? 0)), onBar: opts.onBar, onRejected: opts.onRejected,
    data: opts.data ?? {}, instrument: opts.instrument, bounds: opts.bounds,
  });
}

/** The result of a file whose decoder saw every byte; an empty file (no header) is bad input. */
export function decoderResult(decoder: BarDecoder, path: string, bytes: number, sha256: string): ReadBarsResult {
  if (!decoder.headerDone || !decoder.layout) {
    throw new ReckonError('BAD_INPUT', `${path}:1: empty file; expected a header line such as "${CSV_HEADER}"`);
  }
  return {
    bars: decoder.good, badRows: decoder.bad, lastLine: decoder.lastDataLine, bytes, sha256,
    layout: decoder.layout, timestamp: decoder.tsr.unit,
  };
}

/**
 * Streams a bar CSV (plain or gzip), validating every row, and delivers good rows as exact
 * fixed-point bars. Bad rows throw (policy 'fail') or go to `onRejected` (policy 'quarantine').
 *
 * @example
 * const res = await readBars({ path: 'data/sample-bars.csv', instruments, badRows: 'fail',
 *   onBar: (b) => loop.bar(b) });
 * console.log(res.bars, res.sha256);
 */
export async function readBars(opts: ReadBarsOptions): Promise<ReadBarsResult> {
  const { path, onChunk } = opts;
  const decoder = barDecoder(opts);
  const hash = createHash('sha256');
  const chunks = await LineChunks.open(path, path, opts.highWaterMark ?? DEFAULT_HIGH_WATER_MARK, (raw) => hash.update(raw), () => decoder.tooLong());
  try {
    while (await chunks.next()) {
      decoder.feed(chunks.b, chunks.start, chunks.end);
      if (onChunk) {
        const r = onChunk({ bytesRead: chunks.bytesRead, totalBytes: chunks.totalBytes, line: decoder.line });
        if (r) await r;
      }
    }
  } finally {
    await chunks.close();
  }
  return decoderResult(decoder, path, chunks.bytesRead, hash.digest('hex'));
}
