/**
 * The comparison baseline: grademark (a JavaScript backtesting toolkit on data-forge) running the
 * same EMA-crossover rules on the same CSV, timed end to end like the pipeline:
 *   read + parse the CSV (the same fast decoder as raw_decode, into grademark's bar objects with
 *   a `Date` time), the indicators (EMA fast/slow per instrument, with trading-signals, the
 *   library Reckon's strategy uses, so the signal values are identical), one data-forge
 *   DataFrame per instrument, and grademark's `backtest` per instrument.
 * Rules: long while EMA(fast) > EMA(slow), short while below (grademark enters and exits at the
 * next bar's open and cannot reverse in one bar, so it makes about the same number of trades).
 *
 * A second variant computes the EMAs with data-forge-indicators' `Series.ema` (the way
 * grademark's own examples compute indicators), which re-computes a window of `period` values
 * per bar; it is much slower and is reported separately.
 */
import { createRequire } from 'node:module';
import { EMA } from 'trading-signals';
import { rawDecodeBars } from '../marketdata/csv-reader.js';

const require = createRequire(import.meta.url);

interface GmBar {
  time: Date;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  fast: number;
  slow: number;
}

interface Trade { direction: string }
type EnterFn = (opts?: { direction?: string }) => void;
interface RuleArgs { bar: GmBar; position?: { direction: string } }
interface DataFrameLike { count(): number }
interface DataForge {
  DataFrame: new (values: unknown[]) => DataFrameLike & {
    deflate(fn: (b: GmBar) => number): { ema(period: number): { toArray(): number[]; count(): number } };
    getIndex(): unknown;
    skip(n: number): DataFrameLike;
  };
}
interface Grademark {
  backtest(strategy: unknown, input: DataFrameLike): Trade[];
}

export interface GrademarkRun {
  readonly bars: number;
  readonly seconds: number;
  readonly trades: number;
  /** Seconds per phase: read+parse, indicators, DataFrame, backtest. */
  readonly phases: { parse: number; indicators: number; frame: number; backtest: number };
}

function strategyFor(slow: number): unknown {
  return {
    lookbackPeriod: 1,
    entryRule: (enter: EnterFn, args: RuleArgs) => {
      if (args.bar.fast > args.bar.slow) enter({ direction: 'long' });
      else if (args.bar.fast < args.bar.slow) enter({ direction: 'short' });
    },
    exitRule: (exit: () => void, args: RuleArgs) => {
      const dir = args.position?.direction;
      if ((dir === 'long' && args.bar.fast < args.bar.slow) || (dir === 'short' && args.bar.fast > args.bar.slow)) exit();
    },
    parameters: { slow },
  };
}

/**
 * The timed harness both variants share: read + parse, `indicators` (fills each bar's fast and
 * slow values), one DataFrame per instrument from the slow window's end, grademark's backtest.
 */
async function timedGrademark(path: string, slow: number, maxBars: number, indicators: (series: GmBar[], df: DataForge) => void): Promise<GrademarkRun> {
  const df = require('data-forge') as DataForge;
  const gm = require('grademark') as Grademark;
  const t0 = process.hrtime.bigint();
  const series: GmBar[][] = [];
  let n = 0;
  await rawDecodeBars(path, (b) => {
    if (n >= maxBars) return;
    n++;
    let s = series[b.instrument];
    if (s === undefined) series[b.instrument] = s = [];
    s.push({ time: new Date(b.ts), open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, fast: 0, slow: 0 });
  });
  const t1 = process.hrtime.bigint();
  for (const s of series) indicators(s, df);
  const t2 = process.hrtime.bigint();
  // The indicators need `slow` bars to settle, like the pipeline strategy's warm-up.
  const frames = series.map((s) => new df.DataFrame(s.slice(slow - 1)));
  const t3 = process.hrtime.bigint();
  let trades = 0;
  const strategy = strategyFor(slow);
  for (const f of frames) trades += gm.backtest(strategy, f).length;
  const t4 = process.hrtime.bigint();
  const sec = (a: bigint, b: bigint): number => Number(b - a) / 1e9;
  return { bars: n, seconds: sec(t0, t4), trades, phases: { parse: sec(t0, t1), indicators: sec(t1, t2), frame: sec(t2, t3), backtest: sec(t3, t4) } };
}

/** Runs grademark over the first `maxBars` rows of `path` (all when undefined). */
export function runGrademark(path: string, fast: number, slow: number, maxBars?: number): Promise<GrademarkRun> {
  return timedGrademark(path, slow, maxBars ?? Number.MAX_SAFE_INTEGER, (s) => {
    const ef = new EMA(fast);
    const es = new EMA(slow);
    for (const bar of s) {
      bar.fast = ef.update(bar.close, false);
      bar.slow = es.update(bar.close, false);
    }
  });
}

/**
 * The data-forge-indicators variant: only the indicator phase differs (`Series.ema(period)` on
 * the close series, a rolling window per bar). Returns its bars/s over `maxBars` rows, with
 * the phases timed the same way.
 */
export function runGrademarkDfIndicators(path: string, fast: number, slow: number, maxBars: number): Promise<GrademarkRun> {
  require('data-forge-indicators');
  return timedGrademark(path, slow, maxBars, (s, df) => {
    const closes = new df.DataFrame(s).deflate((b) => b.close);
    const f = closes.ema(fast).toArray();
    const sl = closes.ema(slow).toArray();
    // rollingWindow(p) yields from the p-th bar on; align both to the slow window's end.
    for (let i = slow - 1; i < s.length; i++) {
      s[i]!.fast = f[i - (fast - 1)]!;
      s[i]!.slow = sl[i - (slow - 1)]!;
    }
  });
}
