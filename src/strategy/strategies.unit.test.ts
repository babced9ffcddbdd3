import { describe, expect, it } from 'vitest';
import { ALPHA } from '../../test/support/records.js';
import type { MutableBar } from '../marketdata/bar.js';
import { MaCrossover } from './ma-crossover.js';
import { MeanReversion } from './mean-reversion.js';

/** One reused bar object, as the CSV reader delivers them. */
function feed(strategy: { onBar(b: MutableBar): unknown }, closes: readonly number[]) {
  const bar: MutableBar = { ts: 0, instrument: ALPHA, open: 0, high: 0, low: 0, close: 0, volume: 1000, line: 1 };
  return closes.map((c, i) => { bar.ts = i * 60_000; bar.open = bar.high = bar.low = bar.close = c; bar.line = i + 2; return strategy.onBar(bar); });
}

describe('strategies', () => {
  it('ma-crossover: no target before the slow EMA has its inputs, then long on an up-trend with the EMA values as signal', () => {
    const s = new MaCrossover('trend', 'acct-1', ALPHA, 100, { fast: 2, slow: 4 });
    const out = feed(s, [10_000, 10_000, 10_000, 10_100, 10_200, 10_300]);
    expect(out.slice(0, 3)).toEqual([null, null, null]);
    const first = out.find((o) => o !== null) as { target: number; signal: Record<string, number | string> };
    expect(first.target).toBe(100);
    expect(first.signal.fast as number).toBeGreaterThan(first.signal.slow as number);
  });

  it('ma-crossover: emits only when the target changes, flipping short on a down-trend', () => {
    const s = new MaCrossover('trend', 'acct-1', ALPHA, 100, { fast: 2, slow: 4 });
    const out = feed(s, [10_000, 10_100, 10_200, 10_300, 10_400, 10_300, 10_000, 9_700, 9_400]).filter((o) => o !== null) as { target: number }[];
    expect(out.map((o) => o.target)).toEqual([100, -100]);
  });

  it('mean-reversion: long below oversold, flat again at the exit level, short above overbought', () => {
    const s = new MeanReversion('revert', 'acct-1', ALPHA, 50, { period: 3, oversold: 30, overbought: 70, exit: 50 });
    const down = [10_000, 9_900, 9_800, 9_700, 9_600];
    const up = [9_700, 9_800, 9_900, 10_000, 10_100, 10_200];
    const targets = (feed(s, [...down, ...up]).filter((o) => o !== null) as { target: number; signal: { rsi: number } }[]);
    expect(targets.map((t) => t.target)).toEqual([50, 0, -50]);
    expect(targets[0]!.signal.rsi).toBeLessThan(30);
  });

  it('is deterministic: the same closes give the same targets and signal values', () => {
    const closes = Array.from({ length: 300 }, (_, i) => 10_000 + Math.round(300 * Math.sin(i / 9)));
    const run = () => feed(new MaCrossover('t', 'a', ALPHA, 10, { fast: 5, slow: 20 }), closes);
    expect(run()).toEqual(run());
  });
});
