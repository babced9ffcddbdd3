/**
 * CI smoke run of the benchmark: `node --expose-gc dist/bench/main.js --quick --out <tmp>` must
 * finish and write results.json with every metric key (a number, or null only where quick mode
 * skips it, with a note) and the report. No thresholds are asserted: CI machines differ.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/cli.js';

const KEYS = [
  'pipeline_bars_per_s', 'pipeline_memory_bars_per_s', 'raw_decode_bars_per_s', 'grademark_bars_per_s',
  'tick_to_order_p50_us', 'tick_to_order_p99_us', 'tick_to_order_p999_us',
  'recon_1k_ms', 'recon_10k_ms', 'recon_100k_ms', 'rss_1m_mb', 'rss_10m_mb', 'journal_appends_per_s',
  'pg_journal_records_per_s', 'jetstream_records_per_s',
];

describe('npm run bench -- --quick (smoke)', () => {
  it('writes results.json with every key and the report', () => {
    const main = join(ROOT, 'dist/bench/main.js');
    expect(existsSync(main), 'dist/bench/main.js: build first (npm run build)').toBe(true);
    const out = tempDir('reckon-bench-');
    const r = spawnSync(process.execPath, ['--expose-gc', main, '--quick', '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Record<string, unknown> & { notes: Record<string, string>; meta: { mode: string } };
    expect(results.meta.mode).toBe('quick');
    for (const key of KEYS) {
      expect(results, key).toHaveProperty(key);
      const v = results[key];
      if (v === null) expect(results.notes[key], `${key} is null without a note`).toMatch(/quick mode|not run|timed out/);
      else expect(typeof v === 'number' && Number.isFinite(v) && v > 0, `${key} = ${String(v)}`).toBe(true);
    }
    // What quick mode always measures.
    for (const key of ['pipeline_bars_per_s', 'pipeline_memory_bars_per_s', 'raw_decode_bars_per_s', 'grademark_bars_per_s', 'tick_to_order_p99_us', 'recon_1k_ms', 'rss_1m_mb', 'journal_appends_per_s']) {
      expect(typeof results[key], key).toBe('number');
    }
    const report = readFileSync(join(out, 'benchmarks.md'), 'utf8');
    expect(report).toContain('| metric | value | unit | budget | pass |');
    expect(report).toContain('pipeline (SQLite) / raw decode');
  }, 300_000);
});
