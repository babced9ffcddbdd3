import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FIXTURE_INSTRUMENTS } from '../config/fixture-instruments.js';
import { ReckonError } from '../domain/errors.js';
import { formatFixed } from '../domain/fixed-point.js';
import { makeInstrument } from '../domain/instrument.js';
import type { Instrument } from '../domain/types.js';
import type { RejectedRow } from './bar.js';
import { readBars } from './csv-reader.js';
import { readMarketData, type ReadSourceOptions } from './read-source.js';
import { rowBoundsFor } from './row-bounds.js';
import { inspectMarketData } from './source.js';

const list = FIXTURE_INSTRUMENTS.map((f, i) => makeInstrument(f.id, i, f.priceIncrement, f.sizeIncrement));
const instruments: ReadonlyMap<string, Instrument> = new Map(list.map((i) => [i.id, i] as const));
const root = mkdtempSync(join(tmpdir(), 'reckon-source-'));
let n = 0;
const newDir = (): string => {
  const d = join(root, `d${++n}`);
  mkdirSync(d);
  return d;
};

async function usage(path: string, opts = {}): Promise<ReckonError> {
  try {
    await inspectMarketData(path, { instruments, ...opts });
  } catch (e) {
    expect(e).toBeInstanceOf(ReckonError);
    return e as ReckonError;
  }
  throw new Error(`expected ${path} to be refused`);
}

async function readAll(path: string, extra: Partial<ReadSourceOptions> = {}) {
  const source = await inspectMarketData(path, { instruments });
  const seen: string[] = [];
  const rejected: RejectedRow[] = [];
  const result = await readMarketData(source, {
    instruments, badRows: 'quarantine',
    onBar: (b) => seen.push(`${b.ts} ${b.instrument.id} ${b.close} line ${b.line}`),
    onRejected: (r) => { rejected.push(r); seen.push(`rejected ${r.file}:${r.line}`); },
    ...extra,
  });
  return { source, seen, rejected, result };
}

