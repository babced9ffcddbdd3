/**
 * One isolated measurement, run by main.ts as `node --expose-gc dist/bench/worker.js <task> <json>`.
 * Prints one JSON line (prefixed with RESULT) on stdout; every task reports its peak RSS.
 */
import { benchConfig, BENCH_FAST, BENCH_SLOW } from './config.js';
import { runGrademark, runGrademarkDfIndicators } from './grademark.js';
import { runJournalAppends } from './journal-append.js';
import { dropPgBench, runJetStream, runPgJournal } from './distributed.js';
import { quantile, runLatency } from './latency.js';
import { runPipeline, type JournalKind } from './pipeline.js';
import { reconPass, setupRecon } from './recon.js';
import { rawDecodeBars } from '../marketdata/csv-reader.js';
import { RESULT_PREFIX } from './result.js';


const gc = (): void => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) g();
};

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Args { path?: string; runs?: number; bars?: number; warmup?: number; n?: number; batchSize?: number; kind?: JournalKind; maxBars?: number; passes?: number }

/** Warm-up once, then `runs` timed repetitions; returns rates and the median. */
async function repeat(runs: number, once: () => Promise<{ bars: number; seconds: number }>): Promise<{ perS: number; samples: number[]; bars: number }> {
  await once();
  const samples: number[] = [];
  let bars = 0;
  for (let i = 0; i < runs; i++) {
    gc();
    const r = await once();
    bars = r.bars;
    samples.push(r.bars / r.seconds);
  }
  return { perS: median(samples), samples, bars };
}

const tasks: Record<string, (a: Args) => Promise<unknown>> = {
  async decode(a) {
    const r = await repeat(a.runs!, async () => {
      const t0 = process.hrtime.bigint();
      const { rows } = await rawDecodeBars(a.path!);
      return { bars: rows, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
    });
    return r;
  },
  async pipeline(a) {
    const cfg = benchConfig();
    let last: Awaited<ReturnType<typeof runPipeline>> | undefined;
    const r = await repeat(a.runs!, async () => (last = await runPipeline(a.path!, cfg, a.kind!)));
    return { ...r, records: last!.records, headHash: last!.headHash, counts: last!.counts };
  },
  async grademark(a) {
    let last: Awaited<ReturnType<typeof runGrademark>> | undefined;
    const r = await repeat(a.runs!, async () => (last = await runGrademark(a.path!, BENCH_FAST, BENCH_SLOW, a.maxBars)));
    return { ...r, trades: last!.trades, phases: last!.phases };
  },
  async grademarkDfi(a) {
    const r = await runGrademarkDfIndicators(a.path!, BENCH_FAST, BENCH_SLOW, a.maxBars!);
    return { perS: r.bars / r.seconds, bars: r.bars, trades: r.trades, phases: r.phases };
  },
  async latency(a) {
    const r = await runLatency(a.bars!, a.warmup!);
    const us = (x: number): number => Math.round(x / 10) / 100;
    const stats = (xs: Float64Array): Record<string, number> => {
      const s = xs.slice().sort();
      let over = 0;
      for (const x of s) if (x > 1e6) over++;
      return { p50: us(quantile(s, 0.5)), p99: us(quantile(s, 0.99)), p999: us(quantile(s, 0.999)), max: us(s[s.length - 1] ?? 0), over1ms: over };
    };
    return {
      bars: r.bars, orders: r.orders, intents: r.intents, commitBeforeHandoff: r.commitBeforeHandoff,
      order: stats(r.orderNs), handoff: stats(r.handoffNs), commit: stats(r.commitNs),
    };
  },
  async recon(a) {
    const t0 = performance.now();
    const s = setupRecon(a.n!);
    const setupMs = performance.now() - t0;
    const passes = a.passes ?? 5;
    const time = (fn: () => void): number => {
      s.ts += 3_600_000;
      const t = process.hrtime.bigint();
      fn();
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    // First pass (cold: every pair enters a classification), then steady-state passes.
    const engineMs: number[] = [];
    const first = time(() => reconPass(s, s.ts));
    for (let i = 0; i < passes; i++) { engineMs.push(time(() => reconPass(s, s.ts))); }
    return { n: a.n, openOrders: s.openOrders, setupMs, firstMs: first, ms: median(engineMs), samples: engineMs, records: s.journal.lastSeq() };
  },
  async rss(a) {
    const cfg = benchConfig();
    const r = await runPipeline(a.path!, cfg, 'sqlite');
    return { bars: r.bars, seconds: r.seconds, perS: r.bars / r.seconds, records: r.records };
  },
  async journal(a) {
    const r = await repeat(a.runs!, async () => {
      const x = runJournalAppends(a.n!, a.batchSize!);
      return { bars: x.appends, seconds: x.seconds };
    });
    return { perS: r.perS, samples: r.samples, appends: r.bars };
  },
  async pgJournal(a) {
    try {
      const r = await repeat(a.runs!, async () => {
        const x = await runPgJournal(a.n!, a.batchSize!);
        return { bars: x.records, seconds: x.seconds };
      });
      return { perS: r.perS, samples: r.samples, records: r.bars };
    } finally {
      await dropPgBench();
    }
  },
  async jetstream(a) {
    let messages = 0;
    const r = await repeat(a.runs!, async () => {
      const x = await runJetStream(a.n!, a.batchSize!);
      messages = x.messages;
      return { bars: x.records, seconds: x.seconds };
    });
    return { perS: r.perS, samples: r.samples, records: r.bars, messages };
  },
};

const [task, json] = process.argv.slice(2);
const fn = task ? tasks[task] : undefined;
if (!fn) {
  console.error(`usage: worker.js <${Object.keys(tasks).join('|')}> '<json args>'`);
  process.exit(2);
}
const out = await fn(JSON.parse(json ?? '{}') as Args);
const maxRssMb = process.resourceUsage().maxRSS / 1024;
console.log(RESULT_PREFIX + JSON.stringify({ ...(out as object), maxRssMb }));
