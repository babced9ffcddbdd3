/**
 * Live market data for paper trading: a paced replay of a CSV file (speed factor) or a seeded
 * synthetic random walk. Both stamp bars with the wall clock at delivery (live event time).
 */
import type { Instrument } from '../domain/types.js';
import type { Bar, MutableBar } from '../marketdata/bar.js';
import { readBars } from '../marketdata/csv-reader.js';
import { seededRng } from '../domain/context.js';

export interface Feed {
  /** Delivers bars until stopped or exhausted; resolves when done. */
  run(onBar: (bar: Bar) => void, signal: AbortSignal): Promise<void>;
  readonly description: string;
}

const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  if (signal.aborted || ms <= 0) return resolve();
  const onAbort = () => { clearTimeout(t); resolve(); };
  const t = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
  signal.addEventListener('abort', onAbort, { once: true });
});

/**
 * Replays a CSV at `speed` times its own pace (bars with the same timestamp arrive together).
 *
 * @example
 * new CsvFeed('data/sample-bars.csv', cfg.instrumentById, 60, Date.now) // one minute of data per second
 */
export class CsvFeed implements Feed {
  readonly description: string;
  constructor(private readonly path: string, private readonly instruments: ReadonlyMap<string, Instrument>, private readonly speed: number, private readonly clock: () => number) {
    this.description = `paced replay of ${path} at ${speed}x`;
  }

  async run(onBar: (bar: Bar) => void, signal: AbortSignal): Promise<void> {
    const pending: MutableBar[] = [];
    let firstDataTs = -1;
    let startWall = 0;
    let last = 0;
    const deliver = async () => {
      for (const b of pending) {
        if (signal.aborted) return;
        if (firstDataTs < 0) { firstDataTs = b.ts; startWall = this.clock(); }
        await sleep(startWall + (b.ts - firstDataTs) / this.speed - this.clock(), signal);
        if (signal.aborted) return;
        last = Math.max(last, this.clock());
        onBar({ ...b, ts: last });
      }
      pending.length = 0;
    };
    await readBars({
      path: this.path, instruments: this.instruments, badRows: 'fail',
      onBar: (bar) => { pending.push({ ...bar }); },
      onChunk: async () => { await deliver(); if (signal.aborted) throw new Error('aborted'); },
    }).catch((e: unknown) => { if (!signal.aborted) throw e; });
    await deliver();
  }
}

/**
 * A seeded random walk per instrument, one bar per instrument every `intervalMs` of wall time.
 * Prices stay on the tick grid and positive; volume varies.
 */
export class SyntheticFeed implements Feed {
  readonly description: string;
  constructor(
    private readonly instruments: readonly Instrument[],
    private readonly startPrices: ReadonlyMap<string, number>,
    private readonly typicalVolume: ReadonlyMap<string, number>,
    private readonly seed: number,
    private readonly intervalMs: number,
    private readonly clock: () => number,
  ) {
    this.description = `synthetic random walk, seed ${seed}, one bar per instrument every ${intervalMs} ms`;
  }

  async run(onBar: (bar: Bar) => void, signal: AbortSignal): Promise<void> {
    const rng = seededRng(this.seed);
    const price = this.instruments.map((i) => this.startPrices.get(i.id) ?? 100 * i.tick * 100);
    let line = 1;
    let next = this.clock();
    while (!signal.aborted) {
      for (const inst of this.instruments) {
        const open = price[inst.index]!;
        // A step of up to ±3 ticks per bar, with occasional larger moves.
        const big = rng.next() < 0.05 ? 4 : 1;
        const steps = Math.round((rng.next() - 0.5) * 6 * big);
        const close = Math.max(inst.tick * 10, open + steps * inst.tick * Math.max(1, Math.round(open / inst.tick / 5000)));
        price[inst.index] = close;
        const wiggle = inst.tick * (1 + Math.floor(rng.next() * 3));
        const base = this.typicalVolume.get(inst.id) ?? 1000 * inst.lot;
        const volume = Math.floor((base * (0.5 + rng.next())) / inst.lot) * inst.lot;
        onBar({ ts: Math.max(next, this.clock()), instrument: inst, open, high: Math.max(open, close) + wiggle, low: Math.max(inst.tick, Math.min(open, close) - wiggle), close, volume, line: ++line });
      }
      next += this.intervalMs;
      await sleep(next - this.clock(), signal);
    }
  }
}
