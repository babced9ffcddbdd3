/**
 * The breakout strategy of breakout.mjs in TypeScript: loaded the same way (`--strategy
 * ./examples/strategies/breakout.ts`), transpiled on load, types checked by `tsc` against the
 * API the package publishes (`import type { Strategy } from 'reckon'`).
 */
import type { Strategy, StrategyBar } from 'reckon';

interface Params { lookback: number; size: string }

const breakout: Strategy<Params> = {
  name: 'breakout-ts',
  params: { lookback: 120, size: '1' },
  create(ctx) {
    const { lookback, size } = ctx.params;
    const window: StrategyBar[] = [];
    let direction: -1 | 0 | 1 = 0;
    return {
      onBar(bar) {
        const ready = window.length === lookback;
        const upper = ready ? Math.max(...window.map((b) => b.high)) : NaN;
        const lower = ready ? Math.min(...window.map((b) => b.low)) : NaN;
        window.push(bar);
        if (window.length > lookback) window.shift();
        if (!ready) return null;
        const middle = (upper + lower) / 2;
        let want = direction;
        if (bar.close > upper) want = 1;
        else if (bar.close < lower) want = -1;
        else if ((direction > 0 && bar.close < middle) || (direction < 0 && bar.close > middle)) want = 0;
        if (want === direction) return null;
        direction = want;
        return { target: want === 0 ? '0' : `${want > 0 ? '+' : '-'}${size}`, signal: { upper, lower, close: bar.close } };
      },
    };
  },
};

export default breakout;
