import { EMA } from 'trading-signals';
import type { Instrument } from '../domain/types.js';
import type { Bar } from '../marketdata/bar.js';
import type { Strategy, TargetSignal } from './strategy.js';

/**
 * Trend following: long `quantity` while the fast EMA of closes is above the slow EMA, short
 * while below. Indicators run on exact integer prices (in price units), so signals are
 * scale-free; only the direction comes from the floats, never the quantity.
 */
export class MaCrossover implements Strategy {
  readonly kind = 'ma-crossover';
  private readonly fast: EMA;
  private readonly slow: EMA;
  private bars = 0;
  private target = 0;

  constructor(
    readonly id: string,
    readonly account: string,
    readonly instrument: Instrument,
    private readonly quantity: number,
    private readonly params: { readonly fast: number; readonly slow: number },
  ) {
    this.fast = new EMA(params.fast);
    this.slow = new EMA(params.slow);
  }

  onBar(bar: Bar): TargetSignal | null {
    const fast = this.fast.update(bar.close, false);
    const slow = this.slow.update(bar.close, false);
    if (++this.bars < this.params.slow) return null;
    const want = fast > slow ? this.quantity : fast < slow ? -this.quantity : this.target;
    if (want === this.target) return null;
    this.target = want;
    return { target: want, signal: { indicator: 'EMA crossover', fastPeriod: this.params.fast, slowPeriod: this.params.slow, fast: round4(fast), slow: round4(slow) } };
  }
}

export const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;
