/**
 * Bring your own data, as a new user would: `reckon init` on a CSV with its own instruments and
 * layout, then the printed `reckon run` command; directory input; bad `--data` paths (nothing
 * written); a market value beyond exact arithmetic (file:line, quarantinable); a quarantine-mode
 * journal that does not depend on where the data lives (so `--resume` through a relative path works).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { reckon, tempDir } from '../support/cli.js';

let dir: string;
const T0 = Date.UTC(2026, 0, 5) / 1000;
const records = (journal: string) => reckon(['journal', 'export', journal]).stdout.trim().split('\n').map((l) => JSON.parse(l));

/** Deterministic wavy prices on a 0.1 tick with 0.00001 size steps: enough swings for a crossover. */
function userCsv(bars: number): string {
  const rows = ['Timestamp,Symbol,Open,High,Low,Close,Volume'];
  const px: Record<string, number> = { 'BTC-USD': 300_000, 'ETH-USD': 20_000 };
  for (let i = 0; i < bars; i++) {
    for (const s of ['BTC-USD', 'ETH-USD']) {
      const o = px[s]!;
      const c = o + Math.round(Math.sin(i / 9 + (s === 'ETH-USD' ? 1 : 0)) * (o / 400));
      const h = Math.max(o, c) + 3;
      const l = Math.min(o, c) - 3;
      const v = 150_000 + ((i * 7919) % 200_000);
      const t = (x: number) => (x / 10).toFixed(1);
      rows.push(`${T0 + 60 * i},${s},${t(o)},${t(h)},${t(l)},${t(c)},${(v / 100_000).toFixed(5)}`);
      px[s] = c;
    }
  }
  return rows.join('\n') + '\n';
}

/** The `reckon run` command `reckon init` printed, as arguments after `reckon`. */
function printedRun(stdout: string): string[] {
  const line = stdout.split('\n').find((l) => l.trim().startsWith('npx reckon run '));
  expect(line, stdout).toBeDefined();
  return line!.trim().split(/\s+/).slice(2);
}

beforeAll(() => { dir = tempDir('reckon-data-'); });

