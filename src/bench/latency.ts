/**
 * Tick-to-order latency in live mode: the live loop's step for one bar — `engine.step(bar)`, then
 * `await journal.commit()` over a SqliteJournal in a temp dir, then the commands handed to the
 * provider (the simulated venue behind a wrapper that stamps `process.hrtime.bigint()` on the
 * first submit) — exactly the order `live/live-runner.ts` uses. Bars are synthetic: per
 * instrument a square wave of the close (half-period `HALF_PERIOD` bars) under an EMA(2)/EMA(6)
 * crossover, so an intent (and its order) follows about every HALF_PERIOD-th bar of each
 * instrument. The venue's messages are stepped (and committed) after each bar, outside the timing.
 *
 * Per bar that routed an order, with t0 = hrtime just before `engine.step`:
 *   commit   = the end of the commit that covers the order's S04 record - t0;
 *   hand-off = the first submit reaching the provider - t0;
 *   tick to order = max(hand-off, commit). `commitBeforeHandoff` counts the orders whose S04 was
 *   committed before the provider saw them (the live-mode rule: it must be all of them).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_INSTRUMENTS } from '../config/fixture-instruments.js';
import { parseConfig } from '../config/load.js';
import { Engine, type EngineInput } from '../engine/engine.js';
import { simGatewayFor } from '../engine/replay.js';
import { SqliteJournal } from '../journal/sqlite.js';
import type { MutableBar } from '../marketdata/bar.js';
import type { ProviderMessage } from '../provider/gateway.js';
import { benchConfigInput } from './config.js';

export const HALF_PERIOD = 10;

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

/** Runs `warmupBars` unmeasured then `bars` measured bars through a live-mode step. */
export async function runLatency(bars: number, warmupBars: number): Promise<LatencyRun> {
  const input = benchConfigInput(2, 6);
  const cfg = parseConfig({ ...input, risk: { ...input.risk, orderRate: { maxOrders: 100_000, windowMs: 3_600_000 } } }, 'latency-bench');
  const dir = mkdtempSync(join(tmpdir(), 'reckon-latency-'));
  const journal = SqliteJournal.open(join(dir, 'journal.db'), { durability: cfg.raw.journal.durability, batchSize: cfg.raw.journal.batchSize });
  const gateway = simGatewayFor(cfg);
  let inbox: ProviderMessage[] = [];
  gateway.connect((m) => inbox.push(m));
  const engine = new Engine({ config: cfg, journal });
  let firstSubmit = 0n;
  // One live-loop turn: step, commit, then release the commands.
  const turn = async (i: EngineInput): Promise<{ committedAt: bigint; submitSeq: number }> => {
    const r = engine.step(i);
    await journal.commit();
    const committedAt = process.hrtime.bigint();
    let submitSeq = 0;
    for (const c of r.commands) {
      if (c.type === 'submit' && firstSubmit === 0n) { firstSubmit = process.hrtime.bigint(); submitSeq = Number(c.requestId.slice(1)); }
      gateway.send(c);
    }
    return { committedAt, submitSeq };
  };
  const drain = async (ts: number) => {
    while (inbox.length > 0) { const messages = inbox; inbox = []; await turn({ kind: 'provider', receivedTs: ts, messages }); }
  };
  await turn({ kind: 'start', run: { runId: 'latency-bench', dataName: 'synthetic', dataBytes: 0, mode: 'replay', version: 'bench' } });
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
        gateway.onBar(bar);
        await drain(bar.ts);
        firstSubmit = 0n;
        const t0 = process.hrtime.bigint();
        const { committedAt, submitSeq } = await turn({ kind: 'bar', bar });
        if (firstSubmit !== 0n && n >= warmupBars) {
          if (submitSeq > journal.committedSeq()) throw new Error(`latency bench: bar ${n} handed an order to the provider before its S04 record was committed`);
          const h = firstSubmit - t0;
          const c = committedAt - t0;
          handoff[measured] = Number(h);
          commit[measured] = Number(c);
          order[measured] = Number(h > c ? h : c);
          if (c <= h) commitFirst++;
          measured++;
        }
        await drain(bar.ts);
      }
    }
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
