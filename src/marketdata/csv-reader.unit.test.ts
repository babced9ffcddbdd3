import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { FIXTURE_INSTRUMENTS } from '../config/fixture-instruments.js';
import { ReckonError } from '../domain/errors.js';
import { formatFixed, tryParseFixed } from '../domain/fixed-point.js';
import { makeInstrument } from '../domain/instrument.js';
import type { Instrument } from '../domain/types.js';
import type { RejectedRow } from './bar.js';
import { CSV_HEADER, rawDecodeBars, readBars, type ReadBarsOptions, type ReadBarsResult } from './csv-reader.js';
import { QuarantineWriter } from './quarantine.js';
import { daysFromCivil, formatIsoUtc, MAX_TS } from './timestamp.js';

const instruments: ReadonlyMap<string, Instrument> = new Map(
  FIXTURE_INSTRUMENTS.map((f, i) => [f.id, makeInstrument(f.id, i, f.priceIncrement, f.sizeIncrement)] as const),
);
const dir = mkdtempSync(join(tmpdir(), 'reckon-csv-'));
let fileNo = 0;

function csv(body: string, header = CSV_HEADER + '\n'): string {
  const path = join(dir, `bars-${++fileNo}.csv`);
  writeFileSync(path, header + body);
  return path;
}

interface PlainBar { ts: number; instrument: string; open: number; high: number; low: number; close: number; volume: number; line: number }

async function read(path: string, extra: Partial<ReadBarsOptions> = {}): Promise<{ bars: PlainBar[]; rejected: RejectedRow[]; result: ReadBarsResult }> {
  const bars: PlainBar[] = [];
  const rejected: RejectedRow[] = [];
  const result = await readBars({
    path,
    instruments,
    badRows: 'quarantine',
    onBar: (b) => bars.push({ ts: b.ts, instrument: b.instrument.id, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, line: b.line }),
    onRejected: (r) => rejected.push(r),
    ...extra,
  });
  return { bars, rejected, result };
}

/** Reads in 'fail' mode and returns the thrown error message (asserting it is a BAD_INPUT ReckonError). */
async function failure(path: string): Promise<string> {
  try {
    await readBars({ path, instruments, badRows: 'fail', onBar: () => undefined });
  } catch (err) {
    expect(err).toBeInstanceOf(ReckonError);
    expect((err as ReckonError).code).toBe('BAD_INPUT');
    return (err as Error).message;
  }
  throw new Error(`expected ${path} to be rejected`);
}

const GOOD1 = '2026-01-05T00:00:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,2000';
const T0 = Date.UTC(2026, 0, 5);
const COLS = 'expected 7 columns (ts,instrument,open,high,low,close,volume)';
const OHLC_RULE = '(need high >= max(open, close) >= min(open, close) >= low)';

