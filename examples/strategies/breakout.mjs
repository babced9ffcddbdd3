/**
 * Donchian breakout: long `size` when the close breaks above the highest high of the last
 * `lookback` bars, short below the lowest low, flat when the close crosses back over the
 * channel's middle. Run it with:
 *
 *   reckon run --data my.csv --config reckon.json --strategy ./examples/strategies/breakout.mjs
 *
 * @type {import('reckon').Strategy<{ lookback: number; size: string }>}
 */
export default {
  name: 'breakout',
  params: { lookback: 120, size: '1' },
  create(ctx) {
    const { lookback, size } = ctx.params;
    const highs = [];
    const lows = [];
    const atr = new ctx.indicators.ATR(14);
    let direction = 0;
    return {
      onBar(bar) {
        atr.update({ high: bar.high, low: bar.low, close: bar.close }, false);
        const ready = highs.length === lookback;
        const upper = ready ? Math.max(...highs) : NaN;
        const lower = ready ? Math.min(...lows) : NaN;
        highs.push(bar.high);
        lows.push(bar.low);
        if (highs.length > lookback) { highs.shift(); lows.shift(); }
        if (!ready) return null;
        const middle = (upper + lower) / 2;
        let want = direction;
        if (bar.close > upper) want = 1;
        else if (bar.close < lower) want = -1;
        else if ((direction > 0 && bar.close < middle) || (direction < 0 && bar.close > middle)) want = 0;
        if (want === direction) return null;
        direction = want;
        return {
          target: want === 0 ? '0' : (want > 0 ? '+' : '-') + size,
          signal: { upper, lower, close: bar.close, atr: atr.isStable ? Number(atr.getResultOrThrow().toFixed(6)) : 'warming up' },
        };
      },
    };
  },
};
