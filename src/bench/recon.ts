/**
 * Reconciliation at scale: N instruments (one strategy each, so every pair is reconciled on the
 * interval), ten open limit orders per instrument at the venue and in B03's state, then one
 * interval pass over a MemoryJournal that keeps only the head: a timer input at the due time
 * starts it, and the replay loop steps the venue's answers — the mass order status (compared with
 * every open order), then positions (per pair: the S05 position report, the S06 check and any
 * recovery record, or a quiet count), exactly as in a replay.
 */
import { parseConfig, type RunConfig } from '../config/load.js';
import type { ConfigInput } from '../config/schema.js';
import { Engine } from '../engine/engine.js';
import { EventTimeLoop } from '../engine/event-loop.js';
import { simGatewayFor } from '../engine/replay.js';
import { reportPayload } from '../execution/provider-events.js';
import { MemoryJournal } from '../journal/memory.js';
import type { AnyDraft } from '../records/records.js';
import type { ProviderMessage } from '../provider/gateway.js';

export const ORDERS_PER_INSTRUMENT = 10;
const ACCOUNT = 'recon-account';
const T0 = 1_767_571_200_000;

export function reconConfig(n: number): RunConfig {
  const ids = Array.from({ length: n }, (_, i) => `R${String(i).padStart(6, '0')}`);
  const input: ConfigInput = {
    seed: 3,
    accounts: [{ id: ACCOUNT, startingCash: '1000000000' }],
    instruments: ids.map((id) => ({ id, priceIncrement: '0.01', sizeIncrement: '1', maxPosition: '1000', maxOrderQty: '1000' })),
    strategies: ids.map((id) => ({ id: `s-${id}`, kind: 'ma-crossover' as const, account: ACCOUNT, instrument: id, quantity: '10', params: { fast: 5, slow: 20 } })),
    risk: { maxOrderNotional: '1000000000', maxGrossExposure: '1000000000', orderRate: { maxOrders: 1_000_000, windowMs: 3_600_000 }, priceCollarBps: 500 },
    provider: { latencyMs: 100 },
    reconciliation: { intervalMs: 3_600_000 },
  };
  return parseConfig(input, 'recon-bench');
}

export interface ReconSetup {
  readonly cfg: RunConfig;
  readonly engine: Engine;
  readonly loop: EventTimeLoop;
  readonly journal: MemoryJournal;
  readonly openOrders: number;
  /** Event time of the passes. */
  ts: number;
}

/**
 * Builds the engine with N instruments and 10 resting limit buys each (far below the market, so
 * they never fill), acknowledged by the venue, and a previous interval pass at T0. The records are
 * journaled and folded as a replay would have them (the venue got the same orders).
 */
export function setupRecon(n: number): ReconSetup {
  const cfg = reconConfig(n);
  const journal = new MemoryJournal(false);
  const gateway = simGatewayFor(cfg);
  const engine = new Engine({ config: cfg, journal });
  const fold = (d: AnyDraft) => engine.restore(journal.append(d));
  let acks: ProviderMessage[] = [];
  gateway.connect((m) => acks.push(m));
  fold({ ts: 0, type: 'S00.run', account: '*', instrument: null, correlationId: null, causationSeq: null,
    payload: { kind: 'run_started', runId: 'recon-bench', configHash: cfg.hash, seed: cfg.seed, data: { name: 'none', bytes: 0 }, mode: 'replay', reckonVersion: 'bench' } });
  // One bar per instrument so the venue knows a last price (not through the engine: no strategy work).
  for (const inst of cfg.instruments) {
    gateway.onBar({ ts: T0, instrument: inst, open: 10_000, high: 10_000, low: 10_000, close: 10_000, volume: 1_000, line: 0 });
  }
  for (const inst of cfg.instruments) {
    for (let k = 1; k <= ORDERS_PER_INSTRUMENT; k++) {
      const clientOrderId = `${inst.id}-o${k}.1`;
      const limit = 5_000 - k;
      fold({ ts: T0, type: 'S04.order', account: ACCOUNT, instrument: inst.id, correlationId: `${inst.id}-o${k}`, causationSeq: null,
        payload: { kind: 'submit', clientOrderId, attempt: 1, side: 'buy', type: 'limit', timeInForce: 'GTC', quantity: '1', limitPrice: formatLimit(limit) } });
      gateway.send({ type: 'submit', requestId: `setup-${clientOrderId}`, ts: T0, account: ACCOUNT, instrument: inst, clientOrderId, side: 'buy', orderType: 'limit',
        timeInForce: 'GTC', quantity: 1, limitPrice: limit });
    }
  }
  const ackTs = T0 + 1_000;
  gateway.advance(ackTs);
  for (const m of acks) {
    if (m.type !== 'execution_report') continue;
    const order = engine.state.execution.orders.get(m.report.clientOrderId);
    fold({ ts: m.ts, type: 'S05.provider', account: m.account, instrument: m.instrument, correlationId: order?.intentId ?? null, causationSeq: order?.lastCommandSeq ?? null,
      payload: reportPayload(m.report, cfg.instrumentById.get(m.instrument)!, m.raw, m.ts) });
  }
  acks = [];
  // The previous interval pass (the schedule's anchor): asked and answered at T0.
  fold({ ts: T0, type: 'S06.reconciliation', account: ACCOUNT, instrument: null, correlationId: null, causationSeq: null,
    payload: { kind: 'request', requestId: 'setup-pass', what: 'mass_status', trigger: 'interval', instruments: null, clientOrderId: null, commandSeq: null, timeoutMs: 30_000 } });
  fold({ ts: T0, type: 'S05.provider', account: ACCOUNT, instrument: null, correlationId: null, causationSeq: null,
    payload: { kind: 'mass_status', requestId: 'setup-pass', openOrders: 0, raw: null } });
  const loop = new EventTimeLoop(engine, gateway);
  let open = 0;
  for (const p of engine.state.execution.positions.values()) open += p.open.length;
  return { cfg, engine, loop, journal, openOrders: open, ts: ackTs };
}

/** One interval pass at `ts` (a timer input at the due time; the loop steps the answers). */
export function reconPass(s: ReconSetup, ts: number): void {
  s.loop.input({ kind: 'timer', ts });
}

function formatLimit(v: number): string {
  return `${Math.floor(v / 100)}.${String(v % 100).padStart(2, '0')}`;
}
