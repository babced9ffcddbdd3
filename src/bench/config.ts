/**
 * The bench run config: the four fixture instruments, one EMA-crossover strategy each (the rules
 * grademark also runs), every stage on (risk checks, simulated venue with latency, partial fills,
 * fees, hourly reconciliation). Periods are tuned so that intents are about 1% of bars on the
 * bench data; the bench reports the measured ratio.
 */
import { FIXTURE_INSTRUMENTS } from '../config/fixture-instruments.js';
import { parseConfig, type RunConfig } from '../config/load.js';
import type { ConfigInput } from '../config/schema.js';

/** EMA periods of the bench strategy (fast / slow, in bars of the instrument). */
export const BENCH_FAST = 40;
export const BENCH_SLOW = 160;

const LIMITS: Readonly<Record<string, { quantity: string; maxPosition: string; maxOrderQty: string }>> = {
  'FIX-ALPHA': { quantity: '100', maxPosition: '1000', maxOrderQty: '1000' },
  'FIX-BRAVO': { quantity: '40', maxPosition: '400', maxOrderQty: '400' },
  'FIX-CHARLIE': { quantity: '0.300', maxPosition: '3.000', maxOrderQty: '3.000' },
  'FIX-DELTA': { quantity: '10000', maxPosition: '100000', maxOrderQty: '100000' },
};

export const BENCH_ACCOUNT = 'bench-account';

export function benchConfigInput(fast = BENCH_FAST, slow = BENCH_SLOW): ConfigInput {
  return {
    seed: 11,
    accounts: [{ id: BENCH_ACCOUNT, startingCash: '100000000' }],
    instruments: FIXTURE_INSTRUMENTS.map((f) => ({
      id: f.id, priceIncrement: f.priceIncrement, sizeIncrement: f.sizeIncrement,
      maxPosition: LIMITS[f.id]!.maxPosition, maxOrderQty: LIMITS[f.id]!.maxOrderQty,
    })),
    strategies: FIXTURE_INSTRUMENTS.map((f) => ({
      id: `trend-${f.id.slice(4).toLowerCase()}`, kind: 'ma-crossover' as const, account: BENCH_ACCOUNT, instrument: f.id,
      quantity: LIMITS[f.id]!.quantity, params: { fast, slow },
    })),
    risk: {
      maxOrderNotional: '10000000', maxGrossExposure: '50000000',
      orderRate: { maxOrders: 1000, windowMs: 3_600_000 }, priceCollarBps: 500,
    },
    execution: { orderType: 'market', timeInForce: 'DAY', limitOffsetTicks: 0 },
    provider: { kind: 'sim', latencyMs: 250, slippageBps: 1, participation: '0.1', feeBps: '0.5', leverage: 2 },
    reconciliation: { intervalMs: 3_600_000, residualMaxAgeMs: 4 * 3_600_000, onDrift: 'reducing' },
    journal: { durability: 'normal', batchSize: 1024 },
  };
}

export function benchConfig(fast = BENCH_FAST, slow = BENCH_SLOW): RunConfig {
  return parseConfig(benchConfigInput(fast, slow), 'bench-config');
}
