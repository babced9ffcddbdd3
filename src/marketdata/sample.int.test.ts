import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { FIXTURE_INSTRUMENTS } from '../config/fixture-instruments.js';
import { makeInstrument, parseQty } from '../domain/instrument.js';
import type { Instrument } from '../domain/types.js';
import { CSV_HEADER, rawDecodeBars, readBars } from './csv-reader.js';
import { ensureSampleData, generateSampleBars, SAMPLE_DATA_BYTES, SAMPLE_DATA_PATH, SAMPLE_DATA_SHA256, SAMPLE_DEFAULTS } from './sample.js';

const instruments: ReadonlyMap<string, Instrument> = new Map(
  FIXTURE_INSTRUMENTS.map((f, i) => [f.id, makeInstrument(f.id, i, f.priceIncrement, f.sizeIncrement)] as const),
);
const dir = mkdtempSync(join(tmpdir(), 'reckon-sample-'));

describe('generateSampleBars (default sample)', () => {
  const path = join(dir, 'sub', 'sample-bars.csv');
  let generated: { rows: number; sha256: string } | undefined;
  const generate = async (): Promise<{ rows: number; sha256: string }> => (generated ??= await generateSampleBars(path));

  it('reproduces the recorded hash: the determinism guarantee of the bundled data', async () => {
    const { rows, sha256 } = await generate();
    expect(rows).toBe(201_600);
    expect(sha256).toBe(SAMPLE_DATA_SHA256);
    const recorded = readFileSync(join(dirname(SAMPLE_DATA_PATH), 'sample-bars.sha256'), 'utf8').trim();
    expect(recorded).toBe(SAMPLE_DATA_SHA256);
    expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(sha256);
    expect(statSync(path).size).toBe(SAMPLE_DATA_BYTES);
  });

  it('is valid input for the reader: every row passes validation', async () => {
    await generate();
    const perInstrument = new Map<string, { n: number; min: number; max: number; lowVolume: number }>();
    let lastTs = 0;
    let first = true;
    const res = await readBars({
      path,
      instruments,
      badRows: 'fail',
      onBar: (b) => {
        if (first) {
          expect(b.ts).toBe(SAMPLE_DEFAULTS.startTs);
          expect(b.instrument.id).toBe(FIXTURE_INSTRUMENTS[0]!.id);
          first = false;
        }
        expect(b.ts).toBeGreaterThanOrEqual(lastTs); // interleaved by time
        lastTs = b.ts;
        const s = perInstrument.get(b.instrument.id) ?? { n: 0, min: Infinity, max: 0, lowVolume: 0 };
        s.n++;
        s.min = Math.min(s.min, b.low);
        s.max = Math.max(s.max, b.high);
        const typical = parseQty(b.instrument, FIXTURE_INSTRUMENTS[b.instrument.index]!.typicalVolume);
        if (b.volume < typical / 10) s.lowVolume++;
        perInstrument.set(b.instrument.id, s);
      },
    });
    expect(res).toMatchObject({ bars: 201_600, badRows: 0, lastLine: 201_601, bytes: SAMPLE_DATA_BYTES, sha256: SAMPLE_DATA_SHA256 });
    expect(lastTs).toBe(SAMPLE_DEFAULTS.startTs + (50_400 - 1) * 60_000);
    expect([...perInstrument.keys()]).toEqual(FIXTURE_INSTRUMENTS.map((f) => f.id));
    for (const s of perInstrument.values()) {
      expect(s.n).toBe(50_400);
      expect(s.min).toBeGreaterThan(0);
      expect(s.max / s.min).toBeGreaterThan(1.1); // the prices move
      expect(s.lowVolume).toBeGreaterThan(50); // occasionally thin bars
    }
    expect(readFileSync(path, 'utf8').slice(0, CSV_HEADER.length + 22)).toBe(`${CSV_HEADER}\n2026-01-05T00:00:00Z,`);
  });

  it('rawDecodeBars decodes the same rows and closes', async () => {
    await generate();
    let closes = 0;
    await readBars({ path, instruments, badRows: 'fail', onBar: (b) => { closes += b.close / 10 ** b.instrument.priceScale; } });
    const raw = await rawDecodeBars(path);
    expect(raw.rows).toBe(201_600);
    expect(raw.checksum).toBeCloseTo(closes, 3);
  });
});

describe('generateSampleBars (options)', () => {
  it('is deterministic per seed and honours the options', async () => {
    const a = await generateSampleBars(join(dir, 'a.csv'), { seed: 11, barsPerInstrument: 30, startTs: Date.UTC(2030, 5, 1), intervalMs: 1000 });
    const b = await generateSampleBars(join(dir, 'b.csv'), { seed: 11, barsPerInstrument: 30, startTs: Date.UTC(2030, 5, 1), intervalMs: 1000 });
    const c = await generateSampleBars(join(dir, 'c.csv'), { seed: 12, barsPerInstrument: 30, startTs: Date.UTC(2030, 5, 1), intervalMs: 1000 });
    expect(a).toEqual(b);
    expect(a.rows).toBe(120);
    expect(c.sha256).not.toBe(a.sha256);
    const lines = readFileSync(join(dir, 'a.csv'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(121);
    expect(lines[1]!.startsWith('2030-06-01T00:00:00Z,FIX-ALPHA,')).toBe(true);
    expect(lines[120]!.startsWith('2030-06-01T00:00:29Z,FIX-DELTA,')).toBe(true);
  });

  it('refuses nonsense options', async () => {
    await expect(generateSampleBars(join(dir, 'x.csv'), { barsPerInstrument: -1 })).rejects.toThrow(/barsPerInstrument/);
    await expect(generateSampleBars(join(dir, 'x.csv'), { intervalMs: 0 })).rejects.toThrow(/intervalMs/);
  });
});

describe('ensureSampleData', () => {
  it('returns the bundled path with a file of the expected size', async () => {
    const p = await ensureSampleData();
    expect(p).toBe(SAMPLE_DATA_PATH);
    expect(statSync(p).size).toBe(SAMPLE_DATA_BYTES);
    expect(p.endsWith(join('data', 'sample-bars.csv'))).toBe(true);
  });
});