describe('readBars: good rows', () => {
  it('delivers exact integers at the instrument scales and ISO timestamps', async () => {
    const path = csv([
      GOOD1,
      '2026-01-05T00:01:00Z,FIX-ALPHA,100.25,100.300,100.2,100.30,10',
      '2026-01-05T00:02:00.5Z,FIX-CHARLIE,30000.5,30001.0,29999.5,30000,1.234',
      '2026-01-05T00:02:00.123Z,FIX-DELTA,1.2000,1.2001,1.1999,1.2,500',
      '2026-01-05T00:02:00.12Z,FIX-BRAVO,250.05,250.10,250.00,250.05,0',
      '',
    ].join('\n'));
    const { bars, rejected, result } = await read(path);
    expect(rejected).toEqual([]);
    expect(bars).toEqual([
      { ts: T0, instrument: 'FIX-ALPHA', open: 10000, high: 10050, low: 9950, close: 10025, volume: 2000, line: 2 },
      { ts: T0 + 60_000, instrument: 'FIX-ALPHA', open: 10025, high: 10030, low: 10020, close: 10030, volume: 10, line: 3 },
      { ts: T0 + 120_500, instrument: 'FIX-CHARLIE', open: 300005, high: 300010, low: 299995, close: 300000, volume: 1234, line: 4 },
      { ts: T0 + 120_123, instrument: 'FIX-DELTA', open: 12000, high: 12001, low: 11999, close: 12000, volume: 500, line: 5 },
      { ts: T0 + 120_120, instrument: 'FIX-BRAVO', open: 25005, high: 25010, low: 25000, close: 25005, volume: 0, line: 6 },
    ]);
    expect(result).toMatchObject({ bars: 5, badRows: 0, lastLine: 6 });
  });

  it('passes the same Instrument object and reuses one bar object', async () => {
    const path = csv(`${GOOD1}\n2026-01-05T00:01:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,2000\n`);
    const seen: unknown[] = [];
    await readBars({ path, instruments, badRows: 'fail', onBar: (b) => { seen.push(b); expect(b.instrument).toBe(instruments.get('FIX-ALPHA')); } });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
  });

  it('accepts equal timestamps, interleaved instruments, a UTF-8 BOM and no trailing newline', async () => {
    const path = csv(
      `${GOOD1}\n2026-01-05T00:00:00Z,FIX-BRAVO,250.00,250.00,250.00,250.00,1\n${GOOD1}`,
      '\uFEFF' + CSV_HEADER + '\n',
    );
    const { bars, result } = await read(path);
    expect(bars.map((b) => b.line)).toEqual([2, 3, 4]);
    expect(result.lastLine).toBe(4);
  });

  it('accepts the range edges 1970-01-01 and 2200-12-31T23:59:59.999Z (epoch values from 0 with a configured unit)', async () => {
    const iso = csv([
      '1970-01-01T00:00:00Z,FIX-ALPHA,1.00,1.00,1.00,1.00,1',
      '2200-12-31T23:59:59.999Z,FIX-ALPHA,1.00,1.00,1.00,1.00,1',
      '2024-02-29T12:00:00Z,FIX-CHARLIE,1.0,1.0,1.0,1.0,1',
    ].join('\n') + '\n');
    const a = await read(iso);
    expect(a.rejected).toEqual([]);
    expect(a.bars.map((b) => b.ts)).toEqual([0, MAX_TS, Date.UTC(2024, 1, 29, 12)]);
    const epoch = csv(`0,FIX-BRAVO,1.00,1.00,1.00,1.00,1\n${MAX_TS},FIX-BRAVO,1.00,1.00,1.00,1.00,1\n`);
    const b = await read(epoch, { data: { timestamp: 'ms' } });
    expect(b.rejected).toEqual([]);
    expect(b.bars.map((x) => x.ts)).toEqual([0, MAX_TS]);
    expect(MAX_TS).toBe(Date.UTC(2200, 11, 31, 23, 59, 59, 999));
  });

  it('ignores empty lines at the end of the file, LF or CRLF', async () => {
    for (const tail of ['\n\n\n', '\r\n\r\n', '\n\r\n']) {
      const { bars, rejected, result } = await read(csv(GOOD1 + tail));
      expect(bars).toHaveLength(1);
      expect(rejected).toEqual([]);
      expect(result.lastLine).toBe(2);
    }
  });

  it('reads a header-only file as zero bars', async () => {
    const { bars, result } = await read(csv('', CSV_HEADER));
    expect(bars).toEqual([]);
    expect(result).toMatchObject({ bars: 0, badRows: 0, lastLine: 1 });
  });
});

