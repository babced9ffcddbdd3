import type { Strategy } from './api.js';

/** Rounds an indicator value in real units to `decimals` (the instrument's price decimals + 4). */
export function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals;
  const v = Math.round(x * f) / f;
  return v === 0 ? 0 : v;
}

/**
 * Trend following on the module API: long `quantity` while the fast EMA of closes is above the
 * slow EMA, short while below, emitting only when the direction changes. Indicators run on real
 * prices (floats); only the direction comes from them, the target is the configured decimal.
 *
 * @example
 * // config: { "id": "trend", "kind": "ma-crossover", "instrument": "FIX-ALPHA", "quantity": "200", "params": { "fast": 60, "slow": 480 } }
 */
export const maCrossover: Strategy<{ fast: number; slow: number; quantity: string }> = {
  name: 'ma-crossover',
  params: { fast: 20, slow: 50, quantity: '1' },
  create(ctx) {
    const { fast: fastPeriod, slow: slowPeriod, quantity } = ctx.params;
    const fast = new ctx.indicators.EMA(fastPeriod);
    const slow = new ctx.indicators.EMA(slowPeriod);
    const dp = ctx.instrument.priceDecimals + 4;
    let bars = 0;
    let direction = 0;
    return {
      onBar(bar) {
        const f = fast.update(bar.close, false);
        const s = slow.update(bar.close, false);
        if (++bars < slowPeriod) return null;
        const want = f > s ? 1 : f < s ? -1 : direction;
        if (want === direction) return null;
        direction = want;
        return {
          target: (want > 0 ? '+' : '-') + quantity,
          signal: { indicator: 'EMA crossover', fastPeriod, slowPeriod, fast: roundTo(f, dp), slow: roundTo(s, dp) },
        };
      },
    };
  },
};
