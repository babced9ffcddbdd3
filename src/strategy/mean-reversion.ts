import { RSI } from 'trading-signals';
import type { Instrument } from '../domain/types.js';
import type { Bar } from '../marketdata/bar.js';
import { round4 } from './ma-crossover.js';
import type { Strategy, TargetSignal } from './strategy.js';

/**
 * Mean reversion on RSI: long `quantity` when RSI falls below `oversold`, short above
 * `overbought`, flat again when RSI crosses `exit` back toward the middle.
 */
export class MeanReversion implements Strategy {
  readonly kind = 'mean-reversion';
  private readonly rsi: RSI;
  private target = 0;

  constructor(
    readonly id: string,
    readonly account: string,
    readonly instrument: Instrument,
    private readonly quantity: number,
    private readonly params: { readonly period: number; readonly oversold: number; readonly overbought: number; readonly exit: number },
  ) {
    this.rsi = new RSI(params.period);
  }

  onBar(bar: Bar): TargetSignal | null {
    const rsi = this.rsi.update(bar.close, false);
    if (rsi === null) return null;
    const p = this.params;
    let want = this.target;
    if (rsi < p.oversold) want = this.quantity;
    else if (rsi > p.overbought) want = -this.quantity;
    else if ((this.target > 0 && rsi >= p.exit) || (this.target < 0 && rsi <= p.exit)) want = 0;
    if (want === this.target) return null;
    this.target = want;
    return { target: want, signal: { indicator: 'RSI', period: p.period, rsi: round4(rsi), oversold: p.oversold, overbought: p.overbought, exit: p.exit } };
  }
}
