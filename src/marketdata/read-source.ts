/**
 * Reading an inspected market data source (source.ts): one file streams straight through the
 * reader; a directory's files are read side by side and merged into one stream in time order
 * (equal timestamps in file-name order), each file decoded a chunk ahead. What is delivered, and
 * in which order, depends only on the files' content, never on chunk sizes: a rejected row is
 * delivered right after the bar before it in its own file, and in fail mode the error is raised
 * at that same point of the merged stream.
 *
 * Identity: a single file is its SHA-256; a directory is the SHA-256 of the listing
 * `<sha256 of file>␠␠<file name>\n` over its files in name order (what `sha256sum` prints), so
 * it covers every byte and every name deterministically.
 */
import { createHash, type Hash } from 'node:crypto';
import { ReckonError } from '../domain/errors.js';
import type { Instrument } from '../domain/types.js';
import type { Bar, BadRowPolicy, MutableBar, RejectedRow } from './bar.js';
import { LineChunks } from './chunks.js';
import { barDecoder, decoderResult, readBars, type BarDecoder, type ReadBarsResult } from './csv-reader.js';
import type { DataLayoutConfig } from './layout.js';
import type { RowBounds } from './row-bounds.js';
import type { DataFile, MarketDataSource } from './source.js';
import type { TimestampUnit } from './timestamp-reader.js';

export interface ReadSourceOptions {
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly badRows: BadRowPolicy;
  readonly data?: DataLayoutConfig;
  readonly bounds?: RowBounds;
  /** Every good row in time order; one reused object, valid only during the call. */
  onBar(bar: Bar): void;
  /** Quarantine mode: every bad row, in order. */
  onRejected?(row: RejectedRow): void;
  /** After each chunk was read (the engine commits here). */
  onChunk?(p: { bytesRead: number; totalBytes: number }): void | Promise<void>;
  /** Bytes per read and file; default 1 MiB for one file, less per file for many. */
  readonly highWaterMark?: number;
}

/** What summary.json reports about the input. */
export interface DataSummary {
  readonly name: string;
  readonly files: number;
  readonly bytes: number;
  readonly sha256: string;
  /** The timestamp form of the files ("mixed" when a directory's files differ). */
  readonly timestamp: TimestampUnit | 'mixed' | null;
  /** Columns no field uses (read past, never parsed); for a directory with the files they were in. */
  readonly ignoredColumns: readonly string[];
}

export interface ReadSourceResult {
  readonly bars: number;
  readonly badRows: number;
  /** The last line of a file; for a directory the sum over its files. */
  readonly lastLine: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly files: readonly ReadBarsResult[];
  readonly summary: DataSummary;
}

/**
 * Reads every file of the source through the validating reader.
 *
 * @example
 * const source = await inspectMarketData('bars/', { instruments: cfg.instrumentById });
 * const res = await readMarketData(source, { instruments: cfg.instrumentById, badRows: 'fail', onBar: (b) => engine.onBar(b) });
 */
export async function readMarketData(source: MarketDataSource, opts: ReadSourceOptions): Promise<ReadSourceResult> {
  if (source.kind === 'file') {
    const f = source.files[0]!;
    const r = await readBars({
      path: f.path, name: f.name, instrument: f.instrument, instruments: opts.instruments, badRows: opts.badRows, data: opts.data,
      bounds: opts.bounds, onBar: opts.onBar, onRejected: opts.onRejected, onChunk: opts.onChunk, highWaterMark: opts.highWaterMark,
    });
    return { bars: r.bars, badRows: r.badRows, lastLine: r.lastLine, bytes: r.bytes, sha256: r.sha256, files: [r], summary: summarize(source, [r], r.sha256) };
  }
  const results = await mergeFiles(source, opts);
  const sha256 = createHash('sha256').update(results.map((r, i) => `${r.sha256}  ${source.files[i]!.name}\n`).join('')).digest('hex');
  const sum = (k: 'bars' | 'badRows' | 'lastLine' | 'bytes'): number => results.reduce((s, r) => s + r[k], 0);
  return { bars: sum('bars'), badRows: sum('badRows'), lastLine: sum('lastLine'), bytes: sum('bytes'), sha256, files: results, summary: summarize(source, results, sha256) };
}

function summarize(source: MarketDataSource, results: readonly ReadBarsResult[], sha256: string): DataSummary {
  const forms = new Set(results.map((r) => r.timestamp ?? null));
  const ignored = new Map<string, string[]>();
  results.forEach((r, i) => r.layout.ignored.forEach((c) => ignored.set(c, [...(ignored.get(c) ?? []), source.files[i]!.name])));
  const ignoredColumns = [...ignored].map(([c, files]) => (source.kind === 'file' ? c : `${c} (${files.length === results.length ? 'all files' : files.join(', ')})`));
  return {
    name: source.name, files: results.length, bytes: results.reduce((s, r) => s + r.bytes, 0), sha256,
    timestamp: forms.size === 1 ? [...forms][0]! : 'mixed', ignoredColumns,
  };
}

/** Decoded rows of one file not yet delivered: bars (7 numbers + instrument) and rejected rows, in file order. */
class FileQueue {
  num = new Float64Array(7 * 4096);
  inst: Instrument[] = [];
  isBar: boolean[] = [];
  rejected: RejectedRow[] = [];
  n = 0;
  head = 0;
  private rejHead = 0;

