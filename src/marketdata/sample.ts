/**
 * Deterministic sample bars for the fixture instruments: the bundled data of the demo, the
 * scenarios and the benchmark. The same seed gives the same bytes on every machine and engine:
 * the PRNG is 32-bit integer arithmetic (mulberry32 with Math.imul and >>>), the model uses only
 * + - * / and Math.sqrt/round/floor/abs (all exactly specified by IEEE-754 / ECMAScript; no
 * log/exp/sin/pow, whose precision is implementation-defined), and prices move in integer ticks.
 *
 * The model: per instrument a random walk whose volatility follows regimes (calm / normal / busy,
 * smoothed), a drift regime (trend up, trend down, mean-reverting toward an anchor, plain random
 * walk) lasting 4 to 48 hours, a shared market factor, rare jumps, an intraday volatility profile
 * and quieter weekends. Volume follows volatility and the size of the move, with occasional
 * near-empty bars.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURE_INSTRUMENTS } from '../config/fixture-instruments.js';
import { ReckonError } from '../domain/errors.js';
import { formatFixed } from '../domain/fixed-point.js';
import { makeInstrument, parsePrice, parseQty } from '../domain/instrument.js';
import { CSV_HEADER } from './csv-reader.js';
import { formatIsoUtc, MS_PER_DAY } from './timestamp.js';

/** Absolute path of the bundled sample, `data/sample-bars.csv` at the repository root (git-ignored). */
export const SAMPLE_DATA_PATH = fileURLToPath(new URL('../../data/sample-bars.csv', import.meta.url));

/**
 * SHA-256 of the default sample (also recorded in `data/sample-bars.sha256`). A test regenerates
 * the sample and checks this value: it is the determinism guarantee of the bundled data.
 */
export const SAMPLE_DATA_SHA256 = 'a69e328967abe67c5fdaffb73f0d22297811744cea4c58a1863a2f8149036f5b';
/** Size in bytes of the default sample; {@link ensureSampleData} regenerates a file of another size. */
export const SAMPLE_DATA_BYTES = 13_194_003;

export const SAMPLE_DEFAULTS = {
  seed: 7,
  /** 35 days of 1-minute bars. */
  barsPerInstrument: 50_400,
  /** 2026-01-05T00:00:00Z, a Monday. */
  startTs: 1_767_571_200_000,
  intervalMs: 60_000,
} as const;

export interface SampleOptions {
  seed?: number;
  barsPerInstrument?: number;
  startTs?: number;
  intervalMs?: number;
}

/** mulberry32: a small, well-mixed 32-bit PRNG; returns uniforms in [0, 1) with 32 random bits. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal approximation: Irwin–Hall sum of 12 uniforms minus 6 (mean 0, variance 1). */
function normal(u: () => number): number {
  let s = 0;
  for (let i = 0; i < 12; i++) s += u();
  return s - 6;
}

/** Relative volatility multiplier per UTC hour: quiet Asian night, EU open, US session peak. */
const HOUR_PROFILE = [
  0.7, 0.65, 0.6, 0.6, 0.65, 0.7, 0.8, 0.95, 1.1, 1.05, 1.0, 0.95,
  1.0, 1.2, 1.45, 1.4, 1.25, 1.1, 1.0, 0.95, 0.9, 0.85, 0.8, 0.75,
];

/** Per-instrument character, by position in the fixture list (cycled). */
const CHARACTER = [
  { vol: 0.0007, beta: 0.6 }, // ~2.7 %/day
  { vol: 0.0009, beta: 0.5 },
  { vol: 0.0012, beta: 0.4 }, // the "crypto-like" one
  { vol: 0.00025, beta: 0.2 }, // the "FX-like" one
];

const REGIME_VOL = [0.55, 1.0, 1.9];
const DRIFT_RANDOM = 0;
const DRIFT_UP = 1;
const DRIFT_DOWN = 2;
const DRIFT_REVERT = 3;

interface WalkState {
  readonly priceScale: number;
  readonly sizeScale: number;
  readonly tick: number;
  readonly startTicks: number;
  readonly typicalLots: number;
  readonly lot: number;
  readonly vol: number;
  readonly beta: number;
  readonly idio: number;
  readonly rng: () => number;
  close: number; // ticks
  volRegime: number;
  volLevel: number; // smoothed multiplier
  drift: number;
  driftLeft: number; // bars until the next drift regime
  trend: number; // drift per bar in units of sigma
  anchor: number; // ticks, for mean reversion
  kappa: number;
}

