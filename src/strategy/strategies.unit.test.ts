import { describe, expect, it } from 'vitest';
import { ALPHA, CHARLIE } from '../../test/support/records.js';
import type { MutableBar } from '../marketdata/bar.js';
import type { Strategy as StrategyDefinition } from './api.js';
import { InProcessStrategy } from './adapter.js';
import { maCrossover } from './ma-crossover.js';
import { meanReversion } from './mean-reversion.js';
import type { TargetLimits } from './output.js';
import type { StrategyPorts, StrategyResult } from './strategy.js';

const FLAT: StrategyPorts = { position: () => ({ desired: 0, confirmed: 0 }) };
const alpha: TargetLimits = { instrument: ALPHA, maxPosition: 300, maxPositionText: '300' };
const charlie: TargetLimits = { instrument: CHARLIE, maxPosition: 2000, maxPositionText: '2.000' };

const builtin = (def: StrategyDefinition, params: Record<string, unknown>, limits = alpha) =>
  new InProcessStrategy(def, { id: 's', kind: def.name, account: 'acct-1', limits: [limits], params: { ...def.params, ...params } as never }, FLAT);

/** One reused bar object, as the CSV reader delivers them; closes are integers at ALPHA's price scale. */
function feed(strategy: { onBar(b: MutableBar): StrategyResult }, closes: readonly number[], instrument = ALPHA) {
  const bar: MutableBar = { ts: 0, instrument, open: 0, high: 0, low: 0, close: 0, volume: 1000, line: 1 };
  return closes.map((c, i) => { bar.ts = i * 60_000; bar.open = bar.high = bar.low = bar.close = c; bar.line = i + 2; return strategy.onBar(bar); });
}
type Targets = { targets: { instrument: typeof ALPHA; target: number }[]; signal: Record<string, number | string> };
const targetsOf = (out: StrategyResult[]) => out.filter((o): o is Targets => o !== null && 'targets' in o);

describe('built-in strategies on the module API', () => {
  it('ma-crossover: no target before the slow EMA has its inputs, then long on an up-trend, signal values in real price units', () => {
    const s = builtin(maCrossover as unknown as StrategyDefinition, { fast: 2, slow: 4, quantity: '100' });
    const out = feed(s, [10_000, 10_000, 10_000, 10_100, 10_200, 10_300]);
    expect(out.slice(0, 3)).toEqual([null, null, null]);
    const [first] = targetsOf(out);
    expect(first!.targets).toEqual([{ instrument: ALPHA, target: 100 }]);
    // 100.00 .. 103.00 in real units, not 10000 .. 10300 (and rounded to price decimals + 4).
    expect(first!.signal.fast as number).toBeGreaterThan(first!.signal.slow as number);
    expect(first!.signal.fast as number).toBeGreaterThan(100);
    expect(first!.signal.fast as number).toBeLessThan(104);
    expect(String(first!.signal.fast).split('.')[1]?.length ?? 0).toBeLessThanOrEqual(6);
  });

  it('ma-crossover: emits only when the direction changes, flipping short on a down-trend', () => {
    const s = builtin(maCrossover as unknown as StrategyDefinition, { fast: 2, slow: 4, quantity: '100' });
    const out = targetsOf(feed(s, [10_000, 10_100, 10_200, 10_300, 10_400, 10_300, 10_000, 9_700, 9_400]));
    expect(out.map((o) => o.targets[0]!.target)).toEqual([100, -100]);
  });

  it('mean-reversion: long below oversold, flat again at the exit level, short above overbought', () => {
    const s = builtin(meanReversion as unknown as StrategyDefinition, { period: 3, oversold: 30, overbought: 70, exit: 50, quantity: '50' });
    const out = targetsOf(feed(s, [10_000, 9_900, 9_800, 9_700, 9_600, 9_700, 9_800, 9_900, 10_000, 10_100, 10_200]));
    expect(out.map((t) => t.targets[0]!.target)).toEqual([50, 0, -50]);
    expect(out[0]!.signal.rsi as number).toBeLessThan(30);
  });

  it('a fractional quantity keeps its increment: 0.750 at a 0.001 size step is 750 units', () => {
    const s = builtin(maCrossover as unknown as StrategyDefinition, { fast: 2, slow: 4, quantity: '0.750' }, charlie);
    const out = targetsOf(feed(s, [1200, 1200, 1200, 1220, 1240, 1260], CHARLIE));
    expect(out[0]!.targets[0]!.target).toBe(750);
    expect(out[0]!.signal.fast as number).toBeGreaterThan(120); // price scale 1: 1220 units = 122.0
  });

  it('is deterministic: the same closes give the same targets and signal values', () => {
    const closes = Array.from({ length: 300 }, (_, i) => 10_000 + Math.round(300 * Math.sin(i / 9)));
    const run = () => feed(builtin(maCrossover as unknown as StrategyDefinition, { fast: 5, slow: 20, quantity: '10' }), closes);
    expect(run()).toEqual(run());
  });
});