describe('readBars: every validation failure names file:line, field and value', () => {
  const cases: [string, string, string][] = [
    // [name, row, reason]
    ['too few columns', '2026-01-05T00:01:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25', `${COLS}, found 6`],
    ['too many columns', '2026-01-05T00:01:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,1,7', `${COLS}, found 8`],
    ['a lone value', 'hello', `${COLS}, found 1`],
    ['unknown instrument', '2026-01-05T00:01:00Z,FIX-ZULU,100.00,100.50,99.50,100.25,1',
      'unknown instrument "FIX-ZULU" (known: FIX-ALPHA, FIX-BRAVO, FIX-CHARLIE, FIX-DELTA)'],
    ['instrument prefix', '2026-01-05T00:01:00Z,FIX-ALPH,100.00,100.50,99.50,100.25,1', 'unknown instrument "FIX-ALPH" (known: FIX-ALPHA, FIX-BRAVO, FIX-CHARLIE, FIX-DELTA)'],
    ['empty instrument', '2026-01-05T00:01:00Z,,100.00,100.50,99.50,100.25,1', 'unknown instrument "" (known: FIX-ALPHA, FIX-BRAVO, FIX-CHARLIE, FIX-DELTA)'],
    ['ts not a timestamp', '2026/01/05 00:01,FIX-ALPHA,100.00,100.50,99.50,100.25,1', 'ts "2026/01/05 00:01" is neither an epoch number (s, ms, µs or ns) nor ISO-8601 (YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM])'],
    ['ts offset out of range', '2026-01-05T00:01:00+25:00,FIX-ALPHA,100.00,100.50,99.50,100.25,1',
      'ts "2026-01-05T00:01:00+25:00": UTC offset hour 25 or its minutes are out of range (±00:00..±23:59)'],
    ['ts with a stray letter', '2026-01-05T00:01:00X,FIX-ALPHA,100.00,100.50,99.50,100.25,1', 'ts "2026-01-05T00:01:00X" is neither an epoch number (s, ms, µs or ns) nor ISO-8601 (YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM])'],
    ['ts with 10 fraction digits', '2026-01-05T00:01:00.1234567891Z,FIX-ALPHA,100.00,100.50,99.50,100.25,1', 'ts "2026-01-05T00:01:00.1234567891Z" is neither an epoch number (s, ms, µs or ns) nor ISO-8601 (YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM])'],
    ['ts empty', ',FIX-ALPHA,100.00,100.50,99.50,100.25,1', 'ts "" is neither an epoch number (s, ms, µs or ns) nor ISO-8601 (YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM])'],
    ['ts negative epoch', '-5,FIX-ALPHA,100.00,100.50,99.50,100.25,1', 'ts "-5" is neither an epoch number (s, ms, µs or ns) nor ISO-8601 (YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM])'],
    ['ts month', '2026-13-05T00:01:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,1', 'ts "2026-13-05T00:01:00Z": month 13 is out of range 01..12'],
    ['ts day', '2026-02-29T00:01:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,1', 'ts "2026-02-29T00:01:00Z": day 29 does not exist in 2026-02'],
    ['ts day zero', '2026-01-00T00:01:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,1', 'ts "2026-01-00T00:01:00Z": day 00 does not exist in 2026-01'],
    ['ts hour', '2026-01-05T24:00:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,1', 'ts "2026-01-05T24:00:00Z": hour 24 is out of range 00..23'],
    ['ts minute', '2026-01-05T00:60:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,1', 'ts "2026-01-05T00:60:00Z": minute 60 is out of range 00..59'],
    ['ts second', '2026-01-05T00:01:60Z,FIX-ALPHA,100.00,100.50,99.50,100.25,1', 'ts "2026-01-05T00:01:60Z": second 60 is out of range 00..59'],
    ['ts before 1970', '1969-12-31T23:59:59Z,FIX-ALPHA,100.00,100.50,99.50,100.25,1',
      'ts "1969-12-31T23:59:59Z" is outside the accepted range 1970-01-01T00:00:00Z..2200-12-31T23:59:59.999Z'],
    ['ts after 2200', '2201-01-01T00:00:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,1',
      'ts "2201-01-01T00:00:00Z" is outside the accepted range 1970-01-01T00:00:00Z..2200-12-31T23:59:59.999Z'],
    ['epoch in an ISO file', '1767571260000,FIX-ALPHA,100.00,100.50,99.50,100.25,1',
      'ts "1767571260000" is an epoch number but this file\'s timestamps are ISO-8601 (detected at line 2); every row of a file must use one form'],
    ['open not a decimal', '2026-01-05T00:01:00Z,FIX-ALPHA,abc,100.50,99.50,100.25,1', 'open "abc" is not a decimal number (digits[.digits])'],
    ['open exponent', '2026-01-05T00:01:00Z,FIX-ALPHA,1e2,100.50,99.50,100.25,1', 'open "1e2" is not a decimal number (digits[.digits])'],
    ['high empty', '2026-01-05T00:01:00Z,FIX-ALPHA,100.00,,99.50,100.25,1', 'high "" is not a decimal number (digits[.digits])'],
    ['low without integer part', '2026-01-05T00:01:00Z,FIX-ALPHA,100.00,100.50,.5,100.25,1', 'low ".5" is not a decimal number (digits[.digits])'],
    ['close with a dangling dot', '2026-01-05T00:01:00Z,FIX-ALPHA,100.00,100.50,99.50,100.,1', 'close "100." is not a decimal number (digits[.digits])'],
    ['close with blanks', '2026-01-05T00:01:00Z,FIX-ALPHA,100.00,100.50,99.50, 100.25,1', 'close " 100.25" is not a decimal number (digits[.digits])'],
    ['close with two dots', '2026-01-05T00:01:00Z,FIX-ALPHA,100.00,100.50,99.50,100.2.5,1', 'close "100.2.5" is not a decimal number (digits[.digits])'],
    ['open negative', '2026-01-05T00:01:00Z,FIX-ALPHA,-100.00,100.50,99.50,100.25,1', 'open "-100.00" is negative; prices must be positive'],
    ['low zero', '2026-01-05T00:01:00Z,FIX-ALPHA,100.00,100.50,0.00,100.25,1', 'low "0.00" is zero; prices must be positive'],
    ['close more decimals than the tick', '2026-01-05T00:01:00Z,FIX-ALPHA,100.00,101.50,99.50,101.005,1',
      'close "101.005" is not a multiple of price increment 0.01 (3 decimals; the increment allows at most 2)'],
    ['high off the tick grid', '2026-01-05T00:01:00Z,FIX-BRAVO,250.00,250.03,249.50,250.00,1', 'high "250.03" is not a multiple of price increment 0.05'],
    ['open off a 0.5 grid', '2026-01-05T00:01:00Z,FIX-CHARLIE,30000.2,30001.0,29999.5,30000.0,1', 'open "30000.2" is not a multiple of price increment 0.5'],
    ['price too large', '2026-01-05T00:01:00Z,FIX-ALPHA,99999999999999999.00,100.50,99.50,100.25,1', 'open "99999999999999999.00" is too large to be exact at 2 decimals'],
    ['volume not a decimal', '2026-01-05T00:01:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,many', 'volume "many" is not a decimal number (digits[.digits])'],
    ['volume empty', '2026-01-05T00:01:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,', 'volume "" is not a decimal number (digits[.digits])'],
    ['volume negative', '2026-01-05T00:01:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,-5', 'volume "-5" is negative; volume must not be negative'],
    ['volume off the lot grid', '2026-01-05T00:01:00Z,FIX-DELTA,1.2000,1.2001,1.1999,1.2000,150', 'volume "150" is not a multiple of size increment 100'],
    ['volume more decimals than the lot', '2026-01-05T00:01:00Z,FIX-CHARLIE,30000.0,30001.0,29999.5,30000.0,1.2345',
      'volume "1.2345" is not a multiple of size increment 0.001 (4 decimals; the increment allows at most 3)'],
    ['volume fraction of a unit lot', '2026-01-05T00:01:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,1.5',
      'volume "1.5" is not a multiple of size increment 1 (1 decimals; the increment allows at most 0)'],
    ['high below open', '2026-01-05T00:01:00Z,FIX-ALPHA,101.00,100.50,99.50,100.25,1', `high "100.50" is below open "101.00" ${OHLC_RULE}`],
    ['high below close', '2026-01-05T00:01:00Z,FIX-ALPHA,100.00,100.50,99.50,100.75,1', `high "100.50" is below close "100.75" ${OHLC_RULE}`],
    ['low above open', '2026-01-05T00:01:00Z,FIX-ALPHA,100.00,100.50,100.10,100.25,1', `low "100.10" is above open "100.00" ${OHLC_RULE}`],
    ['low above close', '2026-01-05T00:01:00Z,FIX-ALPHA,100.00,100.50,99.50,99.25,1', `low "99.50" is above close "99.25" ${OHLC_RULE}`],
    ['high below low', '2026-01-05T00:01:00Z,FIX-ALPHA,100.00,99.00,101.00,100.00,1', `high "99.00" is below open "100.00" ${OHLC_RULE}`],
    ['ts going back', '2026-01-04T23:59:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,1',
      'ts 2026-01-04T23:59:00Z is before the previous FIX-ALPHA bar at 2026-01-05T00:00:00Z (line 2); timestamps must not decrease per instrument'],
  ];

  for (const [name, row, reason] of cases) {
    it(`${name}: fail mode throws "file:line: reason"`, async () => {
      // line 2 is a good FIX-ALPHA bar at T0, line 3 the bad row
      const path = csv(`${GOOD1}\n${row}\n${GOOD1.replace('00:00:00Z', '00:05:00Z')}\n`);
      expect(await failure(path)).toBe(`${path}:3: ${reason}`);
      const { bars, rejected, result } = await read(path);
      expect(rejected).toEqual([{ file: basename(path), line: 3, reason, raw: row }]);
      expect(bars.map((b) => b.line)).toEqual([2, 4]);
      expect(result).toMatchObject({ bars: 2, badRows: 1, lastLine: 4 });
    });
  }

  it('an empty line in the middle is a bad row', async () => {
    const path = csv(`${GOOD1}\n\n${GOOD1}\n`);
    expect(await failure(path)).toBe(`${path}:3: empty line; ${COLS}`);
    const { rejected, bars } = await read(path);
    expect(rejected).toEqual([{ file: basename(path), line: 3, reason: `empty line; ${COLS}`, raw: '' }]);
    expect(bars).toHaveLength(2);
  });

  it('a wrong column count wins over bad field values', async () => {
    const path = csv('nonsense,FIX-ZULU,-1\n');
    expect(await failure(path)).toBe(`${path}:2: ${COLS}, found 3`);
  });

  it('a header without a needed column names it, in quarantine mode too', async () => {
    const path = csv(GOOD1 + '\n', 'ts,instrument,open,high,low,close\n');
    expect(await failure(path)).toBe(`${path}:1: header "ts,instrument,open,high,low,close" (split at ","): no volume column (accepted names: volume, vol, v; or set data.columns.volume)`);
    await expect(read(path)).rejects.toThrow(`${path}:1: header`);
  });

  it('an empty file is bad input', async () => {
    const path = csv('', '');
    expect(await failure(path)).toBe(`${path}:1: empty file; expected a header line such as "${CSV_HEADER}"`);
  });

  it('a missing file is an fs error, not a silent empty result', async () => {
    await expect(read(join(dir, 'nope.csv'))).rejects.toThrow(/ENOENT/);
  });

  it('fail mode delivers every good row before the bad one and none after', async () => {
    const path = csv(`${GOOD1}\n${GOOD1}\n2026-01-05T00:01:00Z,FIX-ALPHA,1,1,1,1,x\n${GOOD1}\n`);
    const lines: number[] = [];
    await expect(readBars({ path, instruments, badRows: 'fail', onBar: (b) => lines.push(b.line) })).rejects.toThrow(`${path}:4: volume "x"`);
    expect(lines).toEqual([2, 3]);
  });
});

