/**
 * Tick-to-order latency in live mode: an Engine with `flushEachBar: true` (the journal is
 * committed at the end of every bar that produced records) over a SqliteJournal in a temp dir,
 * and the simulated venue behind a wrapper that stamps `process.hrtime.bigint()` when `submit`
 * is called. Bars are synthetic: per instrument a square wave of the close (half-period
 * `HALF_PERIOD` bars) under an EMA(2)/EMA(6) crossover, so an intent (and its order) follows
 * about every HALF_PERIOD-th bar of each instrument.
 *
 * Per bar that routed an order, with t0 = hrtime just before `engine.onBar(bar)`:
 *   hand-off = the first `submit` call (the order reaches the provider port) - t0;
 *   commit   = the end of the first journal flush that covers the order's S04 record - t0;
 *   tick to order = max(hand-off, commit): the order is both journaled durably and handed off.
 * Whichever order the engine does these in, the figures stay meaningful; `commitBeforeHandoff`
 * counts the orders whose S04 was committed before the provider saw them (live-mode rule).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_INSTRUMENTS } from '../config/fixture-instruments.js';
import { parseConfig } from '../config/load.js';
import { Engine } from '../engine/engine.js';
import { simVenueFor } from '../engine/replay.js';
import { SqliteJournal } from '../journal/sqlite.js';
import { asAsync, type EmbeddedJournalStore } from '../journal/store.js';
import type { AnyDraft, JournalRecord } from '../records/records.js';
import type { Bar, MutableBar } from '../marketdata/bar.js';
import type { CancelRequest, MarketDrivenProvider, OrderStatusReport, PositionSnapshot, ProviderEvent, ReplaceRequest, SubmitRequest } from '../provider/port.js';
import { benchConfigInput } from './config.js';

export const HALF_PERIOD = 10;

/** Delegates to a venue; remembers when the first submit of the current bar arrived. */
class StampingProvider implements MarketDrivenProvider {
  readonly name: string;
  firstSubmit = 0n;
  submits = 0;
  constructor(private readonly inner: MarketDrivenProvider) {
    this.name = inner.name;
  }
  submit(ts: number, req: SubmitRequest): void {
    if (this.firstSubmit === 0n) this.firstSubmit = process.hrtime.bigint();
    this.submits++;
    this.inner.submit(ts, req);
  }
  replace(ts: number, req: ReplaceRequest): void { this.inner.replace(ts, req); }
  cancel(ts: number, req: CancelRequest): void { this.inner.cancel(ts, req); }
  poll(ts: number): ProviderEvent[] { return this.inner.poll(ts); }
  positions(ts: number, account: string): PositionSnapshot[] { return this.inner.positions(ts, account); }
  openOrders(ts: number, account: string): OrderStatusReport[] { return this.inner.openOrders(ts, account); }
  queryOrder(ts: number, account: string, clientOrderId: string): OrderStatusReport | 'not_found' { return this.inner.queryOrder(ts, account, clientOrderId); }
  onBar(bar: Bar): void { this.inner.onBar(bar); }
}

/** Delegates to a journal; stamps the end of the first flush that covers `watchSeq`. */
class TimedJournal implements EmbeddedJournalStore {
  readonly location: string | null;
  watchSeq = 0;
  committedAt = 0n;
  constructor(private readonly inner: EmbeddedJournalStore) {
    this.location = inner.location;
  }
  get chain(): EmbeddedJournalStore['chain'] { return this.inner.chain; }
  append(draft: AnyDraft): JournalRecord { return this.inner.append(draft); }
  commitSync(): number {
    const seq = this.inner.commitSync();
    if (this.watchSeq !== 0 && this.committedAt === 0n && seq >= this.watchSeq) this.committedAt = process.hrtime.bigint();
    return seq;
  }
  commit(): Promise<number> { return Promise.resolve(this.commitSync()); }
  committedSeq(): number { return this.inner.committedSeq(); }
  lastSeq(): number { return this.inner.lastSeq(); }
  headHash(): string { return this.inner.headHash(); }
  readSync(fromSeq?: number): IterableIterator<JournalRecord> { return this.inner.readSync(fromSeq); }
  read(fromSeq?: number): AsyncIterableIterator<JournalRecord> { return asAsync(this.readSync(fromSeq)); }
  closeSync(): void { this.inner.closeSync(); }
  close(): Promise<void> { this.closeSync(); return Promise.resolve(); }
}

