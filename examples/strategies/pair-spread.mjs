/**
 * A strategy over two instruments: trades the spread of their log prices against its rolling
 * mean. When the z-score passes `entry`, it shorts the rich leg and buys the cheap one (`size`
 * of each, as real-unit quantities rounded onto each instrument's increment by ctx.target);
 * flat again inside `exit`. Configure it with `instruments` (two ids):
 *
 *   { "id": "spread", "module": "./examples/strategies/pair-spread.mjs", "account": "acct-1",
 *     "instruments": ["FIX-ALPHA", "FIX-BRAVO"], "params": { "window": 240 } }
 *
 * @type {import('reckon').Strategy<{ window: number; entry: number; exit: number; size: number }>}
 */
export default {
  name: 'pair-spread',
  params: { window: 240, entry: 2, exit: 0.5, size: 10 },
  create(ctx) {
    if (ctx.instruments.length !== 2) throw new Error(`pair-spread trades exactly two instruments, got ${ctx.instruments.length}`);
    const [a, b] = ctx.instruments;
    const { window, entry, exit, size } = ctx.params;
    const last = new Map();
    const spreads = [];
    let side = 0;
    return {
      onBar(bar) {
        last.set(bar.instrument, bar.close);
        if (bar.instrument !== b.id || !last.has(a.id)) return null; // decide once both legs have a price, on the second leg's bar
        spreads.push(Math.log(last.get(a.id)) - Math.log(last.get(b.id)));
        if (spreads.length > window) spreads.shift();
        if (spreads.length < window) return null;
        const mean = spreads.reduce((s, x) => s + x, 0) / window;
        const sd = Math.sqrt(spreads.reduce((s, x) => s + (x - mean) ** 2, 0) / (window - 1));
        const z = sd > 0 ? (spreads[spreads.length - 1] - mean) / sd : 0;
        let want = side;
        if (z > entry) want = -1;
        else if (z < -entry) want = 1;
        else if (Math.abs(z) < exit) want = 0;
        if (want === side) return null;
        side = want;
        return {
          target: { [a.id]: ctx.target(want * size, a.id), [b.id]: ctx.target(-want * size, b.id) },
          signal: { z: Number(z.toFixed(4)), mean: Number(mean.toFixed(6)), sd: Number(sd.toFixed(6)) },
        };
      },
    };
  },
};