describe('readBars: quarantine', () => {
  it('continues after bad rows, counts them, and a bad row never moves the per-instrument clock', async () => {
    const rows = [
      '2026-01-05T00:05:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,1', // 2 good
      '2026-01-05T00:10:00Z,FIX-ALPHA,100.00,99.00,99.50,100.25,1', // 3 bad (high < open), ts 00:10 must not count
      '2026-01-05T00:07:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,1', // 4 good: after 00:05
      '2026-01-05T00:06:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,1', // 5 bad: before 00:07 (line 4)
      '2026-01-05T00:01:00Z,FIX-BRAVO,250.00,250.00,250.00,250.00,1', // 6 good: other instrument has its own clock
      '2026-01-05T00:08:00Z,FIX-ZULU,1,1,1,1,1', // 7 bad
      '2026-01-05T00:08:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,1', // 8 good
    ];
    const path = csv(rows.join('\n') + '\n');
    const { bars, rejected, result } = await read(path);
    expect(bars.map((b) => b.line)).toEqual([2, 4, 6, 8]);
    expect(rejected.map((r) => r.line)).toEqual([3, 5, 7]);
    expect(rejected[1]!.reason).toBe('ts 2026-01-05T00:06:00Z is before the previous FIX-ALPHA bar at 2026-01-05T00:07:00Z (line 4); timestamps must not decrease per instrument');
    expect(rejected.map((r) => r.raw)).toEqual([rows[1], rows[3], rows[5]]);
    expect(result).toMatchObject({ bars: 4, badRows: 3, lastLine: 8 });
  });
});

