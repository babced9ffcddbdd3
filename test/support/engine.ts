/** Builds a real Engine over an in-memory journal and the simulated venue, for pipeline tests. */
import { parseConfig, type RunConfig } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { Engine } from '../../src/engine/engine.js';
import { simGatewayFor } from '../../src/engine/replay.js';
import { EventTimeLoop } from '../../src/engine/event-loop.js';
import { MemoryJournal } from '../../src/journal/memory.js';
import type { MutableBar } from '../../src/marketdata/bar.js';

export const TEST_CONFIG: ConfigInput = {
  seed: 1,
  accounts: [{ id: 'acct-1', startingCash: '1000000' }],
  instruments: [
    { id: 'FIX-ALPHA', priceIncrement: '0.01', sizeIncrement: '1', maxPosition: '300', maxOrderQty: '300', venueMaxOrderQty: '250' },
    { id: 'FIX-CHARLIE', priceIncrement: '0.5', sizeIncrement: '0.001', maxPosition: '2', maxOrderQty: '2' },
  ],
  strategies: [
    { id: 'trend-a', kind: 'ma-crossover', account: 'acct-1', instrument: 'FIX-ALPHA', quantity: '120', params: { fast: 3, slow: 8 } },
    { id: 'revert-a', kind: 'mean-reversion', account: 'acct-1', instrument: 'FIX-ALPHA', quantity: '100', params: { period: 5, oversold: 30, overbought: 70, exit: 50 } },
    { id: 'trend-c', kind: 'ma-crossover', account: 'acct-1', instrument: 'FIX-CHARLIE', quantity: '0.750', params: { fast: 3, slow: 8 } },
  ],
  risk: { maxOrderNotional: '100000', maxGrossExposure: '500000', orderRate: { maxOrders: 50, windowMs: 3_600_000 }, priceCollarBps: 500 },
  reconciliation: { intervalMs: 600_000 },
};

export function testConfig(over: Partial<ConfigInput> = {}): RunConfig {
  return parseConfig({ ...TEST_CONFIG, ...over }, 'test-config');
}

/** A deterministic bar series per instrument: a wavy walk with volume, on the tick grid. */
export function makeBars(cfg: RunConfig, steps: readonly number[], volume = 500): MutableBar[] {
  const bars: MutableBar[] = [];
  const t0 = 1_767_571_200_000;
  const price: number[] = cfg.instruments.map((i) => (i.id === 'FIX-CHARLIE' ? 60_000 : 10_000));
  steps.forEach((step, n) => {
    for (const inst of cfg.instruments) {
      const open = price[inst.index]!;
      const close = Math.max(inst.tick * 10, open + step * inst.tick * (inst.index + 1) * 5);
      price[inst.index] = close;
      const vol = inst.sizeScale === 0 ? volume : volume * 1000;
      bars.push({ ts: t0 + n * 60_000, instrument: inst, open, high: Math.max(open, close) + inst.tick, low: Math.min(open, close) - inst.tick, close, volume: vol, line: bars.length + 2 });
    }
  });
  return bars;
}

export function runEngine(cfg: RunConfig, bars: readonly MutableBar[]): { engine: Engine; journal: MemoryJournal } {
  const journal = new MemoryJournal();
  const engine = new Engine({ config: cfg, journal, trackEquity: true });
  const loop = new EventTimeLoop(engine, simGatewayFor(cfg));
  loop.input({ kind: 'start', run: { runId: 'test', dataName: 'bars.csv', dataBytes: 0, mode: 'replay', version: 'test' } });
  for (const b of bars) loop.bar(b);
  loop.finish('test', bars.length + 1);
  return { engine, journal };
}
