/**
 * Reconciliation at scale: N instruments (one strategy each, so every pair is reconciled on the
 * interval), ten open limit orders per instrument at the venue and in B03's state, then one
 * interval pass `engine.reconcileAll('interval', ts)` over a MemoryJournal that keeps only the
 * head. Each pass journals, per pair, the provider position report (S05), the check (S06) and any
 * recovery record, exactly as in a replay.
 * The pass includes what `reconcileAll` does for the interval trigger: the mass order status
 * check per account and the position check per pair.
 */
import { parseConfig, type RunConfig } from '../config/load.js';
import type { ConfigInput } from '../config/schema.js';
import { Engine } from '../engine/engine.js';
import { simVenueFor } from '../engine/replay.js';
import { MemoryJournal } from '../journal/memory.js';
import type { AnyDraft } from '../records/records.js';
import type { SimVenue } from '../provider/sim/venue.js';

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
  readonly venue: SimVenue;
  readonly journal: MemoryJournal;
  readonly openOrders: number;
  /** Event time of the passes. */
  ts: number;
}

/**
 * Builds the engine with N instruments and 10 resting limit buys each (far below the market, so
 * they never fill), acknowledged by the venue. The records are folded through `engine.append`,
 * as the replay would journal them.
 */
export function setupRecon(n: number): ReconSetup {
  const cfg = reconConfig(n);
  const journal = new MemoryJournal(false);
  const venue = simVenueFor(cfg);
  const engine = new Engine({ config: cfg, journal, provider: venue });
  engine.start({ runId: 'recon-bench', dataName: 'none', dataBytes: 0, mode: 'replay', version: 'bench' });
  // One bar per instrument so the venue knows a last price (not through the engine: no strategy work).
  for (const inst of cfg.instruments) {
    venue.onBar({ ts: T0, instrument: inst, open: 10_000, high: 10_000, low: 10_000, close: 10_000, volume: 1_000, line: 0 });
  }
  for (const inst of cfg.instruments) {
    for (let k = 1; k <= ORDERS_PER_INSTRUMENT; k++) {
      const clientOrderId = `${inst.id}-o${k}.1`;
      const limit = 5_000 - k;
      const rec = engine.append({
        ts: T0, type: 'S04.order', account: ACCOUNT, instrument: inst.id, correlationId: `${inst.id}-o${k}`, causationSeq: null,
        payload: { kind: 'submit', clientOrderId, attempt: 1, side: 'buy', type: 'limit', timeInForce: 'GTC', quantity: '1', limitPrice: formatLimit(limit) },
      });
      venue.submit(rec.ts, { account: ACCOUNT, instrument: inst, clientOrderId, side: 'buy', type: 'limit', timeInForce: 'GTC', quantity: 1, limitPrice: limit });
    }
  }
  const ackTs = T0 + 1_000;
  for (const ev of venue.poll(ackTs)) {
    const order = ev.payload.kind === 'position_report' || ev.payload.kind === 'fault_injected' ? undefined : engine.execution.orders.get(ev.payload.clientOrderId);
    engine.append({ ts: ev.ts, type: 'S05.provider', account: ev.account, instrument: ev.instrument, correlationId: order?.intentId ?? null, causationSeq: order?.lastCommandSeq ?? null, payload: ev.payload } as AnyDraft);
  }
  let open = 0;
  for (const p of engine.execution.positions.values()) open += p.open.length;
  return { cfg, engine, venue, journal, openOrders: open, ts: ackTs };
}

function formatLimit(v: number): string {
  return `${Math.floor(v / 100)}.${String(v % 100).padStart(2, '0')}`;
}
