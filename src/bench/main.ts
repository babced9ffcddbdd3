/**
 * `npm run bench [-- --quick] [-- --out DIR]`: every measurement of docs/benchmarks.md, each in
 * its own child process (`node --expose-gc dist/bench/worker.js <task>`), on deterministic data
 * generated into bench/data/. Writes `<out>/results.json` (default bench/) and the report
 * (default docs/benchmarks.md; with --out, `<out>/benchmarks.md`).
 *
 * Throughputs are the best of N timed runs after one warm-up run, every sample kept in
 * `details`; ratios are computed from figures of this one run. Quick mode (< 60 s) uses smaller
 * inputs and skips what needs the large ones (those keys are null with a note).
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_FAST, BENCH_SLOW } from './config.js';
import { formatProfile, summariseProfile } from './cpuprofile.js';
import { BENCH_DIR, ensureBenchData, type BenchData } from './data.js';
import { RESULT_PREFIX } from './result.js';
import { renderReport } from './report.js';

export const METRIC_KEYS = [
  'pipeline_bars_per_s', 'pipeline_memory_bars_per_s', 'raw_decode_bars_per_s', 'grademark_bars_per_s',
  'tick_to_order_p50_us', 'tick_to_order_p99_us', 'tick_to_order_p999_us',
  'recon_1k_ms', 'recon_10k_ms', 'recon_100k_ms', 'rss_1m_mb', 'rss_10m_mb', 'journal_appends_per_s',
  'pg_journal_records_per_s', 'jetstream_records_per_s',
] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));
const ROOT = resolve(BENCH_DIR, '..');

interface Options { quick: boolean; outDir: string; docsPath: string; profile: boolean }

function parseArgs(argv: readonly string[]): Options {
  let quick = false;
  let outDir: string | undefined;
  let docsPath: string | undefined;
  let profile: boolean | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--out') outDir = resolve(argv[++i] ?? '');
    else if (a === '--docs') docsPath = resolve(argv[++i] ?? '');
    else if (a === '--profile') profile = true;
    else if (a === '--no-profile') profile = false;
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm run bench [-- --quick] [--out DIR] [--docs FILE] [--profile|--no-profile]');
      process.exit(0);
    } else {
      console.error(`bench: unknown argument ${a}`);
      process.exit(2);
    }
  }
  const out = outDir ?? BENCH_DIR;
  return {
    quick,
    outDir: out,
    docsPath: docsPath ?? (outDir === undefined ? join(ROOT, 'docs', 'benchmarks.md') : join(out, 'benchmarks.md')),
    profile: profile ?? !quick,
  };
}

interface ChildResult { [k: string]: unknown; maxRssMb: number; wallS: number }

/** Runs one worker task in a fresh `node --expose-gc` process; null on timeout. */
async function child(task: string, args: object, opts: { timeoutS: number; nodeArgs?: string[] }): Promise<ChildResult | null> {
  const t0 = performance.now();
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, ['--expose-gc', ...(opts.nodeArgs ?? []), WORKER, task, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; p.kill('SIGKILL'); }, opts.timeoutS * 1000);
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (d: string) => { out += d; });
    p.on('error', rej);
    p.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) return res(null);
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) return rej(new Error(`bench task ${task} failed (exit ${code}): ${out.slice(-2000)}`));
      res({ ...(JSON.parse(line.slice(RESULT_PREFIX.length)) as object), wallS: (performance.now() - t0) / 1000 } as ChildResult);
    });
  });
}

function machine(): { cpu: string; cores: number; ramGb: number; os: string } {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1]!.trim();
  } catch { /* not Linux */ }
  let os = `${process.platform} ${process.arch}`;
  try {
    const m = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m) os = `${m[1]} (${process.arch})`;
  } catch { /* not Linux */ }
  return { cpu, cores: cpus().length, ramGb: Math.round(totalmem() / 2 ** 30 * 10) / 10, os };
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

const log = (msg: string): void => { process.stderr.write(`bench: ${msg}\n`); };
const round = (x: number, d = 0): number => Math.round(x * 10 ** d) / 10 ** d;

