/**
 * The benchmark's "input limit": the canonical CSV turned into numbers with no validation, no
 * hashing and no pipeline — the physical limit a validating reader is measured against.
 */
import { ReckonError } from '../domain/errors.js';
import { DEFAULT_HIGH_WATER_MARK, LineChunks, MAX_LINE_BYTES } from './chunks.js';
import { DayCache } from './timestamp.js';

const LF = 10;
const CR = 13;
const COMMA = 44;
const POW10 = new Float64Array(16).map((_, i) => 10 ** i);

function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h;
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
  private readonly dayCache = new DayCache();
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
      const days = this.dayCache.of(y, mo, d);
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
  const chunks = await LineChunks.open(path, path, DEFAULT_HIGH_WATER_MARK, undefined, tooLong);
  try {
    while (await chunks.next()) d.feed(chunks.b, chunks.start, chunks.end);
  } finally {
    await chunks.close();
  }
  return { rows: d.rows, checksum: d.checksum };
}