  pushBar(b: Bar): void {
    const i = this.n++;
    if ((i + 1) * 7 > this.num.length) {
      const grown = new Float64Array(this.num.length * 2);
      grown.set(this.num);
      this.num = grown;
    }
    const o = i * 7;
    const num = this.num;
    num[o] = b.ts;
    num[o + 1] = b.open;
    num[o + 2] = b.high;
    num[o + 3] = b.low;
    num[o + 4] = b.close;
    num[o + 5] = b.volume;
    num[o + 6] = b.line;
    this.inst[i] = b.instrument;
    this.isBar[i] = true;
  }

  pushRejected(r: RejectedRow): void {
    this.isBar[this.n++] = false;
    this.rejected.push(r);
  }

  nextRejected(): RejectedRow {
    this.head++;
    return this.rejected[this.rejHead++]!;
  }

  get empty(): boolean { return this.head >= this.n; }
  get headTs(): number { return this.num[this.head * 7]!; }

  /** Drops delivered items once all are delivered (before the next chunk is decoded). */
  reset(): void {
    this.n = 0;
    this.head = 0;
    this.rejHead = 0;
    this.rejected.length = 0;
  }
}

interface FileState {
  readonly order: number;
  readonly file: DataFile;
  readonly decoder: BarDecoder;
  readonly chunks: LineChunks;
  readonly hash: Hash;
  readonly queue: FileQueue;
  eof: boolean;
}

async function mergeFiles(source: MarketDataSource, opts: ReadSourceOptions): Promise<ReadBarsResult[]> {
  const n = source.files.length;
  const hwm = opts.highWaterMark ?? Math.max(64 * 1024, Math.min(1 << 20, Math.floor((16 << 20) / n)));
  const states: FileState[] = [];
  const totalBytes = source.bytes;
  const bytesRead = (): number => states.reduce((s, f) => s + f.chunks.bytesRead, 0);
  try {
    for (const [order, file] of source.files.entries()) {
      const queue = new FileQueue();
      // Bad rows are queued, not thrown, so fail mode raises them in merged order.
      const decoder = barDecoder({
        path: file.path, name: file.name, instrument: file.instrument, instruments: opts.instruments, badRows: 'quarantine',
        data: opts.data, bounds: opts.bounds, onBar: (b) => queue.pushBar(b), onRejected: (r) => queue.pushRejected(r),
      });
      const hash = createHash('sha256');
      const chunks = await LineChunks.open(file.path, file.path, hwm, (raw) => hash.update(raw), () => decoder.tooLong());
      states.push({ order, file, decoder, chunks, hash, queue, eof: false });
    }
    const bar: MutableBar = { ts: 0, instrument: undefined as unknown as Instrument, open: 0, high: 0, low: 0, close: 0, volume: 0, line: 0 };
    /** Delivers the rejected rows at the head of a file's queue; true when a bar is at its head. */
    const settle = async (f: FileState): Promise<boolean> => {
      const q = f.queue;
      for (;;) {
        while (!q.empty && !q.isBar[q.head]) {
          const row = q.nextRejected();
          if (opts.badRows === 'fail') throw new ReckonError('BAD_INPUT', `${f.file.path}:${row.line}: ${row.reason}`);
          opts.onRejected?.(row);
        }
        if (!q.empty) return true;
        if (f.eof) return false;
        q.reset();
        if (await f.chunks.next()) {
          f.decoder.feed(f.chunks.b, f.chunks.start, f.chunks.end);
        } else {
          f.eof = true;
        }
        if (opts.onChunk) {
          const r = opts.onChunk({ bytesRead: bytesRead(), totalBytes });
          if (r) await r;
        }
      }
    };
    const heap = new MergeHeap();
    for (const f of states) if (await settle(f)) heap.push(f);
    for (let f = heap.top(); f !== undefined; f = heap.top()) {
      const q = f.queue;
      const o = q.head * 7;
      bar.ts = q.num[o]!;
      bar.open = q.num[o + 1]!;
      bar.high = q.num[o + 2]!;
      bar.low = q.num[o + 3]!;
      bar.close = q.num[o + 4]!;
      bar.volume = q.num[o + 5]!;
      bar.line = q.num[o + 6]!;
      bar.instrument = q.inst[q.head]!;
      q.head++;
      opts.onBar(bar);
      if (await settle(f)) heap.siftTop();
      else heap.popTop();
    }
    return states.map((f) => decoderResult(f.decoder, f.file.path, f.chunks.bytesRead, f.hash.digest('hex')));
  } finally {
    for (const f of states) await f.chunks.close();
  }
}

/** A binary min-heap of files by (timestamp at the head of the queue, file order). */
class MergeHeap {
  private readonly a: FileState[] = [];

  private less(x: FileState, y: FileState): boolean {
    const tx = x.queue.headTs;
    const ty = y.queue.headTs;
    return tx < ty || (tx === ty && x.order < y.order);
  }

  top(): FileState | undefined { return this.a[0]; }

  push(f: FileState): void {
    const a = this.a;
    let i = a.push(f) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  /** Restores order after the top's key grew. */
  siftTop(): void {
    const a = this.a;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
      if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
      if (m === i) return;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
  }

  popTop(): void {
    const last = this.a.pop()!;
    if (this.a.length === 0) return;
    this.a[0] = last;
    this.siftTop();
  }
}