describe('inspectMarketData: --data is checked before anything is written', () => {
  it('a missing path, a FIFO with no writer (without opening it), a socket-like path: one-line USAGE errors', async () => {
    const missing = await usage(join(root, 'nope.csv'));
    expect([missing.code, missing.message]).toEqual(['USAGE', `${join(root, 'nope.csv')}: no such market data file or directory`]);
    const fifo = join(root, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const e = await usage(fifo);
    expect([e.code, e.message]).toEqual(['USAGE', `${fifo}: a named pipe (FIFO), not a regular file or a directory; --data reads market data files`]);
  }, 10_000);

  it('a directory needs at least one data file; non-data names are left alone, a FIFO among them is refused', async () => {
    const empty = newDir();
    writeFileSync(join(empty, 'README.md'), '# notes\n');
    writeFileSync(join(empty, '.hidden.csv'), 'x\n');
    expect((await usage(empty)).message).toBe(`${empty}: no market data files in this directory (expected *.csv, *.tsv or *.txt, optionally .gz)`);
    const withFifo = newDir();
    execFileSync('mkfifo', [join(withFifo, 'FIX-ALPHA.csv')]);
    expect((await usage(withFifo)).message).toBe(`${join(withFifo, 'FIX-ALPHA.csv')}: a named pipe (FIFO), not a regular file; a data directory holds only files`);
  }, 10_000);

  it('header problems, empty files, unknown or duplicate file-name instruments are BAD_INPUT naming file:1', async () => {
    const d = newDir();
    writeFileSync(join(d, 'FIX-ALPHA.csv'), 'date,open,high,low,close,volume\n');
    writeFileSync(join(d, 'FIX-ALPHA.csv.gz'), gzipSync('date,open,high,low,close,volume\n'));
    const dup = await usage(d);
    expect([dup.code, dup.message]).toEqual(['BAD_INPUT', `${join(d, 'FIX-ALPHA.csv')} and ${join(d, 'FIX-ALPHA.csv.gz')} both hold instrument "FIX-ALPHA" (from their file names, which have no instrument column)`]);
    const zulu = join(newDir(), 'FIX-ZULU.csv');
    writeFileSync(zulu, 'date,open,high,low,close,volume\n');
    expect((await usage(zulu)).message).toMatch(`${zulu}:1: no instrument column, and the file name gives "FIX-ZULU", which is not a configured instrument`);
    // without configured instruments (reckon init) any file name is taken
    expect((await inspectMarketData(zulu)).files[0]!.instrument).toBe('FIX-ZULU');
    const empty = join(root, 'empty.csv');
    writeFileSync(empty, '');
    expect((await usage(empty)).message).toBe(`${empty}:1: empty file; expected a header line such as "ts,instrument,open,high,low,close,volume"`);
    const bad = join(root, 'bad-header.csv.gz');
    writeFileSync(bad, gzipSync('when,what\n1,2\n'));
    expect((await usage(bad)).message).toMatch(`${bad}:1: header "when,what"`);
  });
});

describe('readMarketData: a directory of files merged in time order', () => {
  function fixture(): string {
    const d = newDir();
    // FIX-ALPHA: ISO dates, no instrument column; FIX-BRAVO: epoch seconds, gzip; other.csv: with an instrument column.
    writeFileSync(join(d, 'FIX-ALPHA.csv'), ['date,open,high,low,close,volume', '2026-01-05 00:00,1.01,1.01,1.01,1.01,1', '2026-01-05 00:02,1.02,1.02,1.02,1.02,1', '2026-01-05 00:03,1.03,1.03,1.03,1.03,1'].join('\n') + '\n');
    const s = Date.UTC(2026, 0, 5) / 1000;
    writeFileSync(join(d, 'FIX-BRAVO.csv.gz'), gzipSync(['Time;O;H;L;C;V', `${s};2.00;2.00;2.00;2.00;1`, `${s + 60};2.05;2.05;2.05;2.05;1`, `${s + 180};x;2.10;2.10;2.10;1`, `${s + 240};2.15;2.15;2.15;2.15;1`].join('\n') + '\n'));
    writeFileSync(join(d, 'other.csv'), ['ts,instrument,open,high,low,close,volume', '2026-01-05T00:01:00Z,FIX-CHARLIE,3.0,3.0,3.0,3.0,1'].join('\n'));
    writeFileSync(join(d, 'notes.md'), 'ignored\n');
    return d;
  }
  const T = Date.UTC(2026, 0, 5);

  it('delivers every file\'s bars by time (equal times in file-name order), rejected rows right after the bar before them in their file', async () => {
    const d = fixture();
    const { source, seen, rejected, result } = await readAll(d);
    expect(source).toMatchObject({ kind: 'directory', name: `d${n}/`, files: [{ name: 'FIX-ALPHA.csv' }, { name: 'FIX-BRAVO.csv.gz', gzip: true }, { name: 'other.csv' }] });
    expect(seen).toEqual([
      `${T} FIX-ALPHA 101 line 2`,
      `${T} FIX-BRAVO 200 line 2`,
      `${T + 60_000} FIX-BRAVO 205 line 3`,
      'rejected FIX-BRAVO.csv.gz:4',
      `${T + 60_000} FIX-CHARLIE 30 line 2`,
      `${T + 120_000} FIX-ALPHA 102 line 3`,
      `${T + 180_000} FIX-ALPHA 103 line 4`,
      `${T + 240_000} FIX-BRAVO 215 line 5`,
    ]);
    expect(rejected[0]!.reason).toBe('O "x" is not a decimal number (digits[.digits])');
    expect(result).toMatchObject({ bars: 7, badRows: 1, lastLine: 4 + 5 + 2 });
    expect(result.summary).toMatchObject({ name: `d${n}/`, files: 3, timestamp: 'mixed', ignoredColumns: [] });
  });

  it('the identity covers every file by name and content, and nothing depends on chunk sizes', async () => {
    const d = fixture();
    const a = await readAll(d);
    const b = await readAll(d, { highWaterMark: 5 });
    expect(b.seen).toEqual(a.seen);
    const listing = ['FIX-ALPHA.csv', 'FIX-BRAVO.csv.gz', 'other.csv']
      .map((f) => `${createHash('sha256').update(readFileSync(join(d, f))).digest('hex')}  ${f}\n`).join('');
    expect(a.result.sha256).toBe(createHash('sha256').update(listing).digest('hex'));
    expect(a.result.bytes).toBe(a.source.bytes);
    writeFileSync(join(d, 'other.csv'), readFileSync(join(d, 'other.csv'), 'utf8').replace('3.0,1', '3.0,2'));
    expect((await readAll(d)).result.sha256).not.toBe(a.result.sha256);
  });

  it('fail mode raises a bad row at its place in the merge, after the bars before it in its file', async () => {
    const d = fixture();
    const source = await inspectMarketData(d, { instruments });
    const seen: string[] = [];
    await expect(readMarketData(source, { instruments, badRows: 'fail', onBar: (b) => seen.push(`${b.instrument.id} ${b.line}`) }))
      .rejects.toThrow(`${join(d, 'FIX-BRAVO.csv.gz')}:4: O "x" is not a decimal number (digits[.digits])`);
    expect(seen).toEqual(['FIX-ALPHA 2', 'FIX-BRAVO 2', 'FIX-BRAVO 3']);
  });
});

describe('row bounds: market values the run\'s exact arithmetic can hold', () => {
  const limits = new Map(list.map((i) => [i.id, { maxPosition: 300 * i.lot, maxOrderQty: 400 * i.lot }]));
  const bounds = rowBoundsFor({ instruments: list, limits, feeCentiBps: 50, leverage: 2, slippageBps: 1, participationNum: 100_000 });
  const alpha = instruments.get('FIX-ALPHA')!;
  const header = 'ts,instrument,open,high,low,close,volume\n';

  it('derives the largest price from the worst position, fee, instrument count and leverage', () => {
    // notional cap = min(MAX_SAFE / 50, MAX_SAFE / (2 * 4 * 2)); per price unit a position of 700 is 700 * 10^4 money units
    const cap = Math.min(Math.floor(Number.MAX_SAFE_INTEGER / 50), Math.floor(Number.MAX_SAFE_INTEGER / 16));
    expect(bounds.maxPrice.get('FIX-ALPHA')).toBe(Math.floor(cap / (700 * 10_000)));
    expect(bounds.maxVolume.get('FIX-ALPHA')).toBe(Math.floor(Number.MAX_SAFE_INTEGER / 100_000));
  });

  it('a bar at 1000000000.00 is a file:line bad row (quarantinable), a bar at the bound is fine', async () => {
    const max = bounds.maxPrice.get('FIX-ALPHA')!;
    const top = formatFixed(max, 2);
    const over = formatFixed(max + 1, 2);
    const path = join(root, 'huge.csv');
    writeFileSync(path, header + [
      `2026-01-05T00:00:00Z,FIX-ALPHA,100.00,${top},100.00,100.00,1`,
      `2026-01-05T00:01:00Z,FIX-ALPHA,100.00,${over},100.00,100.00,1`,
      '2026-01-05T00:02:00Z,FIX-ALPHA,1000000000.00,1000000000.00,1000000000.00,1000000000.00,1',
      `2026-01-05T00:03:00Z,FIX-ALPHA,100.00,100.00,100.00,100.00,${bounds.maxVolume.get('FIX-ALPHA')! + 1}`,
      '2026-01-05T00:04:00Z,FIX-ALPHA,100.00,100.00,100.00,100.00,1',
    ].join('\n') + '\n');
    const lines: number[] = [];
    const rejected: RejectedRow[] = [];
    await readBars({ path, instruments, badRows: 'quarantine', bounds, onBar: (b) => lines.push(b.line), onRejected: (r) => rejected.push(r) });
    expect(lines).toEqual([2, 6]);
    expect(rejected.map((r) => r.line)).toEqual([3, 4, 5]);
    const why = 'a position of 700 (maxPosition 300 + maxOrderQty 400) at a higher price has a notional above ' +
      `${formatFixed(Math.floor(Number.MAX_SAFE_INTEGER / 50), 6)}, the most exact money arithmetic holds for 4 instrument(s) at leverage 2 with a fee of 0.50 bps`;
    expect(rejected[1]!.reason).toBe(`high "1000000000.00" is above ${top}, the largest price of FIX-ALPHA this run can hold exactly: ${why}`);
    expect(rejected[2]!.reason).toMatch(/^volume "\d+" is above 90071992547, the largest volume of FIX-ALPHA this run can hold exactly: a fill's share of the volume/);
    await expect(readBars({ path, instruments, badRows: 'fail', bounds, onBar: () => undefined })).rejects.toThrow(`${path}:3: high "${over}" is above ${top}`);
    expect(alpha.priceScale).toBe(2);
  });
});
