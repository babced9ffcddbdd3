/**
 * A first look at data nobody has configured yet (`reckon init`): one streaming pass that finds
 * each instrument and infers what a config needs — the price and size increments (the largest
 * decimal step every value is a multiple of: the greatest common divisor of the values at their
 * common scale), first and last time, the bar interval (the most common gap between consecutive
 * bars), typical prices and volumes (medians of a deterministic sample) and the highest price.
 * Rows this pass cannot read are counted, not judged: the validating reader has the last word.
 */
import { ReckonError } from '../domain/errors.js';
import { LineChunks, MAX_LINE_BYTES } from './chunks.js';
import { instrumentOfFileName } from './csv-reader.js';
import { FIELDS, type DataLayoutConfig } from './layout.js';
import type { MarketDataSource } from './source.js';
import { F_AUTO, TimestampReader, type TimestampUnit } from './timestamp-reader.js';

const LF = 10;
const CR = 13;
const SAMPLE_MAX = 1 << 16;
const DELTAS_MAX = 4096;

/** What the scan found for one instrument. */
export interface InstrumentScan {
  readonly id: string;
  /** file:line of its first row (for messages). */
  readonly firstSeen: string;
  readonly bars: number;
  readonly firstTs: number;
  readonly lastTs: number;
  /** Most common positive gap between consecutive bars in ms (0 with fewer than two bars). */
  readonly intervalMs: number;
  /** Increments as decimal strings, e.g. "0.1" and "0.00001". */
  readonly priceIncrement: string;
  readonly sizeIncrement: string;
  /** Decimals the values need (above 15, or a value beyond 2^53 at that scale: Infinity). */
  readonly priceDecimals: number;
  readonly sizeDecimals: number;
  readonly medianClose: number;
  readonly maxHigh: number;
  readonly medianVolume: number;
  /** Bars with zero volume. */
  readonly zeroVolume: number;
}

export interface ScanResult {
  readonly instruments: readonly InstrumentScan[];
  /** Data rows the scan could not read (bad timestamps, non-decimal values, wrong column count). */
  readonly unreadable: number;
  /** First unreadable row, file:line. */
  readonly firstUnreadable: string | undefined;
  /** Timestamp form per file (undefined when a file had no readable row). */
  readonly timestamps: readonly (TimestampUnit | undefined)[];
}

/** The greatest common divisor of decimal values, tracked at their common scale. */
class DecimalGcd {
  scale = 0;
  g = 0;
  overflow = false;

  /** Adds a value given as integer and fraction digits ("100", "25" for 100.25). */
  add(int: string, frac: string): void {
    const f = frac.replace(/0+$/, '');
    if (f.length > 15) {
      this.overflow = true;
      return;
    }
    if (f.length > this.scale) {
      this.g *= 10 ** (f.length - this.scale);
      this.scale = f.length;
    }
    const m = Number(int + f.padEnd(this.scale, '0'));
    if (!Number.isSafeInteger(m) || !Number.isSafeInteger(this.g)) {
      this.overflow = true;
      return;
    }
    this.g = gcd(this.g, m);
  }

  /** The increment as a decimal string ("0.05"); "1" when every value was zero. */
  text(): string {
    let g = this.g;
    let s = this.scale;
    if (g === 0) return '1';
    while (s > 0 && g % 10 === 0) {
      g /= 10;
      s--;
    }
    if (s === 0) return String(g);
    const digits = String(g).padStart(s + 1, '0');
    return `${digits.slice(0, -s)}.${digits.slice(-s)}`;
  }

