/**
 * `reckon init --data FILE|DIR [--out reckon.json] [--force]`: a config for data nobody has
 * configured yet. Scans the data (streaming), infers each instrument's increments, time range and
 * bar interval, writes a config validated by the real config parser (one account, limits scaled
 * to the data, the detected layout, an example strategy per instrument) and the example module
 * next to it, checks every row with the run's own reader, and prints the `reckon run` command.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Command } from 'commander';
import { parseConfig } from '../config/load.js';
import { ReckonError } from '../domain/errors.js';
import { readMarketData } from '../marketdata/read-source.js';
import { rowBoundsForConfig } from '../marketdata/row-bounds.js';
import { scanMarketData } from '../marketdata/scan.js';
import { inspectMarketData } from '../marketdata/source.js';
import { formatIsoUtc } from '../marketdata/timestamp.js';
import { describeTimestampUnit, type TimestampUnit } from '../marketdata/timestamp-reader.js';
import { instrumentOfFileName } from '../marketdata/csv-reader.js';
import { EXAMPLE_MODULE, exampleModule, planConfig, type InitPlan } from './init-config.js';
import type { Io } from './main.js';

interface InitFlags { data: string; out: string; force?: boolean }

export function registerInitCommand(program: Command, io: Io): void {
  program.command('init')
    .description('Write a config (and an example strategy module) for your own market data, then print the run command.')
    .requiredOption('--data <path>', 'market data: a CSV file (plain or .gz) or a directory of one file per instrument')
    .option('--out <file>', 'config file to write', 'reckon.json')
    .option('--force', 'overwrite an existing config and example module')
    .action(async (flags: InitFlags) => {
      await init(io, flags);
    });
}

async function init(io: Io, flags: InitFlags): Promise<void> {
  const modulePath = join(dirname(flags.out), EXAMPLE_MODULE);
  const existing = [flags.out, modulePath].filter((p) => existsSync(p));
  if (existing.length > 0 && !flags.force) {
    throw new ReckonError('USAGE', `${existing.join(' and ')} already exist${existing.length > 1 ? '' : 's'}; pass --force to overwrite, or choose another --out`);
  }
  const source = await inspectMarketData(flags.data);
  const scan = await scanMarketData(source, {});
  const plan = planConfig(source, scan);
  // The real parser, exactly as `reckon run --config` will read it.
  const cfg = parseConfig(plan.config, flags.out);
  // Every row through the run's own reader with this config: what run will accept.
  let bad = 0;
  let firstBad = '';
  const result = await readMarketData(await inspectMarketData(flags.data, { data: cfg.raw.data, instruments: cfg.instrumentById }), {
    instruments: cfg.instrumentById, badRows: 'quarantine', data: cfg.raw.data, bounds: rowBoundsForConfig(cfg),
    onBar: () => undefined,
    onRejected: (r) => {
      if (bad++ === 0) firstBad = `${source.kind === 'file' ? source.path : join(source.path, r.file)}:${r.line}: ${r.reason}`;
    },
  });
  if (result.bars === 0) throw new ReckonError('BAD_INPUT', `${flags.data}: no row is a valid bar (first problem: ${firstBad})`);

  mkdirSync(dirname(modulePath), { recursive: true });
  writeFileSync(flags.out, JSON.stringify(plan.config, null, 2) + '\n');
  writeFileSync(modulePath, exampleModule());
  io.out(report(flags, plan, result.bars, bad, firstBad, source.files.length, scan.timestamps, modulePath));
}

function report(flags: InitFlags, plan: InitPlan, bars: number, bad: number, firstBad: string, files: number, forms: readonly (TimestampUnit | undefined)[], modulePath: string): string {
  const rows = plan.instruments.map((p) => [
    p.scan.id, String(p.scan.bars), formatIsoUtc(p.scan.firstTs), formatIsoUtc(p.scan.lastTs), interval(p.scan.intervalMs),
    p.scan.priceIncrement, p.scan.sizeIncrement, p.maxPosition,
  ]);
  const head = ['instrument', 'bars', 'first', 'last', 'interval', 'price step', 'size step', 'max position'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const timestamps = [...new Set(forms.map(describeTimestampUnit))].join(', ');
  const out = [
    `scanned ${flags.data}: ${files} file${files > 1 ? 's' : ''}, ${plan.instruments.length} instrument${plan.instruments.length > 1 ? 's' : ''}, ${bars} bars, timestamps ${timestamps}`,
    line(head), ...rows.map(line), '',
    `wrote ${flags.out} (1 account, ${plan.instruments.length} instrument(s), ${plan.instruments.length} example strateg${plan.instruments.length > 1 ? 'ies' : 'y'}) and ${modulePath}`,
  ];
  for (const p of plan.instruments) {
    if (p.scan.zeroVolume === p.scan.bars) out.push(`note: ${p.scan.id} has zero volume in every bar; the simulated venue fills a share of each bar's volume, so nothing will fill there`);
  }
  const args = ['npx', 'reckon', 'run', '--data', flags.data, '--config', flags.out, '--out', join('out', instrumentOfFileName(basename(flags.data.replace(/[/\\]+$/, ''))) || 'run')];
  if (bad > 0) {
    out.push(`${bad} row(s) would be rejected by run (first: ${firstBad}); the command below quarantines them`);
    args.push('--bad-rows', 'quarantine');
  }
  out.push('run it:', `  ${args.map(shellQuote).join(' ')}`, '');
  return out.join('\n');
}

function interval(ms: number): string {
  if (ms <= 0) return '-';
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1000, 's']];
  for (const [u, name] of units) if (ms % u === 0) return `${ms / u}${name}`;
  return `${ms}ms`;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}