function newDriftRegime(w: WalkState): void {
  const u = w.rng;
  const r = u();
  w.drift = r < 0.3 ? DRIFT_RANDOM : r < 0.5 ? DRIFT_UP : r < 0.7 ? DRIFT_DOWN : DRIFT_REVERT;
  w.driftLeft = 240 + Math.floor(u() * 2640); // 4 h .. 48 h of 1-minute bars
  w.trend = 0.01 + u() * 0.03;
  w.anchor = w.close;
  w.kappa = 0.01 + u() * 0.03;
}

/** One bar of one instrument; returns the CSV fields after the instrument id. */
function step(w: WalkState, zMarket: number, hourMult: number, weekend: boolean): string {
  const u = w.rng;
  // Volatility regime: switch about twice a day, level follows smoothly.
  if (u() < 1 / 720) w.volRegime = Math.floor(u() * 3);
  w.volLevel += ((REGIME_VOL[w.volRegime] ?? 1) - w.volLevel) * 0.01;
  if (--w.driftLeft <= 0) newDriftRegime(w);

  const sigma = w.vol * w.volLevel * hourMult * (weekend ? 0.5 : 1);
  const open = w.close;
  // Drift in relative terms per bar.
  let mu = 0;
  if (w.drift === DRIFT_UP) mu = w.trend * sigma;
  else if (w.drift === DRIFT_DOWN) mu = -w.trend * sigma;
  else if (w.drift === DRIFT_REVERT) mu = (-w.kappa * (open - w.anchor)) / open;
  // Guard rails: keep the walk within a band around the start price.
  if (open < w.startTicks * 0.45) mu += 0.2 * sigma;
  else if (open > w.startTicks * 2.2) mu -= 0.2 * sigma;

  let z = w.beta * zMarket + w.idio * normal(u);
  if (u() < 0.0008) z += (u() < 0.5 ? -1 : 1) * (4 + u() * 6); // rare jump
  const ret = mu + sigma * z;
  const minTicks = Math.max(1, Math.floor(w.startTicks * 0.05));
  const close = Math.max(minTicks, Math.round(open * (1 + ret)));
  const range = sigma * open;
  const high = Math.max(open, close) + Math.round(Math.abs(normal(u)) * range * 0.5);
  const low = Math.max(1, Math.min(open, close) - Math.round(Math.abs(normal(u)) * range * 0.5));
  w.close = close;

  // Volume: follows volatility, the move and the session; sometimes almost nothing trades.
  const move = Math.abs(ret) / (sigma > 0 ? sigma : 1);
  let factor = (0.5 + u()) * w.volLevel * hourMult * (1 + 0.35 * move) * (weekend ? 0.4 : 1);
  if (u() < 0.01) factor *= 0.02 + u() * 0.05;
  const lots = Math.max(0, Math.round(w.typicalLots * factor));

  const t = w.tick;
  const ps = w.priceScale;
  return `${formatFixed(open * t, ps)},${formatFixed(high * t, ps)},${formatFixed(low * t, ps)},${formatFixed(close * t, ps)},${formatFixed(lots * w.lot, w.sizeScale)}`;
}

let tmpCounter = 0;

/**
 * Writes the deterministic sample CSV (ISO timestamps, rows interleaved by time, one row per
 * fixture instrument per interval) and returns its row count and SHA-256.
 *
 * @example
 * const { rows, sha256 } = await generateSampleBars('/tmp/bars.csv', { barsPerInstrument: 1440 });
 */