describe('readBars: input framing', () => {
  const body = [
    GOOD1,
    '2026-01-05T00:00:00Z,FIX-CHARLIE,30000.5,30001.0,29999.5,30000,1.234',
    'garbage',
    `${T0 + 60_000},FIX-ALPHA,100.25,100.30,100.20,100.30,10`,
    '2026-01-05T00:00:30Z,FIX-ALPHA,100.25,100.30,100.20,100.30,10',
    '2026-01-05T00:02:00.123Z,FIX-DELTA,1.2000,1.2001,1.1999,1.2,500',
  ];

  it('CRLF gives the same bars and rejections as LF (raw without the CR)', async () => {
    const lf = await read(csv(body.join('\n') + '\n'));
    const crlfPath = csv(body.join('\r\n') + '\r\n', CSV_HEADER + '\r\n');
    const crlf = await read(crlfPath);
    expect(crlf.bars).toEqual(lf.bars);
    expect(crlf.rejected.map((r) => [r.line, r.reason, r.raw])).toEqual(lf.rejected.map((r) => [r.line, r.reason, r.raw]));
    expect(crlf.result).toMatchObject({ bars: 4, badRows: 2, lastLine: 7 });
  });

  it('any chunk size gives the same result as one big chunk (rows spanning chunks)', async () => {
    for (const content of [body.join('\n') + '\n', body.join('\r\n'), body.join('\n') + '\n\n\n']) {
      const path = csv(content);
      const big = await read(path);
      for (const highWaterMark of [1, 2, 3, 7, 13, 64]) {
        const small = await read(path, { highWaterMark });
        expect(small.bars).toEqual(big.bars);
        expect(small.rejected).toEqual(big.rejected);
        expect(small.result).toEqual(big.result);
      }
    }
  });

  it('sha256 and bytes describe the whole file', async () => {
    const path = csv(body.join('\n') + '\n');
    const expected = createHash('sha256').update(readFileSync(path)).digest('hex');
    for (const highWaterMark of [7, 1 << 20]) {
      const { result } = await read(path, { highWaterMark });
      expect(result.sha256).toBe(expected);
      expect(result.bytes).toBe(readFileSync(path).length);
    }
  });

  it('onChunk follows the delivered rows and ends at the file size', async () => {
    const path = csv(body.join('\n'));
    const size = readFileSync(path).length;
    const events: string[] = [];
    const chunks: { bytesRead: number; totalBytes: number; line: number }[] = [];
    await read(path, {
      highWaterMark: 7,
      onBar: (b) => events.push(`bar ${b.line}`),
      onChunk: async (p) => {
        chunks.push(p);
        events.push(`chunk ${p.line}`);
        await new Promise((r) => setTimeout(r, 0));
      },
    });
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    expect(chunks.every((c) => c.totalBytes === size)).toBe(true);
    expect(chunks.at(-1)).toEqual({ bytesRead: size, totalBytes: size, line: 7 });
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.bytesRead).toBeGreaterThanOrEqual(chunks[i - 1]!.bytesRead);
    // every bar is announced before the chunk that contains its line
    let maxChunkLine = 0;
    for (const e of events) {
      const [kind, n] = e.split(' ');
      if (kind === 'chunk') maxChunkLine = Number(n);
      else expect(Number(n)).toBeGreaterThan(maxChunkLine);
    }
  });

  it('a line longer than 64 KiB is refused, whether it spans chunks or not', async () => {
    for (const content of [`${GOOD1}\n${'x'.repeat(70_000)}\n`, `${GOOD1}\n${'1'.repeat(70_000)},FIX-ALPHA`]) {
      const path = csv(content);
      for (const highWaterMark of [1 << 20, 4096]) {
        await expect(read(path, { highWaterMark })).rejects.toThrow(`${path}:3: line longer than 65536 bytes; not a bar CSV`);
      }
    }
  });
});

