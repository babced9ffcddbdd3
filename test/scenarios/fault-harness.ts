/**
 * A small faulty run of the real Engine (in-memory journal, the faulty simulated gateway) for property tests:
 * generated bars, scripted target intents, faults, then the venue heals, a few quiet bars let
 * in-flight commands settle, and the run finishes with its end-of-run reconciliation.
 */
import { parseConfig, type RunConfig } from '../../src/config/load.js';
import { Engine } from '../../src/engine/engine.js';
import { simVenueConfigFor } from '../../src/engine/replay.js';
import { MemoryJournal } from '../../src/journal/memory.js';
import type { Bar } from '../../src/marketdata/bar.js';
import { FaultyGateway } from '../../src/provider/sim/faults.js';
import { EventTimeLoop } from '../../src/engine/event-loop.js';
import type { EventTimeGateway } from '../../src/provider/gateway.js';
import type { FaultPlan } from '../../src/provider/sim/fault-plan.js';
import type { FaultKind, JournalRecord } from '../../src/records/records.js';
import { SCENARIO_BASE_CONFIG, deepMerge } from '../../src/scenario/load.js';

export interface FaultCase {
  readonly seed: number;
  readonly bars: readonly { readonly step: number; readonly volume: number }[];
  readonly intents: readonly { readonly at: number; readonly target: number }[];
  readonly orderType: 'market' | 'limit';
  readonly timeInForce: 'DAY' | 'GTC' | 'IOC';
  readonly faults: readonly { readonly kind: FaultKind; readonly probability: number }[];
}

export const T0 = Date.parse('2026-01-05T23:30:00Z');
const MIN = 60_000;

export function caseConfig(c: FaultCase): RunConfig {
  const raw = deepMerge(SCENARIO_BASE_CONFIG, {
    seed: c.seed,
    execution: { orderType: c.orderType, timeInForce: c.timeInForce, limitOffsetTicks: 0 },
    provider: { participation: '0.5' },
    strategies: [{ id: 'placeholder', kind: 'ma-crossover', account: 'fixture-account-01', instrument: 'FIX-ALPHA', quantity: '1', params: { fast: 1, slow: 2 } }],
  }) as Record<string, unknown>;
  const cfg = parseConfig(raw, 'fault-case');
  return { ...cfg, strategies: [] };
}

export interface FaultRun {
  readonly cfg: RunConfig;
  readonly engine: Engine;
  readonly journal: MemoryJournal;
  readonly venue: FaultyGateway;
}

/**
 * Runs one case; `plan` defaults to the case's faults with its seed; `wrap` puts the gateway
 * behind another (an asynchronous test gateway); `onStep` sees the engine after every step.
 */
export function runFaultCase(
  c: FaultCase,
  plan: FaultPlan = { seed: c.seed, rules: c.faults.map((f) => ({ kind: f.kind, probability: f.probability })) },
  wrap: (g: EventTimeGateway) => EventTimeGateway = (g) => g,
  onStep?: (engine: Engine, records: readonly JournalRecord[]) => void,
): FaultRun {
  const cfg = caseConfig(c);
  const inst = cfg.instruments[0]!;
  const journal = new MemoryJournal();
  const venue = FaultyGateway.fromConfig(simVenueConfigFor(cfg), plan);
  const engine = new Engine({ config: cfg, journal });
  const loop = new EventTimeLoop(engine, wrap(venue), onStep ? { onStep: (r) => onStep(engine, r.records) } : {});
  loop.input({ kind: 'start', run: { runId: 'property', dataName: 'generated', dataBytes: 0, mode: 'scenario', version: 'test' } });
  let price = 10_000;
  const bar = (ts: number, volume: number): Bar => ({ ts, instrument: inst, open: price, high: price + 5, low: price - 5, close: price, volume, line: 0 });
  c.bars.forEach((b, i) => {
    price = Math.max(100, price + b.step * 5);
    loop.bar(bar(T0 + i * MIN, b.volume));
    c.intents.forEach((it, k) => {
      if (it.at === i) loop.input({ kind: 'intent', intent: { ts: T0 + i * MIN, account: 'fixture-account-01', instrument: inst.id, intentId: `p-intent-${k + 1}`, strategyId: 'property', mode: 'target', quantity: String(it.target) } });
    });
  });
  venue.stopFaults();
  for (let q = 0; q < 4; q++) loop.bar(bar(T0 + (c.bars.length + q) * MIN, 1_000));
  loop.finish('generated', c.bars.length + 5);
  return { cfg, engine, journal, venue };
}
