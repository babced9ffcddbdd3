#!/usr/bin/env node
/**
 * `npm run bench:compare -- --ref DIR [--quick] [--rounds N] [--only TEXT]`: the main figures of this build
 * against another built checkout (DIR, e.g. a worktree of main), measured in one run on the same
 * data and machine. Each figure runs in its own child process, alternating between the two builds
 * round after round (so load on the shared machine hits both alike); the best of the rounds is
 * compared. Prints a table of both values and the ratio this / reference.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const refDir = opt('--ref');
const quick = args.includes('--quick');
const rounds = Number(opt('--rounds') ?? (quick ? 2 : 3));
const only = opt('--only');
const here = resolve(import.meta.dirname, '..');
if (!refDir || !Number.isInteger(rounds) || rounds < 1) {
  console.error('usage: npm run bench:compare -- --ref DIR [--quick] [--rounds N] [--only TEXT]   (DIR: another built checkout; TEXT: figures whose label contains it)');
  process.exit(2);
}
const ref = resolve(refDir);
for (const dir of [here, ref]) {
  if (!existsSync(join(dir, 'dist/bench/worker.js'))) {
    console.error(`bench:compare: ${dir}/dist/bench/worker.js not found; build that checkout first (npm run build)`);
    process.exit(2);
  }
}

const bars = quick ? 200_000 : 1_000_000;
const data = join(here, 'bench/data', `bars-${bars}.csv`);
if (!existsSync(data)) {
  console.error(`bench:compare: ${data} not found; run npm run bench${quick ? ' -- --quick' : ''} once to generate it`);
  process.exit(2);
}

/** [label, task, args, figure from the result, higher is better] */
const FIGURES = [
  ['pipeline, SQLite journal (bars/s)', 'pipeline', { path: data, runs: 1, kind: 'sqlite' }, (r) => r.perS, true],
  ['pipeline, in-memory journal (bars/s)', 'pipeline', { path: data, runs: 1, kind: 'memory' }, (r) => r.perS, true],
  ['tick to order p50 (µs)', 'latency', { bars: quick ? 60_000 : 200_000, warmup: quick ? 10_000 : 20_000 }, (r) => r.order.p50, false],
  ['tick to order p99 (µs)', 'latency', { bars: quick ? 60_000 : 200_000, warmup: quick ? 10_000 : 20_000 }, (r) => r.order.p99, false],
  ['reconciliation pass, 10k instruments (ms)', 'recon', { n: 10_000, passes: 3 }, (r) => r.ms, false],
  ['journal appends (records/s)', 'journal', { runs: 1, n: 200_000, batchSize: 1024 }, (r) => r.perS, true],
];

const figures = only ? FIGURES.filter(([label]) => label.includes(only)) : FIGURES;
const cache = new Map();
function run(dir, task, a) {
  const key = `${dir}|${task}|${JSON.stringify(a)}`;
  if (cache.has(key)) return cache.get(key);
  const p = spawnSync(process.execPath, ['--expose-gc', join(dir, 'dist/bench/worker.js'), task, JSON.stringify(a)], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 900_000 });
  const line = (p.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`${task} in ${dir} failed: ${(p.stderr ?? '').slice(-600)}`);
  const r = JSON.parse(line.slice(7));
  cache.set(key, r);
  return r;
}

const best = new Map();
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? [ref, here] : [here, ref];
  const seen = new Set();
  for (const [label, task, a, pick, higher] of figures) {
    for (const dir of order) {
      const key = `${dir}|${task}|${JSON.stringify(a)}`;
      if (!seen.has(key)) { cache.delete(key); seen.add(key); }
      const v = pick(run(dir, task, a));
      const k = `${label}|${dir}`;
      const prev = best.get(k);
      best.set(k, prev === undefined ? v : higher ? Math.max(prev, v) : Math.min(prev, v));
    }
  }
  process.stderr.write(`round ${round + 1}/${rounds} done\n`);
}

const fmt = (x) => (x >= 1000 ? Math.round(x).toLocaleString('en-US') : x.toFixed(2));
console.log(`| figure | reference (${ref}) | this (${here}) | this / reference |`);
console.log('|---|---:|---:|---:|');
for (const [label, , , , higher] of figures) {
  const r = best.get(`${label}|${ref}`);
  const t = best.get(`${label}|${here}`);
  const ratio = t / r;
  const change = higher ? ratio - 1 : 1 - ratio; // positive = better
  console.log(`| ${label} | ${fmt(r)} | ${fmt(t)} | ${ratio.toFixed(3)} (${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}% ${change >= 0 ? 'better' : 'worse'}) |`);
}
console.log(`\nbest of ${rounds} alternating rounds; ${bars.toLocaleString('en-US')} bars; load average now ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' / ')}`);