describe('in-process adapter', () => {
  const def = (onBar: (bar: { close: number; line: number }) => unknown): StrategyDefinition => ({ name: 'test', create: () => ({ onBar: onBar as never }) });
  const one = (d: StrategyDefinition, limits = alpha) => new InProcessStrategy(d, { id: 'user', kind: 'module', account: 'acct-1', limits: [limits], params: {} }, FLAT);

  it('a throw in onBar is a fault for that bar, and the next bar works', () => {
    const s = one(def((b) => { if (b.line === 2) throw new RangeError('lookback out of range'); return { target: '+1' }; }));
    const [a, b] = feed(s, [10_000, 10_000]);
    expect(a).toMatchObject({ fault: expect.stringMatching(/^onBar threw: RangeError: lookback out of range/) });
    expect(b).toEqual({ targets: [{ instrument: ALPHA, target: 1 }], signal: {} });
  });

  it('an output whose getter throws is a fault too, never an engine crash', () => {
    const s = one(def(() => ({ get target(): string { throw new Error('lazy target failed'); } })));
    expect(feed(s, [10_000])[0]).toEqual({ fault: expect.stringMatching(/^the output of onBar could not be read: lazy target failed/) });
  });

  it('bars arrive in real units: 10000 units at a 0.01 tick is 100', () => {
    const seen: number[] = [];
    feed(one(def((b) => { seen.push(b.close); return null; })), [10_000, 12_345]);
    expect(seen).toEqual([100, 123.45]);
  });

  it('create(ctx) that throws or returns no onBar is a load error (BAD_INPUT) naming the strategy', () => {
    expect(() => one({ name: 'x', create: () => { throw new Error('no data'); } })).toThrow(/strategy user \(x\): create\(ctx\) threw: no data/);
    expect(() => one({ name: 'x', create: () => ({}) as never })).toThrow(/create\(ctx\) returned an object; expected an object with onBar/);
  });

  it('ctx gives params, increments, positions in real units and rounds targets onto the increment', () => {
    let seen: unknown;
    const ports: StrategyPorts = { position: (_a, id) => (id === 'FIX-CHARLIE' ? { desired: 1_250, confirmed: 750 } : { desired: 0, confirmed: 0 }) };
    new InProcessStrategy({ name: 'ctx', params: { n: 3 }, create: (ctx) => {
      seen = { params: ctx.params, inst: ctx.instrument, pos: ctx.position(), t: [ctx.target(1.23456), ctx.target(-0.0009), ctx.target(0.7 + 0.1), ctx.target(99), ctx.target(-99)], ema: typeof ctx.indicators.EMA };
      return { onBar: () => null };
    } }, { id: 'c', kind: 'module', account: 'acct-1', limits: [charlie], params: { n: 5 } }, ports);
    expect(seen).toEqual({
      params: { n: 5 },
      inst: { id: 'FIX-CHARLIE', priceIncrement: '0.5', sizeIncrement: '0.001', maxPosition: '2.000', priceDecimals: 1, sizeDecimals: 3 },
      pos: { desired: 1.25, confirmed: 0.75 },
      t: ['+1.234', '0.000', '+0.800', '+2.000', '-2.000'],
      ema: 'function',
    });
  });
});