  decimals(): number {
    return this.overflow ? Infinity : this.text().split('.')[1]?.length ?? 0;
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** A deterministic sample of at most SAMPLE_MAX values: every k-th, k doubling when full. */
class Sample {
  private readonly values: number[] = [];
  private stride = 1;
  private seen = 0;

  add(v: number): void {
    if (this.seen++ % this.stride !== 0) return;
    this.values.push(v);
    if (this.values.length >= SAMPLE_MAX) {
      for (let i = 0; i < this.values.length / 2; i++) this.values[i] = this.values[2 * i]!;
      this.values.length = SAMPLE_MAX / 2;
      this.stride *= 2;
    }
  }

  median(): number {
    if (this.values.length === 0) return 0;
    const s = [...this.values].sort((a, b) => a - b);
    return s[s.length >> 1]!;
  }
}

class Acc {
  bars = 0;
  firstTs = 0;
  lastTs = 0;
  readonly deltas = new Map<number, number>();
  readonly price = new DecimalGcd();
  readonly size = new DecimalGcd();
  readonly closes = new Sample();
  readonly volumes = new Sample();
  maxHigh = 0;
  zeroVolume = 0;
  constructor(readonly id: string, readonly firstSeen: string) {}

  result(): InstrumentScan {
    let interval = 0;
    let best = 0;
    for (const [d, n] of this.deltas) if (n > best || (n === best && d < interval)) [interval, best] = [d, n];
    return {
      id: this.id, firstSeen: this.firstSeen, bars: this.bars, firstTs: this.firstTs, lastTs: this.lastTs, intervalMs: interval,
      priceIncrement: this.price.text(), sizeIncrement: this.size.text(), priceDecimals: this.price.decimals(), sizeDecimals: this.size.decimals(),
      medianClose: this.closes.median(), maxHigh: this.maxHigh, medianVolume: this.volumes.median(), zeroVolume: this.zeroVolume,
    };
  }
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Scans every file of an inspected source (no instruments configured yet).
 *
 * @example
 * const scan = await scanMarketData(await inspectMarketData('my.csv'), {});
 * scan.instruments[0] // { id: 'BTC-USD', priceIncrement: '0.1', sizeIncrement: '0.00001', intervalMs: 60000, ... }
 */
export async function scanMarketData(source: MarketDataSource, data: DataLayoutConfig): Promise<ScanResult> {
  const accs = new Map<string, Acc>();
  let unreadable = 0;
  let firstUnreadable: string | undefined;
  const timestamps: (TimestampUnit | undefined)[] = [];
  for (const file of source.files) {
    const layout = file.layout;
    const delim = layout.delimiter.charCodeAt(0);
    const col = layout.column;
    const width = layout.header.length;
    const tsr = new TimestampReader(data.timestamp);
    const fileInstrument = file.instrument ?? instrumentOfFileName(file.name);
    let line = 0;
    const bad = (): void => {
      unreadable++;
      firstUnreadable ??= `${file.path}:${line}`;
    };
    const chunks = await LineChunks.open(file.path, file.path, 1 << 20, undefined, () => {
      throw new ReckonError('BAD_INPUT', `${file.path}:${line + 1}: line longer than ${MAX_LINE_BYTES} bytes; not a bar CSV`);
    });
    try {
      while (await chunks.next()) {
        const b = chunks.b;
        let s = chunks.start;
        const end = chunks.end;
        while (s <= end) {
          const nl = b.indexOf(LF, s);
          const e = nl > s && b[nl - 1] === CR ? nl - 1 : nl;
          line++;
          if (line > 1 && e > s) scanRow(b, s, e);
          s = nl + 1;
        }
      }
    } finally {
      await chunks.close();
    }
    timestamps.push(tsr.unit);

    function scanRow(b: Buffer, s: number, e: number): void {
      const text = b.toString('utf8', s, e);
      const fields = text.split(layout.delimiter);
      if (fields.length !== width) return bad();
      let start = s;
      for (let i = 0; i < col[0]!; i++) start += Buffer.byteLength(fields[i]!) + 1;
      if (tsr.parse(b, start, delim) !== 0) return bad();
      const values = FIELDS.slice(2).map((f) => DECIMAL.exec(fields[col[FIELDS.indexOf(f)]!]!));
      if (values.some((m) => m === null)) return bad();
      if (tsr.form === F_AUTO) tsr.commit(line);
      const id = col[1]! >= 0 ? fields[col[1]!]! : fileInstrument;
      let acc = accs.get(id);
      if (!acc) accs.set(id, (acc = new Acc(id, `${file.path}:${line}`)));
      const ts = tsr.val;
      if (acc.bars > 0 && ts > acc.lastTs && acc.deltas.size < DELTAS_MAX) acc.deltas.set(ts - acc.lastTs, (acc.deltas.get(ts - acc.lastTs) ?? 0) + 1);
      if (acc.bars === 0) acc.firstTs = ts;
      acc.lastTs = Math.max(acc.lastTs, ts);
      acc.bars++;
      const [o, h, l, c, v] = values as RegExpExecArray[];
      for (const m of [o!, h!, l!, c!]) acc.price.add(m[1]!, m[2] ?? '');
      acc.size.add(v![1]!, v![2] ?? '');
      acc.maxHigh = Math.max(acc.maxHigh, Number(h![0]));
      acc.closes.add(Number(c![0]));
      const vol = Number(v![0]);
      acc.volumes.add(vol);
      if (vol === 0) acc.zeroVolume++;
    }
  }
  const instruments = [...accs.values()].map((a) => a.result()).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { instruments, unreadable, firstUnreadable, timestamps };
}
