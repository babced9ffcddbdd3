import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FIXTURE_INSTRUMENTS } from '../config/fixture-instruments.js';
import { ReckonError } from '../domain/errors.js';
import { makeInstrument } from '../domain/instrument.js';
import type { Instrument } from '../domain/types.js';
import type { RejectedRow } from './bar.js';
import { readBars, type ReadBarsOptions, type ReadBarsResult } from './csv-reader.js';
import { detectLayout } from './layout.js';

const instruments: ReadonlyMap<string, Instrument> = new Map(
  FIXTURE_INSTRUMENTS.map((f, i) => [f.id, makeInstrument(f.id, i, f.priceIncrement, f.sizeIncrement)] as const),
);
const dir = mkdtempSync(join(tmpdir(), 'reckon-layout-'));
let fileNo = 0;

function file(content: string | Buffer, name = `bars-${++fileNo}.csv`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

interface PlainBar { ts: number; instrument: string; open: number; high: number; low: number; close: number; volume: number; line: number }

async function read(path: string, extra: Partial<ReadBarsOptions> = {}): Promise<{ bars: PlainBar[]; rejected: RejectedRow[]; result: ReadBarsResult }> {
  const bars: PlainBar[] = [];
  const rejected: RejectedRow[] = [];
  const result = await readBars({
    path, instruments, badRows: 'quarantine',
    onBar: (b) => bars.push({ ts: b.ts, instrument: b.instrument.id, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, line: b.line }),
    onRejected: (r) => rejected.push(r),
    ...extra,
  });
  return { bars, rejected, result };
}

async function failure(path: string, extra: Partial<ReadBarsOptions> = {}): Promise<string> {
  try {
    await readBars({ path, instruments, badRows: 'fail', onBar: () => undefined, ...extra });
  } catch (err) {
    expect(err).toBeInstanceOf(ReckonError);
    expect((err as ReckonError).code).toBe('BAD_INPUT');
    return (err as Error).message;
  }
  throw new Error(`expected ${path} to be rejected`);
}

const T0 = Date.UTC(2026, 0, 5);
const S0 = T0 / 1000;
/** The same two FIX-ALPHA bars and one FIX-CHARLIE bar, as the reader must deliver them from every layout. */
const EXPECTED = [
  { ts: T0, instrument: 'FIX-ALPHA', open: 10000, high: 10050, low: 9950, close: 10025, volume: 2000, line: 2 },
  { ts: T0 + 60_000, instrument: 'FIX-ALPHA', open: 10025, high: 10030, low: 10020, close: 10030, volume: 10, line: 3 },
  { ts: T0 + 60_000, instrument: 'FIX-CHARLIE', open: 300005, high: 300010, low: 299995, close: 300000, volume: 1234, line: 4 },
];
const ROWS: [string, string, string, string, string, string, string][] = [
  ['2026-01-05T00:00:00Z', 'FIX-ALPHA', '100.00', '100.50', '99.50', '100.25', '2000'],
  ['2026-01-05T00:01:00Z', 'FIX-ALPHA', '100.25', '100.30', '100.20', '100.30', '10'],
  ['2026-01-05T00:01:00Z', 'FIX-CHARLIE', '30000.5', '30001.0', '29999.5', '30000', '1.234'],
];

describe('layouts: any header naming, column order, delimiter', () => {
  it('the issue\'s header Timestamp,Symbol,Open,High,Low,Close,Volume in epoch seconds: the fast path, read as seconds', async () => {
    const rows = ROWS.map((r, i) => [String(S0 + (i === 0 ? 0 : 60)), ...r.slice(1)].join(','));
    const { bars, rejected, result } = await read(file(['Timestamp,Symbol,Open,High,Low,Close,Volume', ...rows].join('\n') + '\n'));
    expect(rejected).toEqual([]);
    expect(bars).toEqual(EXPECTED);
    expect(result.layout).toMatchObject({ canonical: true, delimiter: ',', ignored: [] });
    expect(result.timestamp).toBe('s');
  });

  it('reordered columns, extra columns and ";" give the same bars; extra columns are reported, never parsed', async () => {
    const order = [6, 5, 1, 0, 2, 4, 3];
    const header = ['Volume', 'Close', 'Symbol', 'Date', 'Open', 'Low', 'High', 'Trades', 'Adj Close'].join(';');
    const rows = ROWS.map((r) => [...order.map((k) => r[k]!), 'not a number', 'x,y'].join(';'));
    const { bars, rejected, result } = await read(file([header, ...rows].join('\r\n')));
    expect(rejected).toEqual([]);
    expect(bars).toEqual(EXPECTED);
    expect(result.layout).toMatchObject({ canonical: false, delimiter: ';', column: [3, 2, 4, 6, 5, 1, 0], ignored: ['Trades', 'Adj Close'] });
  });

  it('tab-separated, one-letter names, any case, quoted header names', async () => {
    const header = ['"DATETIME"', 'Ticker', 'O', 'h', 'L', 'c', 'VOL'].join('\t');
    const { bars, result } = await read(file([header, ...ROWS.map((r) => r.join('\t'))].join('\n') + '\n'));
    expect(bars).toEqual(EXPECTED);
    expect(result.layout.delimiter).toBe('\t');
    const pair = await read(file(['time,PAIR,open,high,low,close,v', ...ROWS.map((r) => r.join(','))].join('\n')));
    expect(pair.bars).toEqual(EXPECTED);
  });

  it('an explicit mapping in config (data.columns, data.delimiter) reads headers no alias matches', async () => {
    const header = 'Zeit|Wert|Eröffnung|Hoch|Tief|Schluss|Umsatz'.replaceAll('|', ';');
    const data = { delimiter: ';' as const, columns: { ts: 'zeit', instrument: 'Wert', open: 'Eröffnung', high: 'Hoch', low: 'Tief', close: 'Schluss', volume: 'Umsatz' } };
    const path = file([header, ...ROWS.map((r) => r.join(';'))].join('\n'));
    const { bars } = await read(path, { data });
    expect(bars).toEqual(EXPECTED);
    // Partial mapping: the rest by alias; a mapped column wins over an alias of the same field.
    const both = file(['when,ts,symbol,open,high,low,close,volume', ...ROWS.map((r) => ['x', ...r].join(','))].join('\n'));
    const partial = await read(both, { data: { columns: { ts: 'when', } } });
    expect(partial.rejected.map((r) => r.reason)).toEqual(Array(3).fill('when "x" is neither an epoch number (s, ms, µs or ns) nor ISO-8601 (YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM])'));
    expect(partial.result.layout.ignored).toEqual(['ts']);
  });

  it('header problems are file:1 errors naming what is wrong and how to fix it', async () => {
    const cases: [string, Partial<ReadBarsOptions>, string][] = [
      ['Date,Time,Symbol,Open,High,Low,Close,Volume', {}, 'header "Date,Time,Symbol,Open,High,Low,Close,Volume" (split at ","): columns "Date" and "Time" both name the ts; choose one with data.columns.ts'],
      ['ts,instrument,open,high,low,close', {}, 'header "ts,instrument,open,high,low,close" (split at ","): no volume column (accepted names: volume, vol, v; or set data.columns.volume)'],
      ['a,b', {}, 'header "a,b" (split at ","): no ts, open, high, low, close, volume columns (accepted names: ts|timestamp|time|date|datetime, open|o, high|h, low|l, close|c, volume|vol|v; or map them with data.columns)'],
      ['ts,instrument,open,high,low,close,volume', { data: { columns: { open: 'Opn' } } }, 'header "ts,instrument,open,high,low,close,volume" (split at ","): data.columns.open: no column named "Opn"'],
      ['ts,instrument,open,high,low,close,volume', { data: { delimiter: ';' } }, 'header "ts,instrument,open,high,low,close,volume" (split at ";"): no ts, open, high, low, close, volume columns'],
      ['ts,instrument,price,high,low,close,volume', { data: { columns: { open: 'price', close: 'Price' } } }, 'column "price" is mapped to both open and close'],
      ['ts,instrument,open,high,low,close,volume', { data: { columns: { open: 'high' } } }, 'no high column (accepted names: high, h; or set data.columns.high)'],
    ];
    for (const [header, extra, reason] of cases) {
      const path = file(header + '\n' + ROWS[0]!.join(',') + '\n');
      const message = await failure(path, extra);
      expect(message.startsWith(`${path}:1: header "`)).toBe(true);
      expect(message).toContain(reason);
    }
  });

  it('detectLayout prefers the delimiter that maps every field', () => {
    expect(detectLayout('ts;instrument;open;high;low;close;volume', {}, 'x').delimiter).toBe(';');
    expect(detectLayout('ts,instrument,open,high,low,close,volume,note;x', {}, 'x')).toMatchObject({ delimiter: ',', ignored: ['note;x'] });
  });

  it('mapped layouts report bad rows with the file\'s own column names and column count', async () => {
    const header = 'Symbol;Date;Open;High;Low;Close;Volume;Note';
    const path = file([header, 'FIX-ALPHA;2026-01-05;abc;1;1;1;1;n', 'FIX-ALPHA;2026-01-05;1.00;1.00;1.00;1.00;1;n', 'FIX-ALPHA;2026-01-06;1.00;1.00;1.00;1.00;1'].join('\n') + '\n');
    const { bars, rejected } = await read(path);
    expect(bars.map((b) => b.line)).toEqual([3]);
    expect(rejected.map((r) => r.reason)).toEqual([
      'Open "abc" is not a decimal number (digits[.digits])',
      `expected 8 columns (${header}), found 7`,
    ]);
  });
});

describe('layouts: a file without an instrument column holds one instrument, named by the file', () => {
  it('takes the instrument from the file name (extensions dropped), or from the option', async () => {
    const body = ['date,open,high,low,close,volume', '2026-01-05,100.00,100.50,99.50,100.25,2000', '2026-01-06,100.25,100.30,100.20,100.30,10'].join('\n');
    const { bars } = await read(file(body, 'FIX-ALPHA.csv'));
    expect(bars.map((b) => [b.instrument, b.ts])).toEqual([['FIX-ALPHA', T0], ['FIX-ALPHA', T0 + 86_400_000]]);
    const gz = await read(file(gzipSync(body), 'FIX-ALPHA.csv.gz'));
    expect(gz.bars).toEqual(bars);
    const named = await read(file(body, 'alpha-daily.csv'), { instrument: 'FIX-ALPHA' });
    expect(named.bars).toEqual(bars);
    const unknown = file(body, 'FIX-ZULU.csv');
    expect(await failure(unknown)).toBe(`${unknown}:1: no instrument column, and the file name gives "FIX-ZULU", which is not a configured instrument (known: FIX-ALPHA, FIX-BRAVO, FIX-CHARLIE, FIX-DELTA)`);
  });
});

describe('timestamps: one form per file, epoch unit from magnitude, ISO-8601 with or without T and offset', () => {
  const bar = (ts: string): string => `${ts},FIX-ALPHA,100.00,100.50,99.50,100.25,1`;
  const csvOf = (...ts: string[]): string => file(['ts,instrument,open,high,low,close,volume', ...ts.map(bar)].join('\n') + '\n');

  it('epoch seconds, milliseconds, microseconds and nanoseconds read as the same instants (sub-ms digits cut)', async () => {
    const forms: [string, string[], string][] = [
      ['s', [String(S0), String(S0 + 60)], 's'],
      ['ms', [String(T0), String(T0 + 60_000)], 'ms'],
      ['us', [`${T0}999`, `${T0 + 60_000}000`], 'us'],
      ['ns', [`${T0}999999`, `${T0 + 60_000}000001`], 'ns'],
    ];
    for (const [name, ts, unit] of forms) {
      const { bars, rejected, result } = await read(csvOf(...ts));
      expect(rejected, name).toEqual([]);
      expect(bars.map((b) => b.ts), name).toEqual([T0, T0 + 60_000]);
      expect(result.timestamp).toBe(unit);
    }
    // nanoseconds beyond 2^53 stay exact to the millisecond
    const { bars } = await read(csvOf('1767571200123456789', '7258118399999999999'));
    expect(bars.map((b) => b.ts)).toEqual([1767571200123, 7258118399999]);
  });

  it('ISO-8601 variants: space or T, no offset (UTC), Z, ±HH:MM, ±HHMM, ±HH, date only, no seconds, up to 9 fraction digits', async () => {
    const cases: [string, number][] = [
      ['2026-01-05 00:00:00', T0],
      ['2026-01-05T00:00:00', T0],
      ['2026-01-05t00:00:00z', T0],
      ['2026-01-05', T0],
      ['2026-01-05T00:01', T0 + 60_000],
      ['2026-01-05 01:00:00+01:00', T0],
      ['2026-01-04T18:30:00-0530', T0],
      ['2026-01-05T09:00:00+09', T0],
      ['2026-01-05T00:00:00.123456789Z', T0 + 123],
      ['2026-01-05 00:00:00.5', T0 + 500],
    ];
    for (const [text, ms] of cases) {
      const { bars, rejected, result } = await read(csvOf(text));
      expect(rejected, text).toEqual([]);
      expect(bars.map((b) => b.ts), text).toEqual([ms]);
      expect(result.timestamp).toBe('iso');
    }
    // an offset that moves the instant before 1970 is out of range
    const before = csvOf('1970-01-01T00:30:00+01:00');
    expect(await failure(before)).toBe(`${before}:2: ts "1970-01-01T00:30:00+01:00" is outside the accepted range 1970-01-01T00:00:00Z..2200-12-31T23:59:59.999Z`);
  });

  it('a value that does not fit the file\'s unit is a file:line error naming both candidates, never a silent 1970', async () => {
    const seconds = csvOf(String(S0), String(T0 + 60_000));
    expect(await failure(seconds)).toBe(`${seconds}:3: ts "${T0 + 60_000}" does not fit this file's unit, epoch seconds (detected at line 2): ` +
      'as seconds after 2200-12-31T23:59:59.999Z, as milliseconds 2026-01-05T00:01:00Z; every row of a file must use one unit');
    const millis = csvOf(String(T0), String(S0 + 60));
    expect(await failure(millis)).toBe(`${millis}:3: ts "${S0 + 60}" does not fit this file's unit, epoch milliseconds (detected at line 2): ` +
      'as milliseconds 1970-01-21T10:59:31.260Z, as seconds 2026-01-05T00:01:00Z; every row of a file must use one unit');
    const iso = csvOf('2026-01-05T00:00:00Z', String(S0));
    expect(await failure(iso)).toBe(`${iso}:3: ts "${S0}" is an epoch number but this file's timestamps are ISO-8601 (detected at line 2); every row of a file must use one form`);
    const epochThenIso = csvOf(String(S0), '2026-01-05T00:01:00Z');
    expect(await failure(epochThenIso)).toBe(`${epochThenIso}:3: ts "2026-01-05T00:01:00Z" is ISO-8601 but this file's timestamps are epoch seconds (detected at line 2); every row of a file must use one form`);
  });

  it('an epoch value that fits no unit names the two readings it lies between', async () => {
    const cases: [string, string][] = [
      ['86400000', 'as seconds 1972-09-27T00:00:00Z, as milliseconds 1970-01-02T00:00:00Z'],
      ['50000000000', 'as seconds after 2200-12-31T23:59:59.999Z, as milliseconds 1971-08-02T16:53:20Z'],
      ['50000000000000', 'as milliseconds after 2200-12-31T23:59:59.999Z, as microseconds 1971-08-02T16:53:20Z'],
      ['0', 'as seconds 1970-01-01T00:00:00Z, as milliseconds 1970-01-01T00:00:00Z'],
    ];
    for (const [value, readings] of cases) {
      const path = csvOf(value);
      expect(await failure(path)).toBe(`${path}:2: ts "${value}" fits no epoch unit: ${readings}; ` +
        'a unit is detected only for values from 1973-03-03 to 2200 — set data.timestamp ("s", "ms", "us" or "ns") to read the file in one unit');
    }
  });

  it('data.timestamp fixes the form: any 1970..2200 value in that unit, other forms refused', async () => {
    const small = await read(csvOf('5', '60'), { data: { timestamp: 's' } });
    expect(small.bars.map((b) => b.ts)).toEqual([5000, 60_000]);
    const isoOnly = csvOf(String(S0));
    expect(await failure(isoOnly, { data: { timestamp: 'iso' } })).toBe(`${isoOnly}:2: ts "${S0}" is an epoch number but this file's timestamps are ISO-8601 (data.timestamp "iso"); every row of a file must use one form`);
    const late = csvOf(String(T0));
    expect(await failure(late, { data: { timestamp: 's' } })).toBe(`${late}:2: ts "${T0}" as epoch seconds (data.timestamp "s") (as milliseconds 2026-01-05T00:00:00Z) is outside the accepted range 1970-01-01T00:00:00Z..2200-12-31T23:59:59.999Z`);
  });

  it('the first good row fixes the unit (a bad first row does not), and order errors show the time in the file\'s unit', async () => {
    const path = file(['ts,instrument,open,high,low,close,volume', `${T0},FIX-ALPHA,1.00,0.50,1.00,1.00,1`, bar(String(S0 + 60)), bar(String(S0))].join('\n'));
    const { bars, rejected, result } = await read(path);
    expect(result.timestamp).toBe('s');
    expect(bars.map((b) => b.ts)).toEqual([T0 + 60_000]);
    expect(rejected.map((r) => r.line)).toEqual([2, 4]);
    expect(rejected[1]!.reason).toBe(`ts ${S0} (2026-01-05T00:00:00Z) is before the previous FIX-ALPHA bar at 2026-01-05T00:01:00Z (line 3); timestamps must not decrease per instrument`);
  });
});

describe('gzip input', () => {
  const body = ['ts,instrument,open,high,low,close,volume', ...ROWS.map((r) => r.join(','))].join('\n') + '\n';

  it('streams a .csv.gz (or any gzip by its magic bytes) to the same bars; the identity is the file as stored', async () => {
    const plain = await read(file(body));
    const gz = gzipSync(body);
    for (const name of ['g.csv.gz', 'g-named-plain.csv']) {
      const path = file(gz, name);
      for (const highWaterMark of [1 << 20, 7]) {
        const chunks: number[] = [];
        const { bars, result } = await read(path, { highWaterMark, onChunk: (p) => { chunks.push(p.bytesRead); } });
        expect(bars).toEqual(plain.bars);
        expect(result.sha256).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
        expect(result.bytes).toBe(gz.length);
        expect(chunks.at(-1)).toBe(gz.length);
      }
    }
  });

  it('a multi-member gzip is read whole; a damaged one is a clear error', async () => {
    const two = Buffer.concat([gzipSync(body), gzipSync(ROWS.map((r) => r.join(',').replace('2026-01-05', '2026-01-06')).join('\n') + '\n')]);
    expect((await read(file(two, 'two.csv.gz'))).bars).toHaveLength(6);
    const cut = file(gzipSync(body).subarray(0, 40), 'cut.csv.gz');
    await expect(read(cut)).rejects.toThrow(`${cut}: not a readable gzip file (unexpected end of file)`);
  });
});

describe('a directory path in readBars is not a file', () => {
  it('is an fs error (source.ts checks --data before a run)', async () => {
    const d = join(dir, 'a-dir');
    mkdirSync(d);
    await expect(read(d)).rejects.toThrow(/EISDIR/);
  });
});