describe('readBars: skipRows', () => {
  it('validates and hashes skipped rows but delivers only after the first N good ones', async () => {
    const rows = [
      '2026-01-05T00:01:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,1', // 2 good #1
      'bad-before', // 3 bad, before the skip point: counted, not reported
      '2026-01-05T00:02:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,1', // 4 good #2
      'bad-after', // 5 bad, after the 2nd good row: reported
      '2026-01-05T00:01:30Z,FIX-ALPHA,100.00,100.50,99.50,100.25,1', // 6 bad: skipped rows still set the clock
      '2026-01-05T00:03:00Z,FIX-ALPHA,100.00,100.50,99.50,100.25,1', // 7 good #3
    ];
    const path = csv(rows.join('\n') + '\n');
    const full = await read(path);
    const { bars, rejected, result } = await read(path, { skipRows: 2 });
    expect(bars.map((b) => b.line)).toEqual([7]);
    expect(rejected.map((r) => r.line)).toEqual([5, 6]);
    expect(result).toEqual(full.result);
    expect(result).toMatchObject({ bars: 3, badRows: 3 });
    const none = await read(path, { skipRows: 10 });
    expect(none.bars).toEqual([]);
    expect(none.rejected).toEqual([]);
  });
});

/** Epoch units: [name, raw units per ms (as a divisor/multiplier), detection band low, band high]. */
const UNITS = {
  s: { toMs: (v: bigint) => v * 1000n, lo: 1e8, hi: Math.floor(MAX_TS / 1000) },
  ms: { toMs: (v: bigint) => v, lo: 1e11, hi: MAX_TS },
  us: { toMs: (v: bigint) => v / 1000n, lo: 1e14, hi: MAX_TS * 1000 + 999 },
  ns: { toMs: (v: bigint) => v / 1_000_000n, lo: 1e17, hi: MAX_TS * 1e6 + 999_999 },
} as const;
type Form = keyof typeof UNITS | 'iso';

/** A timestamp read plainly with a regex and Date.UTC: [form, epoch ms] or undefined. */
function referenceTimestamp(text: string, fileForm: Form | undefined): [Form, number] | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|([+-])(\d{2})(?::?(\d{2}))?)?)?$/.exec(text);
  if (iso) {
    const [y, mo, d, h, mi, sec] = iso.slice(1, 7).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
    const ms = iso[7] ? Number(iso[7].padEnd(3, '0').slice(0, 3)) : 0;
    const back = new Date(Date.UTC(y, mo - 1, d));
    if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || sec > 59) return undefined;
    const oh = Number(iso[10] ?? 0);
    const om = Number(iso[11] ?? 0);
    if (oh > 23 || om > 59) return undefined;
    const off = iso[9] === '-' ? -(oh * 60 + om) : oh * 60 + om;
    const ts = Date.UTC(y, mo - 1, d, h, mi, sec, ms) - off * 60_000;
    if (ts < 0 || ts > MAX_TS || (fileForm !== undefined && fileForm !== 'iso')) return undefined;
    return ['iso', ts];
  }
  if (!/^\d+$/.test(text) || fileForm === 'iso') return undefined;
  const v = Number(text);
  const forms = fileForm === undefined ? (Object.keys(UNITS) as (keyof typeof UNITS)[]) : [fileForm];
  const form = forms.find((f) => v >= UNITS[f].lo && v <= UNITS[f].hi);
  return form === undefined ? undefined : [form, Number(UNITS[form].toMs(BigInt(text)))];
}

/** A column layout for the property: field order (indices into the canonical fields), an extra column, the delimiter. */
interface TestLayout { order: number[]; extraAt: number; delim: string }

/**
 * The validation rules, written plainly with regexes, Date and split, as an oracle for the fast
 * reader: the epoch ms of an accepted line, or undefined.
 */
