import type { Strategy } from './api.js';
import { roundTo } from './ma-crossover.js';

/**
 * Mean reversion on RSI, on the module API: long `quantity` when RSI falls below `oversold`,
 * short above `overbought`, flat again when RSI crosses `exit` back toward the middle.
 *
 * @example
 * // config: { "id": "revert", "kind": "mean-reversion", "instrument": "FIX-ALPHA", "quantity": "150",
 * //           "params": { "period": 14, "oversold": 20, "overbought": 80, "exit": 50 } }
 */
export const meanReversion: Strategy<{ period: number; oversold: number; overbought: number; exit: number; quantity: string }> = {
  name: 'mean-reversion',
  params: { period: 14, oversold: 30, overbought: 70, exit: 50, quantity: '1' },
  create(ctx) {
    const p = ctx.params;
    const rsi = new ctx.indicators.RSI(p.period);
    let direction = 0;
    return {
      onBar(bar) {
        const r = rsi.update(bar.close, false);
        if (r === null) return null;
        let want = direction;
        if (r < p.oversold) want = 1;
        else if (r > p.overbought) want = -1;
        else if ((direction > 0 && r >= p.exit) || (direction < 0 && r <= p.exit)) want = 0;
        if (want === direction) return null;
        direction = want;
        return {
          target: want === 0 ? '0' : (want > 0 ? '+' : '-') + p.quantity,
          signal: { indicator: 'RSI', period: p.period, rsi: roundTo(r, 4), oversold: p.oversold, overbought: p.overbought, exit: p.exit },
        };
      },
    };
  },
};