describe('reckon init, then the printed run command', () => {
  it('on a CSV with its own instruments (0.1 tick, 0.00001 size step, Timestamp,Symbol,... header, epoch seconds)', () => {
    const cwd = join(dir, 'user');
    mkdirSync(cwd);
    writeFileSync(join(cwd, 'my.csv'), userCsv(400));
    const init = reckon(['init', '--data', 'my.csv'], { cwd });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('scanned my.csv: 1 file, 2 instruments, 800 bars, timestamps epoch seconds');
    const cfg = JSON.parse(readFileSync(join(cwd, 'reckon.json'), 'utf8'));
    expect(cfg.instruments.map((i: { id: string; priceIncrement: string; sizeIncrement: string }) => [i.id, i.priceIncrement, i.sizeIncrement]))
      .toEqual([['BTC-USD', '0.1', '0.00001'], ['ETH-USD', '0.1', '0.00001']]);
    expect(cfg.data).toEqual({ columns: { ts: 'Timestamp', instrument: 'Symbol', open: 'Open', high: 'High', low: 'Low', close: 'Close', volume: 'Volume' }, delimiter: ',', timestamp: 's' });
    expect(cfg.strategies.map((s: { module: string }) => s.module)).toEqual(['./strategies/example.mjs', './strategies/example.mjs']);
    const module = readFileSync(join(cwd, 'strategies/example.mjs'), 'utf8');
    expect(module).toContain('export default {');
    expect(module).toContain('create(ctx)');

    const args = printedRun(init.stdout);
    expect(args.slice(0, 5)).toEqual(['run', '--data', 'my.csv', '--config', 'reckon.json']);
    const run = reckon([...args, '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.counts.marketEvents).toBe(800);
    expect(summary.counts.badRows).toBe(0);
    expect(summary.counts.intents).toBeGreaterThan(2);
    expect(summary.counts.fills).toBeGreaterThan(0);
    expect(summary.data).toMatchObject({ name: 'my.csv', files: 1, timestamp: 's', ignoredColumns: [] });
    // The example module itself runs (the strategy module API): its intents, on bars in 2026 a minute apart (not 1970).
    const journal = join(cwd, args[args.indexOf('--out') + 1]!, 'journal.db');
    const all = records(journal);
    const intents = all.filter((r) => r.type === 'S01.intent');
    expect(new Set(intents.map((r) => r.payload.strategyId))).toEqual(new Set(['example-BTC-USD', 'example-ETH-USD']));
    for (const r of intents) expect(r.ts).toBeGreaterThanOrEqual(T0 * 1000);
    expect(all[0].payload.data).toEqual({ name: 'my.csv', bytes: readFileSync(join(cwd, 'my.csv')).length });
    expect(reckon(['journal', 'verify', journal]).code).toBe(0);
  });

  it('refuses to overwrite without --force; --force rewrites; unusable data is one line, exit 2, nothing written', () => {
    const cwd = join(dir, 'again');
    mkdirSync(cwd);
    writeFileSync(join(cwd, 'my.csv'), userCsv(50));
    expect(reckon(['init', '--data', 'my.csv', '--out', 'cfg/reckon.json'], { cwd }).code).toBe(0);
    writeFileSync(join(cwd, 'cfg/reckon.json'), '{"mine": true}\n');
    const again = reckon(['init', '--data', 'my.csv', '--out', 'cfg/reckon.json'], { cwd });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe('reckon: cfg/reckon.json and cfg/strategies/example.mjs already exist; pass --force to overwrite, or choose another --out\n');
    expect(readFileSync(join(cwd, 'cfg/reckon.json'), 'utf8')).toBe('{"mine": true}\n');
    expect(reckon(['init', '--data', 'my.csv', '--out', 'cfg/reckon.json', '--force'], { cwd }).code).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, 'cfg/reckon.json'), 'utf8')).instruments).toHaveLength(2);

    const unusable: [string, string, RegExp][] = [
      ['header-only.csv', 'ts,symbol,open,high,low,close,volume\n', /^reckon: header-only\.csv: no bars to configure from\n$/],
      ['fine.csv', 'ts,symbol,open,high,low,close,volume\n2026-01-05,X,1.0001,1.0002,1.0001,1.0001,0.001\n',
        /^reckon: fine\.csv:2: instrument X needs price increment 0\.0001 and size increment 0\.001, 7 decimals together; exact money arithmetic holds 6 \(round the prices or sizes in the data\)\n$/],
      ['slash.csv', 'ts,pair,open,high,low,close,volume\n2026-01-05,BTC/USD,1,1,1,1,1\n', /^reckon: slash\.csv:2: instrument "BTC\/USD" cannot be an instrument id/],
      ['no-header.csv', '2026-01-05,1,1,1,1,1\n', /^reckon: no-header\.csv:1: header "2026-01-05,1,1,1,1,1" \(split at ","\): no ts, open, high, low, close, volume columns/],
    ];
    for (const [name, content, message] of unusable) {
      writeFileSync(join(cwd, name), content);
      const r = reckon(['init', '--data', name, '--out', `${name}.json`], { cwd });
      expect(r.code, name).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(join(cwd, `${name}.json`))).toBe(false);
    }
  });

  it('on a directory of one gzip or plain file per instrument (no instrument column): the run reads every file', () => {
    const cwd = join(dir, 'dir-user');
    const data = join(cwd, 'daily');
    mkdirSync(data, { recursive: true });
    const day = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    const file = (base: number) => ['Date;Open;High;Low;Close;Volume;Adj Close', ...Array.from({ length: 120 }, (_, i) => {
      const c = (base + Math.sin(i / 6) * base / 20).toFixed(2);
      return `${day(i)};${c};${c};${c};${c};${1000 + i};${c}`;
    })].join('\n') + '\n';
    writeFileSync(join(data, 'AAA.csv'), file(100));
    writeFileSync(join(data, 'BBB.csv.gz'), gzipSync(file(50)));
    const init = reckon(['init', '--data', 'daily', '--out', 'daily.json'], { cwd });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/AAA\s+120\s+2025-01-01T00:00:00Z\s+2025-04-30T00:00:00Z\s+1d\s+0\.01\s+1\s/);
    const cfg = JSON.parse(readFileSync(join(cwd, 'daily.json'), 'utf8'));
    expect(cfg.data).toEqual({ columns: { ts: 'Date', open: 'Open', high: 'High', low: 'Low', close: 'Close', volume: 'Volume' }, delimiter: ';', timestamp: 'iso' });
    const run = reckon([...printedRun(init.stdout), '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.counts.marketEvents).toBe(240);
    expect(summary.data).toMatchObject({ name: 'daily/', files: 2, timestamp: 'iso', ignoredColumns: ['Adj Close (all files)'] });
  });
});