function referenceRow(line: string, layout: TestLayout, state: { form?: Form; last: Map<string, number> }): number | undefined {
  const cols = line.split(layout.delim);
  const width = layout.order.length + (layout.extraAt >= 0 ? 1 : 0);
  if (cols.length !== width) return undefined;
  if (layout.extraAt >= 0) cols.splice(layout.extraAt, 1);
  const f: string[] = [];
  layout.order.forEach((field, i) => { f[field] = cols[i]!; });
  const t = referenceTimestamp(f[0]!, state.form);
  if (!t) return undefined;
  const inst = instruments.get(f[1]!);
  if (!inst) return undefined;
  const num = (text: string, scale: number, step: number, min: number): number | undefined => {
    if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
    const v = tryParseFixed(text, scale);
    return v !== undefined && v >= min && v % step === 0 ? v : undefined;
  };
  const [o, h, l, c] = f.slice(2, 6).map((x) => num(x, inst.priceScale, inst.tick, 1));
  const v = num(f[6]!, inst.sizeScale, inst.lot, 0);
  if (o === undefined || h === undefined || l === undefined || c === undefined || v === undefined) return undefined;
  if (h < Math.max(o, c) || l > Math.min(o, c)) return undefined;
  if (t[1] < (state.last.get(inst.id) ?? -1)) return undefined;
  state.last.set(inst.id, t[1]);
  state.form ??= t[0];
  return t[1];
}

describe('readBars: property checks', () => {
  const inst = [...instruments.values()];
  // A number of increments, rendered mostly exactly, sometimes padded, stripped or pushed off the grid.
  const quantity = fc.tuple(fc.integer({ min: 0, max: 50_000 }), fc.constantFrom('plain', 'plain', 'plain', 'plain', 'plain', 'plain', 'pad', 'strip', 'off'));
  const render = ([n, how]: [number, string], step: number, scale: number): string => {
    const text = formatFixed(n * step, scale);
    if (how === 'pad') return scale === 0 ? text + '.00' : text + '0';
    if (how === 'strip') return scale === 0 ? text : text.replace(/\.?0+$/, '') || '0';
    if (how === 'off') return scale === 0 ? text + '.5' : text + '3';
    return text;
  };
  const stamp = (ms: number, form: Form): string => {
    if (form === 'iso') return new Date(ms).toISOString();
    if (form === 's') return String(Math.floor(ms / 1000));
    if (form === 'ms') return String(ms);
    if (form === 'us') return String(BigInt(ms) * 1000n + 123n);
    return String(BigInt(ms) * 1_000_000n + 456_789n);
  };
  const layoutArb = fc.oneof(
    { arbitrary: fc.constant<TestLayout>({ order: [0, 1, 2, 3, 4, 5, 6], extraAt: -1, delim: ',' }), weight: 2 },
    { arbitrary: fc.record({ order: fc.shuffledSubarray([0, 1, 2, 3, 4, 5, 6], { minLength: 7 }), extraAt: fc.integer({ min: -1, max: 7 }), delim: fc.constantFrom(',', ';', '\t') }), weight: 2 },
  );
  const NAMES = ['Timestamp', 'Symbol', 'Open', 'High', 'Low', 'Close', 'Volume'];

  it('accepts exactly what a plain statement of the rules accepts, with exact values, for any layout, timestamp form and chunking', async () => {
    const rowArb = fc.record({
      i: fc.integer({ min: 0, max: inst.length - 1 }),
      px: fc.tuple(quantity, quantity, quantity, quantity),
      v: quantity,
      dt: fc.integer({ min: -1000, max: 100_000 }),
      otherForm: fc.constantFrom(undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, 'iso', 's', 'ms'),
      ordered: fc.constantFrom(true, true, true, true, false),
      corrupt: fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 2 },
        { arbitrary: fc.tuple(fc.nat(), fc.constantFrom('', ',', ';', '\t', '.', '-', 'x', '\n', '\r', '9', '0', 'T', ' ', 'Z')), weight: 1 },
      ),
    });
    let acceptedTotal = 0;
    let rowsTotal = 0;
    const forms: Form[] = ['iso', 's', 'ms', 'us', 'ns'];
    await fc.assert(fc.asyncProperty(fc.array(rowArb, { maxLength: 25 }), fc.integer({ min: 1, max: 40 }), fc.boolean(), layoutArb, fc.constantFrom(...forms),
      async (rows, hwm, crlf, layout, form) => {
        let ts = T0;
        const width = layout.order.length + (layout.extraAt >= 0 ? 1 : 0);
        const withExtra = (cols: string[], extra: string): string[] => {
          const out = [...cols];
          if (layout.extraAt >= 0) out.splice(Math.min(layout.extraAt, width - 1), 0, extra);
          return out;
        };
        const lines = rows.map((r) => {
          ts += r.dt;
          const it = inst[r.i]!;
          const px = r.ordered ? [...r.px].sort((x, y) => x[0] - y[0]) : r.px;
          const [l, o, c, h] = px.map((q) => render(q, it.tick, it.priceScale));
          const fields = [stamp(ts, (r.otherForm as Form | undefined) ?? form), it.id, o!, h!, l!, c!, render(r.v, it.lot, it.sizeScale)];
          let line = withExtra(layout.order.map((k) => fields[k]!), 'note').join(layout.delim);
          if (r.corrupt) {
            const [at, what] = r.corrupt;
            const k = at % (line.length + 1);
            line = line.slice(0, k) + what + line.slice(k + 1);
          }
          return line;
        });
        const header = withExtra(layout.order.map((k) => NAMES[k]!), 'Note').join(layout.delim);
        const content = lines.join(crlf ? '\r\n' : '\n');
        const path = csv(content, header + '\n');
        const fileLines = (header + '\n' + content).split('\n');
        const a = await read(path);
        const b = await read(path, { highWaterMark: hwm });
        expect(b).toEqual(a);
        expect(a.result.layout.canonical).toBe(layout.delim === ',' && layout.extraAt < 0 && layout.order.every((k, i) => k === i));
        // An independent, string-based statement of the rules accepts exactly the same lines.
        const mapped: TestLayout = { ...layout, extraAt: layout.extraAt >= 0 ? Math.min(layout.extraAt, width - 1) : -1 };
        const state: { form?: Form; last: Map<string, number> } = { last: new Map() };
        const accepted = new Map<number, number>();
        fileLines.forEach((raw, i) => {
          if (i === 0) return;
          const ms = referenceRow(raw.endsWith('\r') ? raw.slice(0, -1) : raw, mapped, state);
          if (ms !== undefined) accepted.set(i + 1, ms);
        });
        expect(a.bars.map((x) => x.line)).toEqual([...accepted.keys()]);
        expect(a.result.timestamp).toBe(state.form);
        acceptedTotal += accepted.size;
        rowsTotal += rows.length;
        for (const bar of a.bars) {
          const cols = fileLines[bar.line - 1]!.replace('\r', '').split(layout.delim);
          if (mapped.extraAt >= 0) cols.splice(mapped.extraAt, 1);
          const text: string[] = [];
          layout.order.forEach((field, i) => { text[field] = cols[i]!; });
          const it = instruments.get(bar.instrument)!;
          expect(text[1]).toBe(it.id);
          expect([bar.open, bar.high, bar.low, bar.close]).toEqual(text.slice(2, 6).map((x) => tryParseFixed(x, it.priceScale)));
          expect(bar.volume).toBe(tryParseFixed(text[6]!, it.sizeScale));
          expect(bar.ts).toBe(accepted.get(bar.line));
        }
      }), { numRuns: 200 });
    // the generator must exercise both sides
    expect(acceptedTotal).toBeGreaterThan(rowsTotal / 6);
    expect(acceptedTotal).toBeLessThan(rowsTotal * 0.9);
  }, 120_000);
});