export interface LatencyRun {
  readonly bars: number;
  readonly orders: number;
  readonly intents: number;
  /** Nanoseconds, one per measured bar that routed a submit. */
  readonly handoffNs: Float64Array;
  readonly commitNs: Float64Array;
  /** max(hand-off, commit) per order. */
  readonly orderNs: Float64Array;
  /** Orders whose S04 record was committed before the provider's submit was called. */
  readonly commitBeforeHandoff: number;
}

/** Runs `warmupBars` unmeasured then `bars` measured bars through a live-mode engine. */
export function runLatency(bars: number, warmupBars: number): LatencyRun {
  const input = benchConfigInput(2, 6);
  const cfg = parseConfig({ ...input, risk: { ...input.risk, orderRate: { maxOrders: 100_000, windowMs: 3_600_000 } } }, 'latency-bench');
  const dir = mkdtempSync(join(tmpdir(), 'reckon-latency-'));
  const journal = new TimedJournal(SqliteJournal.open(join(dir, 'journal.db'), { durability: cfg.raw.journal.durability, batchSize: cfg.raw.journal.batchSize }));
  const provider = new StampingProvider(simVenueFor(cfg));
  const engine = new Engine({ config: cfg, journal, provider, flushEachBar: true });
  engine.bus.subscribe((r) => {
    if (journal.watchSeq === 0 && r.type === 'S04.order' && r.payload.kind === 'submit') journal.watchSeq = r.seq;
  });
  engine.start({ runId: 'latency-bench', dataName: 'synthetic', dataBytes: 0, mode: 'live', version: 'bench' });
  const insts = cfg.instruments;
  // Base close and wave amplitude in ticks (0.2% of the start price; inside the 5% price collar).
  const base = FIXTURE_INSTRUMENTS.map((f, i) => Math.round(Number(f.startPrice) * 10 ** insts[i]!.priceScale));
  const amp = base.map((b, i) => Math.max(insts[i]!.tick, Math.round((b * 0.002) / insts[i]!.tick) * insts[i]!.tick));
  const volume = insts.map((i) => 1_000_000 * i.lot);
  const bar: MutableBar = { ts: 0, instrument: insts[0]!, open: 0, high: 0, low: 0, close: 0, volume: 0, line: 0 };
  const handoff = new Float64Array(bars);
  const commit = new Float64Array(bars);
  const order = new Float64Array(bars);
  let measured = 0;
  let commitFirst = 0;
  const total = warmupBars + bars;
  const t0ms = 1_767_571_200_000;
  const rows = Math.ceil(total / insts.length);
  let n = 0;
  try {
    for (let k = 0; k < rows && n < total; k++) {
      const up = Math.floor(k / HALF_PERIOD) % 2 === 0;
      for (let i = 0; i < insts.length && n < total; i++, n++) {
        const close = up ? base[i]! + amp[i]! : base[i]! - amp[i]!;
        bar.ts = t0ms + k * 60_000;
        bar.instrument = insts[i]!;
        bar.open = close;
        bar.high = close + insts[i]!.tick;
        bar.low = close - insts[i]!.tick;
        bar.close = close;
        bar.volume = volume[i]!;
        bar.line = n + 2;
        provider.firstSubmit = 0n;
        journal.watchSeq = 0;
        journal.committedAt = 0n;
        const t0 = process.hrtime.bigint();
        engine.onBar(bar);
        if (provider.firstSubmit !== 0n && n >= warmupBars) {
          if (journal.committedAt === 0n) throw new Error(`latency bench: bar ${n} routed an order without committing its S04 record (flushEachBar)`);
          const h = provider.firstSubmit - t0;
          const c = journal.committedAt - t0;
          handoff[measured] = Number(h);
          commit[measured] = Number(c);
          order[measured] = Number(h > c ? h : c);
          if (c < h) commitFirst++;
          measured++;
        }
      }
    }
    engine.finish({ dataSha256: 'synthetic', lastLine: n + 1 });
    return {
      bars, orders: measured, intents: engine.counts.intents, handoffNs: handoff.slice(0, measured), commitNs: commit.slice(0, measured),
      orderNs: order.slice(0, measured), commitBeforeHandoff: commitFirst,
    };
  } finally {
    journal.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The q-quantile (0..1) of the values, nearest-rank. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx]!;
}