export async function generateSampleBars(path: string, opts: SampleOptions = {}): Promise<{ rows: number; sha256: string }> {
  const seed = opts.seed ?? SAMPLE_DEFAULTS.seed;
  const n = opts.barsPerInstrument ?? SAMPLE_DEFAULTS.barsPerInstrument;
  const startTs = opts.startTs ?? SAMPLE_DEFAULTS.startTs;
  const intervalMs = opts.intervalMs ?? SAMPLE_DEFAULTS.intervalMs;
  if (!Number.isSafeInteger(n) || n < 0) throw new ReckonError('USAGE', `barsPerInstrument must be a non-negative integer, got ${n}`);
  if (!Number.isSafeInteger(startTs) || startTs < 0) throw new ReckonError('USAGE', `startTs must be a non-negative integer (epoch ms), got ${startTs}`);
  if (!Number.isSafeInteger(intervalMs) || intervalMs <= 0) throw new ReckonError('USAGE', `intervalMs must be a positive integer, got ${intervalMs}`);

  const market = mulberry32(seed);
  const walks: WalkState[] = FIXTURE_INSTRUMENTS.map((f, i) => {
    const inst = makeInstrument(f.id, i, f.priceIncrement, f.sizeIncrement);
    const ch = CHARACTER[i % CHARACTER.length]!;
    const rng = mulberry32((seed ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0);
    const w: WalkState = {
      priceScale: inst.priceScale,
      sizeScale: inst.sizeScale,
      tick: inst.tick,
      lot: inst.lot,
      startTicks: Math.round(parsePrice(inst, f.startPrice, 'startPrice') / inst.tick),
      typicalLots: Math.round(parseQty(inst, f.typicalVolume, 'typicalVolume') / inst.lot),
      vol: ch.vol,
      beta: ch.beta,
      idio: Math.sqrt(1 - ch.beta * ch.beta),
      rng,
      close: 0,
      volRegime: 1,
      volLevel: 1,
      drift: DRIFT_RANDOM,
      driftLeft: 0,
      trend: 0,
      anchor: 0,
      kappa: 0,
    };
    w.close = w.startTicks;
    newDriftRegime(w);
    return w;
  });
  const ids = FIXTURE_INSTRUMENTS.map((f) => ',' + f.id + ',');

  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${++tmpCounter}.tmp`;
  const out = createWriteStream(tmp, { highWaterMark: 1 << 20 });
  const hash = createHash('sha256');
  let pending = CSV_HEADER + '\n';
  const flush = async (): Promise<void> => {
    const buf = Buffer.from(pending, 'utf8');
    pending = '';
    hash.update(buf);
    if (!out.write(buf)) await once(out, 'drain');
  };
  try {
    for (let k = 0; k < n; k++) {
      const ts = startTs + k * intervalMs;
      const iso = formatIsoUtc(ts);
      const days = Math.floor(ts / MS_PER_DAY);
      const dow = (days + 4) % 7; // 0 = Sunday (1970-01-01 was a Thursday)
      const weekend = dow === 0 || dow === 6;
      const hourMult = HOUR_PROFILE[Math.floor((ts - days * MS_PER_DAY) / 3_600_000)] ?? 1;
      const zMarket = normal(market);
      for (let i = 0; i < walks.length; i++) {
        pending += iso + ids[i] + step(walks[i]!, zMarket, hourMult, weekend) + '\n';
      }
      if (pending.length >= 1 << 18) await flush();
    }
    if (pending.length > 0) await flush();
    out.end();
    await once(out, 'finish');
    await rename(tmp, path);
  } catch (err) {
    out.destroy();
    await rm(tmp, { force: true });
    throw err;
  }
  return { rows: n * walks.length, sha256: hash.digest('hex') };
}

/**
 * Makes sure the bundled sample exists at {@link SAMPLE_DATA_PATH} (generating it when missing or
 * of the wrong size) and returns its path. Throws if a regenerated file does not hash to
 * {@link SAMPLE_DATA_SHA256}, which would mean the generator is not deterministic here.
 *
 * @example
 * const csv = await ensureSampleData();
 */
export async function ensureSampleData(): Promise<string> {
  const size = await stat(SAMPLE_DATA_PATH).then((s) => s.size, () => -1);
  if (size === SAMPLE_DATA_BYTES) return SAMPLE_DATA_PATH;
  const { sha256 } = await generateSampleBars(SAMPLE_DATA_PATH);
  if (sha256 !== SAMPLE_DATA_SHA256) {
    throw new ReckonError('INVARIANT', `generated ${SAMPLE_DATA_PATH} has sha256 ${sha256}, expected ${SAMPLE_DATA_SHA256}: the sample generator is not deterministic on this machine`);
  }
  return SAMPLE_DATA_PATH;
}