describe('rawDecodeBars', () => {
  it('parses every row into numbers and sums the closes', async () => {
    const path = csv([GOOD1, `${T0 + 60_000},FIX-DELTA,1.2000,1.2001,1.1999,1.2,500`, '2026-01-05T00:02:00.5Z,FIX-CHARLIE,30000.5,30001.0,29999.5,30000,1.234'].join('\r\n'));
    const r = await rawDecodeBars(path);
    expect(r.rows).toBe(3);
    expect(r.checksum).toBeCloseTo(100.25 + 1.2 + 30000, 9);
  });
});

describe('timestamp helpers', () => {
  it('daysFromCivil and formatIsoUtc agree with Date', () => {
    for (const ms of [0, T0, T0 + 1, Date.UTC(2000, 1, 29, 23, 59, 59, 999), Date.UTC(2100, 2, 1), MAX_TS]) {
      const d = new Date(ms);
      expect(daysFromCivil(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())).toBe(Math.floor(ms / 86_400_000));
      expect(formatIsoUtc(ms)).toBe(d.toISOString().replace('.000Z', 'Z'));
    }
  });
});

describe('QuarantineWriter', () => {
  it('writes file,line,reason,raw with CSV quoting, lazily', async () => {
    const path = join(dir, 'q', 'rejected.csv');
    const q = new QuarantineWriter(path);
    await new QuarantineWriter(join(dir, 'never.csv')).close();
    expect(existsSync(join(dir, 'never.csv'))).toBe(false);
    q.write({ file: 'x.csv', line: 3, reason: 'close "101.005" is not a multiple of price increment 0.01', raw: 'a,"b",c' });
    q.write({ file: 'x.csv', line: 9, reason: 'empty line', raw: '' });
    expect(q.count).toBe(2);
    await q.close();
    expect(readFileSync(path, 'utf8')).toBe(
      'file,line,reason,raw\n' +
      '"x.csv",3,"close ""101.005"" is not a multiple of price increment 0.01","a,""b"",c"\n' +
      '"x.csv",9,"empty line",""\n',
    );
    expect(() => q.write({ file: 'x.csv', line: 10, reason: 'r', raw: 'r' })).toThrow(/closed/);
  });
});