async function profileTask(kind: 'memory' | 'sqlite', data: BenchData): Promise<string> {
  const profDir = join(BENCH_DIR, 'data', `profile-${kind}`);
  rmSync(profDir, { recursive: true, force: true });
  await child('pipeline', { path: data.path, runs: 1, kind }, { timeoutS: 300, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] });
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${profDir}`);
  return formatProfile(summariseProfile(JSON.parse(readFileSync(join(profDir, file), 'utf8'))), 15);
}

export async function main(argv: readonly string[]): Promise<void> {
  const o = parseArgs(argv);
  const started = performance.now();
  const loadAtStart = loadavg().map((x) => round(x, 2));
  const q = o.quick;
  const sizes = {
    pipelineBars: q ? 200_000 : 1_000_000,
    runs: q ? 3 : 5,
    grademarkRuns: q ? 2 : 3,
    dfiBars: q ? 10_000 : 40_000,
    latencyBars: q ? 60_000 : 300_000,
    latencyWarmup: q ? 10_000 : 30_000,
    recon: q ? [1_000, 10_000] : [1_000, 10_000, 100_000],
    reconPasses: q ? 1 : 5,
    journalAppends: q ? 100_000 : 300_000,
    pgRecords: q ? 20_000 : 200_000,
    jetstreamRecords: q ? 40_000 : 300_000,
    distributedRuns: q ? 2 : 3,
  };
  mkdirSync(o.outDir, { recursive: true });
  const results: Record<MetricKey, number | null> = Object.fromEntries(METRIC_KEYS.map((k) => [k, null])) as Record<MetricKey, number | null>;
  const notes: Partial<Record<MetricKey, string>> = {};
  const details: Record<string, unknown> = {};

  log(`${q ? 'quick' : 'full'} run; data in ${join(BENCH_DIR, 'data')}`);
  const data = await ensureBenchData(sizes.pipelineBars);
  log(`data: ${data.rows} bars, ${(data.bytes / 1e6).toFixed(1)} MB${data.generatedS ? `, generated in ${data.generatedS.toFixed(1)} s` : ' (reused)'}`);
  details.data = { rows: data.rows, bytes: data.bytes, sha256: data.sha256 };

  // 1. Input limit.
  const raw = (await child('decode', { path: data.path, runs: sizes.runs }, { timeoutS: 300 }))!;
  results.raw_decode_bars_per_s = round(best(raw));
  details.raw_decode = { samples: raw.samples, median: raw.perS };
  log(`raw decode: ${fmt(results.raw_decode_bars_per_s)} bars/s`);

  // 2. Pipeline, SQLite then memory journal.
  const sqlite = (await child('pipeline', { path: data.path, runs: sizes.runs, kind: 'sqlite' }, { timeoutS: 600 }))!;
  results.pipeline_bars_per_s = round(best(sqlite));
  log(`pipeline (sqlite): ${fmt(results.pipeline_bars_per_s)} bars/s`);
  const memory = (await child('pipeline', { path: data.path, runs: sizes.runs, kind: 'memory' }, { timeoutS: 600 }))!;
  results.pipeline_memory_bars_per_s = round(best(memory));
  log(`pipeline (memory): ${fmt(results.pipeline_memory_bars_per_s)} bars/s`);
  const counts = sqlite.counts as Record<string, number>;
  details.pipeline = {
    sqlite: { samples: sqlite.samples, median: sqlite.perS, records: sqlite.records, headHash: sqlite.headHash },
    memory: { samples: memory.samples, median: memory.perS, records: memory.records, headHash: memory.headHash },
    sameHeadHash: sqlite.headHash === memory.headHash,
    counts,
    intentsPerBar: counts.intents! / data.rows,
    recordsPerBar: (sqlite.records as number) / data.rows,
    strategy: `EMA(${BENCH_FAST}) / EMA(${BENCH_SLOW}) crossover per instrument`,
  };
  if (sqlite.headHash !== memory.headHash) throw new Error('determinism: the SQLite and memory runs ended with different head hashes');

  // 3. grademark on the same file and rules.
  const gm = (await child('grademark', { path: data.path, runs: sizes.grademarkRuns }, { timeoutS: 900 }))!;
  results.grademark_bars_per_s = round(best(gm));
  const dfi = (await child('grademarkDfi', { path: data.path, maxBars: sizes.dfiBars }, { timeoutS: 600 }))!;
  details.grademark = {
    samples: gm.samples, median: gm.perS, trades: gm.trades, phasesLastRun: gm.phases,
    dataForgeIndicatorsVariant: { bars: dfi.bars, barsPerS: round(dfi.perS as number), trades: dfi.trades, phases: dfi.phases },
  };
  log(`grademark: ${fmt(results.grademark_bars_per_s)} bars/s (data-forge-indicators EMA variant on ${dfi.bars as number} bars: ${fmt(round(dfi.perS as number))} bars/s)`);

  // 4. Tick to order, live mode.
  const lat = (await child('latency', { bars: sizes.latencyBars, warmup: sizes.latencyWarmup }, { timeoutS: 600 }))!;
  const order = lat.order as Record<string, number>;
  const commit = lat.commit as Record<string, number>;
  const handoff = lat.handoff as Record<string, number>;
  results.tick_to_order_p50_us = order.p50!;
  results.tick_to_order_p99_us = order.p99!;
  results.tick_to_order_p999_us = order.p999!;
  details.tick_to_order = {
    orders: lat.orders, bars: lat.bars, intents: lat.intents, commitBeforeHandoff: lat.commitBeforeHandoff,
    toOrderUs: order, toCommitUs: commit, toHandoffUs: handoff,
  };
  log(`tick to order: p50 ${order.p50} us, p99 ${order.p99} us, p99.9 ${order.p999} us over ${lat.orders as number} orders (hand-off p99 ${handoff.p99} us, commit p99 ${commit.p99} us; committed before hand-off: ${lat.commitBeforeHandoff as number})`);

  // 5. Reconciliation passes.
  const recon: Record<string, unknown> = {};
  const reconKey = { 1_000: 'recon_1k_ms', 10_000: 'recon_10k_ms', 100_000: 'recon_100k_ms' } as const;
  let prev: { n: number; ms: number; setupS: number } | undefined;
  for (const n of [1_000, 10_000, 100_000] as const) {
    const key = reconKey[n];
    if (!sizes.recon.includes(n)) {
      notes[key] = 'skipped in quick mode';
      continue;
    }
    // Skip a size whose projected time (growth exponent of the last two sizes) is beyond the cap.
    if (prev && prev.n !== n) {
      const growth = (recon[`${prev.n}`] as { growthExponent?: number } | undefined)?.growthExponent ?? 1;
      const factor = (n / prev.n) ** Math.max(1, growth);
      const projectedS = ((prev.ms * (sizes.reconPasses + 1)) / 1000 + prev.setupS) * factor;
      if (projectedS > 240) {
        notes[key] = `not run: projected ${round(projectedS)} s from the ${prev.n / 1000}k run (time grows as n^${round(growth, 2)}); pass estimate ${fmt(round(prev.ms * (n / prev.n) ** Math.max(1, growth)))} ms`;
        recon[`${n}`] = { projectedPassMs: round(prev.ms * (n / prev.n) ** Math.max(1, growth)) };
        log(`recon ${n}: ${notes[key]}`);
        continue;
      }
    }
    const r = await child('recon', { n, passes: sizes.reconPasses }, { timeoutS: 900 });
    if (r === null) {
      notes[key] = 'timed out after 900 s';
      continue;
    }
    results[key] = round(r.ms as number, 2);
    const entry: Record<string, unknown> = {
      openOrders: r.openOrders, passMs: round(r.ms as number, 2), firstPassMs: round(r.firstMs as number, 2), samples: r.samples,
      setupS: round((r.setupMs as number) / 1000, 1), records: r.records,
    };
    if (prev) entry.growthExponent = round(Math.log((r.ms as number) / prev.ms) / Math.log(n / prev.n), 2);
    recon[`${n}`] = entry;
    prev = { n, ms: r.ms as number, setupS: (r.setupMs as number) / 1000 };
    log(`recon ${n} pairs x 10 open orders: ${results[key]} ms per pass`);
  }
  details.recon = recon;

  // 6. Peak RSS over 1M and 10M bars (full pipeline, SQLite journal).
  const d1m = await ensureBenchData(1_000_000);
  const rss1 = (await child('rss', { path: d1m.path }, { timeoutS: 600 }))!;
  results.rss_1m_mb = round(rss1.maxRssMb, 1);
  const rssDetails: Record<string, unknown> = { '1m': { bars: rss1.bars, barsPerS: round(rss1.perS as number), records: rss1.records } };
  log(`rss 1M bars: ${results.rss_1m_mb} MB`);
  if (q) {
    notes.rss_10m_mb = 'skipped in quick mode';
  } else {
    const d10m = await ensureBenchData(10_000_000);
    log(`data: ${d10m.rows} bars, ${(d10m.bytes / 1e6).toFixed(0)} MB${d10m.generatedS ? `, generated in ${d10m.generatedS.toFixed(1)} s` : ' (reused)'}`);
    const rss10 = (await child('rss', { path: d10m.path }, { timeoutS: 1800 }))!;
    results.rss_10m_mb = round(rss10.maxRssMb, 1);
    rssDetails['10m'] = { bars: rss10.bars, barsPerS: round(rss10.perS as number), records: rss10.records };
    log(`rss 10M bars: ${results.rss_10m_mb} MB`);
  }
  details.rss = rssDetails;

  // 7. Journal appends.
  const jr = (await child('journal', { n: sizes.journalAppends, batchSize: 1024, runs: sizes.runs }, { timeoutS: 600 }))!;
  results.journal_appends_per_s = round(best(jr));
  details.journal = { samples: jr.samples, median: jr.perS, appends: jr.appends, batchSize: 1024 };
  log(`journal appends: ${fmt(results.journal_appends_per_s)} /s`);

  // 7b. Distributed mode: PostgreSQL journal and JetStream (null with a note when a server does not answer).
  const distributed = async (key: MetricKey, task: string, args: object, what: string): Promise<ChildResult | null> => {
    try {
      const r = await child(task, { ...args, runs: sizes.distributedRuns }, { timeoutS: 600 });
      if (r === null) notes[key] = 'timed out after 600 s';
      else results[key] = round(best(r));
      return r;
    } catch (err) {
      notes[key] = `not run: ${what} did not answer (${(err as Error).message.split('\n')[0]!.slice(0, 160)})`;
      return null;
    }
  };
  const pgr = await distributed('pg_journal_records_per_s', 'pgJournal', { n: sizes.pgRecords, batchSize: 1024 }, 'PostgreSQL');
  if (pgr) details.pg_journal = { samples: pgr.samples, median: pgr.perS, records: pgr.records, batchSize: 1024 };
  log(`pg journal: ${fmt(results.pg_journal_records_per_s)} records/s${notes.pg_journal_records_per_s ? ` (${notes.pg_journal_records_per_s})` : ''}`);
  const jsr = await distributed('jetstream_records_per_s', 'jetstream', { n: sizes.jetstreamRecords, batchSize: 256 }, 'NATS JetStream');
  if (jsr) details.jetstream = { samples: jsr.samples, median: jsr.perS, records: jsr.records, recordsPerMessage: 256, messages: jsr.messages };
  log(`jetstream: ${fmt(results.jetstream_records_per_s)} records/s${notes.jetstream_records_per_s ? ` (${notes.jetstream_records_per_s})` : ''}`);

  // 8. Profiles (full mode).
  const profiles: Record<string, string> = {};
  if (o.profile) {
    profiles.memory = await profileTask('memory', data);
    profiles.sqlite = await profileTask('sqlite', data);
  }

  const p = results.pipeline_bars_per_s!;
  const ratios = {
    pipeline_over_raw_decode: round(p / results.raw_decode_bars_per_s!, 3),
    pipeline_over_grademark: round(p / results.grademark_bars_per_s!, 2),
    memory_over_sqlite: round(results.pipeline_memory_bars_per_s! / p, 2),
    rss_10m_over_1m: results.rss_10m_mb === null ? null : round(results.rss_10m_mb / results.rss_1m_mb!, 2),
    recon_10k_over_1k: results.recon_10k_ms === null || results.recon_1k_ms === null ? null : round(results.recon_10k_ms / results.recon_1k_ms, 1),
    recon_100k_over_10k: results.recon_100k_ms === null || results.recon_10k_ms === null ? null : round(results.recon_100k_ms / results.recon_10k_ms, 1),
    pg_over_sqlite_journal: results.pg_journal_records_per_s === null ? null : round(results.pg_journal_records_per_s / results.journal_appends_per_s!, 3),
    jetstream_over_sqlite_journal: results.jetstream_records_per_s === null ? null : round(results.jetstream_records_per_s / results.journal_appends_per_s!, 3),
  };
  const out = {
    ...results,
    ratios,
    budget: budgets(results, ratios),
    notes,
    meta: {
      date: new Date().toISOString(), mode: q ? 'quick' : 'full', node: process.version, machine: machine(), commit: gitCommit(),
      statistic: 'throughputs: best of the timed runs after one warm-up run (all samples in details); latencies: nearest-rank percentiles',
      wallS: round((performance.now() - started) / 1000, 1), sizes,
      loadAverage: { start: loadAtStart, end: loadavg().map((x) => round(x, 2)), note: 'other processes on the machine compete for its cores; compare runs at similar load' },
    },
    details,
    profiles,
  };
  const resultsPath = join(o.outDir, 'results.json');
  writeFileSync(resultsPath, JSON.stringify(out, null, 2) + '\n');
  mkdirSync(resolve(o.docsPath, '..'), { recursive: true });
  const previous = existsSync(o.docsPath) ? readFileSync(o.docsPath, 'utf8') : '';
  writeFileSync(o.docsPath, renderReport(out, previous));
  log(`wrote ${resultsPath} and ${o.docsPath} in ${out.meta.wallS} s`);
}

function best(r: ChildResult): number {
  return Math.max(...(r.samples as number[]));
}

function fmt(x: number | null): string {
  return x === null ? '-' : Math.round(x).toLocaleString('en-US');
}

export interface Budget { readonly budget: string; readonly pass: boolean | null }

function budgets(r: Record<MetricKey, number | null>, ratios: { pipeline_over_raw_decode: number; pipeline_over_grademark: number; rss_10m_over_1m: number | null; recon_100k_over_10k: number | null; recon_10k_over_1k: number | null }): Record<string, Budget> {
  const ok = (v: number | null, test: (x: number) => boolean): boolean | null => (v === null ? null : test(v));
  return {
    pipeline_bars_per_s: { budget: '>= 1,000,000', pass: ok(r.pipeline_bars_per_s, (x) => x >= 1_000_000) },
    pipeline_over_raw_decode: { budget: '>= 0.5', pass: ratios.pipeline_over_raw_decode >= 0.5 },
    pipeline_over_grademark: { budget: '>= 1', pass: ratios.pipeline_over_grademark >= 1 },
    tick_to_order_p99_us: { budget: '< 100', pass: ok(r.tick_to_order_p99_us, (x) => x < 100) },
    recon_10k_ms: { budget: '< 50', pass: ok(r.recon_10k_ms, (x) => x < 50) },
    recon_growth_10k: { budget: 'near-linear: 10x instruments -> <= 15x time', pass: ok(ratios.recon_10k_over_1k, (x) => x <= 15) },
    recon_growth_100k: { budget: 'near-linear: 10x instruments -> <= 15x time', pass: ok(ratios.recon_100k_over_10k, (x) => x <= 15) },
    rss_10m_mb: { budget: '< 250', pass: ok(r.rss_10m_mb, (x) => x < 250) },
    rss_10m_over_1m: { budget: 'close to 1 (<= 1.25)', pass: ok(ratios.rss_10m_over_1m, (x) => x <= 1.25) },
  };
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/bench/main.js')) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack ?? err.message : err);
    process.exit(1);
  });
}
