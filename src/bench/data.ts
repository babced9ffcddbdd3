/**
 * Bench input: deterministic sample CSVs generated at run time into bench/data/ (git-ignored).
 * A file is reused when its side-car `.meta.json` (written after the file is complete) matches
 * the requested size and the file's byte length; otherwise it is regenerated. The generator is
 * deterministic (see marketdata/sample.ts), so a reused file is byte-identical to a fresh one.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURE_INSTRUMENTS } from '../config/fixture-instruments.js';
import { generateSampleBars, SAMPLE_DEFAULTS } from '../marketdata/sample.js';

/** `bench/` at the repository root (dist/bench/data.js -> ../../bench). */
export const BENCH_DIR = fileURLToPath(new URL('../../bench/', import.meta.url));
export const BENCH_DATA_DIR = join(BENCH_DIR, 'data');
/** Seed of every bench data file. */
export const BENCH_SEED = 7;

export interface BenchData {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
  /** Seconds spent generating (0 when reused). */
  readonly generatedS: number;
}

interface Meta { rows: number; bytes: number; sha256: string; seed: number; version: 1 }

/** Number of CSV rows for `bars` total bars over the fixture instruments (rounded up to whole intervals). */
export function barsPerInstrument(bars: number): number {
  return Math.ceil(bars / FIXTURE_INSTRUMENTS.length);
}

/**
 * Makes sure `bench/data/bars-<N>.csv` exists with N bars (one row per fixture instrument per
 * minute, interleaved by time) and returns it.
 */
export async function ensureBenchData(bars: number, dir = BENCH_DATA_DIR): Promise<BenchData> {
  const per = barsPerInstrument(bars);
  const rows = per * FIXTURE_INSTRUMENTS.length;
  const path = join(dir, `bars-${rows}.csv`);
  const metaPath = `${path}.meta.json`;
  if (existsSync(path) && existsSync(metaPath)) {
    try {
      const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Meta;
      if (meta.version === 1 && meta.rows === rows && meta.seed === BENCH_SEED && statSync(path).size === meta.bytes) {
        return { path, rows, bytes: meta.bytes, sha256: meta.sha256, generatedS: 0 };
      }
    } catch {
      // regenerate below
    }
  }
  const t0 = performance.now();
  const res = await generateSampleBars(path, { seed: BENCH_SEED, barsPerInstrument: per, startTs: SAMPLE_DEFAULTS.startTs, intervalMs: SAMPLE_DEFAULTS.intervalMs });
  const bytes = statSync(path).size;
  const meta: Meta = { rows: res.rows, bytes, sha256: res.sha256, seed: BENCH_SEED, version: 1 };
  writeFileSync(metaPath, JSON.stringify(meta) + '\n');
  return { path, rows: res.rows, bytes, sha256: res.sha256, generatedS: (performance.now() - t0) / 1000 };
}