describe('--data that is not usable: one line, exit 2, nothing written', () => {
  it('a missing file, a FIFO with no writer (no hang), a directory without data files', () => {
    const empty = join(dir, 'empty-dir');
    mkdirSync(empty);
    writeFileSync(join(empty, 'notes.txt.bak'), 'x');
    const fifo = join(dir, 'bars.fifo');
    execFileSync('mkfifo', [fifo]);
    const cases: [string, string][] = [
      [join(dir, 'missing.csv'), `reckon: ${join(dir, 'missing.csv')}: no such market data file or directory\n`],
      [fifo, `reckon: ${fifo}: a named pipe (FIFO), not a regular file or a directory; --data reads market data files\n`],
      [empty, `reckon: ${empty}: no market data files in this directory (expected *.csv, *.tsv or *.txt, optionally .gz)\n`],
    ];
    for (const [data, message] of cases) {
      const out = join(dir, `out-${readdirSync(dir).length}`);
      const r = reckon(['run', '--data', data, '--out', out]);
      expect(r.code, data).toBe(2);
      expect(r.stderr).toBe(message);
      expect(existsSync(out)).toBe(false);
    }
  }, 60_000);

  it('a header the reader cannot map is refused before the journal exists', () => {
    const data = join(dir, 'bad-header.csv');
    writeFileSync(data, 'when,what\n1,2\n');
    const out = join(dir, 'out-bad-header');
    const r = reckon(['run', '--data', data, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(`reckon: ${data}:1: header "when,what"`);
    expect(existsSync(out)).toBe(false);
  });
});

describe('a market value beyond exact arithmetic (a bar at 1000000000.00 while a position is held)', () => {
  let data: string;
  let config: string;
  beforeAll(() => {
    const demo = JSON.parse(readFileSync(join(import.meta.dirname, '../../config/demo.json'), 'utf8'));
    demo.strategies = [{ id: 'fast', kind: 'ma-crossover', account: 'fixture-account-01', instrument: 'FIX-ALPHA', quantity: '100', params: { fast: 2, slow: 3 } }];
    config = join(dir, 'overflow.json');
    writeFileSync(config, JSON.stringify(demo));
    const rows = ['ts,instrument,open,high,low,close,volume'];
    for (let i = 0; i < 30; i++) {
      const c = (100 + (i % 10)).toFixed(2);
      rows.push(i === 20
        ? `${T0 * 1000 + i * 60_000},FIX-ALPHA,1000000000.00,1000000000.00,1000000000.00,1000000000.00,1000`
        : `${T0 * 1000 + i * 60_000},FIX-ALPHA,${c},${c},${c},${c},1000`);
    }
    data = join(dir, 'overflow.csv');
    writeFileSync(data, rows.join('\n') + '\n');
  });

  it('fail mode: exit 2 with file:line and the bound, the journal verifies (positions were held)', () => {
    const out = join(dir, 'out-overflow');
    const r = reckon(['run', '--data', data, '--config', config, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^reckon: ${data}:22: high "1000000000.00" is above \\d+\\.\\d{2}, the largest price of FIX-ALPHA this run can hold exactly: a position of 700 \\(maxPosition 300 \\+ maxOrderQty 400\\)`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const journal = join(out, 'journal.db');
    expect(reckon(['journal', 'verify', journal]).code).toBe(0);
    expect(records(journal).some((x) => x.type === 'S05.provider' && x.payload.kind === 'fill')).toBe(true);
  });

  it('quarantine mode: the row is quarantined and flagged, the run completes', () => {
    const out = join(dir, 'out-overflow-q');
    const r = reckon(['run', '--data', data, '--config', config, '--out', out, '--bad-rows', 'quarantine', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.counts).toMatchObject({ marketEvents: 29, badRows: 1 });
    expect(readFileSync(join(out, 'rejected-rows.csv'), 'utf8')).toMatch(/^file,line,reason,raw\n"overflow\.csv",22,"high ""1000000000\.00"" is above/);
  });
});

describe('a quarantine-mode journal depends on the data\'s content and name, not on its directory', () => {
  it('same head from another directory; --resume through a relative path verifies and completes', () => {
    const a = join(dir, 'place-a');
    const b = join(dir, 'place-b');
    mkdirSync(a);
    mkdirSync(b);
    const rows = ['ts,instrument,open,high,low,close,volume'];
    for (let i = 0; i < 40; i++) rows.push(`${T0 * 1000 + i * 60_000},FIX-ALPHA,100.00,101.00,99.50,${(100 + (i % 7) / 10).toFixed(2)},1000`);
    rows.splice(12, 0, `${T0 * 1000 + 11 * 60_000},FIX-ALPHA,1..0,100.50,99.50,100.00,1000`);
    writeFileSync(join(a, 'bars.csv'), rows.join('\n') + '\n');
    copyFileSync(join(a, 'bars.csv'), join(b, 'bars.csv'));
    const run = (cwd: string, data: string, out: string, extra: string[] = []) => {
      const r = reckon(['run', '--data', data, '--out', out, '--bad-rows', 'quarantine', '--json', ...extra], { cwd });
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout).journal.headHash as string;
    };
    const absolute = run(dir, join(a, 'bars.csv'), join(dir, 'q-abs'));
    expect(run(b, 'bars.csv', join(dir, 'q-other'))).toBe(absolute);
    expect(run(a, './bars.csv', join(dir, 'q-abs'), ['--resume'])).toBe(absolute);
    const flags = records(join(dir, 'q-abs', 'journal.db')).filter((x) => x.type === 'S07.operator' && x.payload.code === 'BAD_INPUT_QUARANTINED');
    expect(flags).toHaveLength(1);
    expect(flags[0].payload.details.file).toBe('bars.csv');
  });
});
