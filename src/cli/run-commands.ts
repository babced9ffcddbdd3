/**
 * `reckon demo` and `reckon run`: a replay through the whole pipeline into an output directory.
 */
import { rmSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { ReckonError } from '../domain/errors.js';
import { loadConfigFile, parseConfig, type RunConfig } from '../config/load.js';
import { ensureSampleData } from '../marketdata/sample.js';
import { inspectMarketData, type MarketDataSource } from '../marketdata/source.js';
import { describeTimestampUnit } from '../marketdata/timestamp-reader.js';
import { runReplay, withFaultIdentity, type ReplayResult } from '../engine/replay.js';
import { parseFaultSpec, type FaultPlan } from '../provider/sim/fault-plan.js';
import { FAULT_KINDS } from '../records/records.js';
import { renderSummary } from '../report/terminal.js';
import { STRATEGY_KINDS } from '../strategy/registry.js';
import { writeRunPages } from './pages.js';
import { progressBar } from './progress.js';
import type { Io } from './main.js';

/** The bundled demo config (config/demo.json at the package root). */
export const DEMO_CONFIG_PATH = fileURLToPath(new URL('../../config/demo.json', import.meta.url));

/** Files `reckon demo`/`run` write in their output directory (removed by `demo` before it runs). */
const RUN_FILES = ['journal.db', 'journal.db-wal', 'journal.db-shm', 'journal.db.head', 'summary.json', 'equity.csv', 'prices.csv', 'rejected-rows.csv',
  'trace.html', 'report.html', 'orders.csv', 'fills.csv', 'positions.csv'];

interface RunFlags { data?: string; config?: string; strategy?: string; seed?: string; out: string; resume?: boolean; badRows: 'fail' | 'quarantine'; json?: boolean; faults?: string; journal?: string }

export function registerRunCommands(program: Command, io: Io, _setExit: (code: number) => void): void {
  program.command('demo')
    .description('Replay the bundled sample data (4 fixture instruments, 201,600 bars) with the demo config.')
    .option('--out <dir>', 'output directory', 'out/demo')
    .option('--json', 'print summary.json to stdout instead of the table')
    .action(async (flags: { out: string; json?: boolean }) => {
      const outDir = resolve(flags.out);
      for (const f of RUN_FILES) rmSync(join(outDir, f), { force: true });
      const data = await ensureSampleData();
      const result = await replay(io, { data, out: outDir, badRows: 'fail', json: flags.json }, loadConfigFile(DEMO_CONFIG_PATH));
      await finishRun(io, result, flags.json ?? false);
    });

  program.command('run')
    .description('Replay market data (a bar CSV, .csv.gz, or a directory of one file per instrument) through the pipeline.')
    .requiredOption('--data <path>', 'market data: a CSV file (plain or .gz) or a directory of them; layout detected from the header (docs/data.md)')
    .option('--config <file>', 'run config (JSON); default: the demo config')
    .option('--strategy <kind|file>', `a strategy module (.mjs/.js/.ts) to run alone, one instance per instrument; or a built-in kind (${STRATEGY_KINDS.join(', ')}) to keep only the config's strategies of that kind`)
    .option('--seed <n>', 'seed for seeded decisions (overrides the config)')
    .option('--out <dir>', 'output directory', 'out/run')
    .option('--resume', 'continue a killed run on the journal in --out (re-verifies every record first)')
    .option('--journal <journal>', 'write the journal here instead of OUT/journal.db: a SQLite path or postgres://USER@HOST:PORT/DB?journal=NAME (new)')
    .option('--faults <spec>', `inject faults in the simulated venue, seeded by --seed: KIND:PROB[,KIND:PROB...] with KIND one of ${FAULT_KINDS.join(', ')}`)
    .addOption(new Option('--bad-rows <policy>', 'on a bad market data row').choices(['fail', 'quarantine']).default('fail'))
    .option('--json', 'print summary.json to stdout instead of the table')
    .action(async (flags: RunFlags) => {
      const seed = flags.seed === undefined ? undefined : parseSeed(flags.seed);
      const configPath = flags.config ?? DEMO_CONFIG_PATH;
      let cfg = loadConfigFile(configPath, seed);
      if (flags.strategy) cfg = withStrategyFlag(cfg, flags.strategy, configPath);
      const faults = flags.faults === undefined ? undefined : parseFaultSpec(flags.faults, cfg.seed);
      if (faults) cfg = withFaultIdentity(cfg, faults);
      // Every input is checked before anything is written (no out dir, no journal on a bad --data).
      const source = await inspectMarketData(flags.data!, { data: cfg.raw.data, instruments: cfg.instrumentById });
      const result = await replay(io, { ...flags, data: flags.data!, out: resolve(flags.out), faults, source, strategyBaseDir: dirname(resolve(configPath)) }, cfg);
      await finishRun(io, result, flags.json ?? false);
    });
}

async function replay(io: Io, flags: { data: string; out: string; resume?: boolean; badRows: 'fail' | 'quarantine'; json?: boolean; faults?: FaultPlan; journal?: string; source?: MarketDataSource; strategyBaseDir?: string }, cfg: RunConfig): Promise<ReplayResult> {
  const bar = progressBar(io.isTTY && !flags.json);
  try {
    return await runReplay({
      dataPath: flags.data, config: cfg, outDir: flags.out, resume: flags.resume, badRows: flags.badRows, faults: flags.faults, journal: flags.journal, source: flags.source,
      strategyBaseDir: flags.strategyBaseDir,
      onProgress: (p) => bar.update(p),
    });
  } finally {
    bar.stop();
  }
}

async function finishRun(io: Io, result: ReplayResult, json: boolean): Promise<void> {
  const pages = await writeRunPages(result.outDir, result.journalPath);
  if (json) {
    io.out(JSON.stringify(result.summary, null, 2) + '\n');
    return;
  }
  const files = [...(result.journalPath === join(result.outDir, 'journal.db') ? ['journal.db'] : []), 'summary.json', 'equity.csv', 'prices.csv', ...pages];
  if (result.summary.counts.badRows > 0) files.push('rejected-rows.csv');
  if (result.resumedRecords > 0) io.out(`resumed: ${result.resumedRecords} journaled records re-verified before continuing\n`);
  io.out(renderSummary(result.summary, { outDir: result.outDir, files }));
  const data = result.summary.data;
  if (data && (data.files > 1 || data.ignoredColumns.length > 0)) {
    const ignored = data.ignoredColumns.length === 0 ? '' : `; ${data.ignoredColumns.length} ignored column(s): ${data.ignoredColumns.join(', ')}`;
    io.out(`data: ${data.name} (${data.files} file${data.files > 1 ? 's' : ''}, timestamps ${describeTimestampUnit(data.timestamp)})${ignored}\n`);
  }
}

function parseSeed(text: string): number {
  if (!/^\d{1,10}$/.test(text) || Number(text) > 2 ** 31 - 1) throw new ReckonError('USAGE', `--seed: "${text}" is not an integer in 0..2147483647`);
  return Number(text);
}

/**
 * `--strategy`: a built-in kind keeps only the config's strategies of that kind; a module file
 * replaces the config's strategies with that module, one instance per instrument (id
 * `<file name>-<instrument>`, the config's first account), its path kept relative to the config
 * file so the config hash does not depend on where the checkout lives.
 */
function withStrategyFlag(cfg: RunConfig, value: string, source: string): RunConfig {
  if ((STRATEGY_KINDS as readonly string[]).includes(value)) {
    const strategies = cfg.raw.strategies.filter((s) => s.kind === value);
    if (strategies.length === 0) throw new ReckonError('USAGE', `--strategy ${value}: ${source} has no strategy of that kind`);
    return parseConfig({ ...cfg.raw, strategies }, source, cfg.seed);
  }
  if (!/\.(mjs|js|ts|mts)$/.test(value)) {
    throw new ReckonError('USAGE', `--strategy ${value}: neither a built-in kind (${STRATEGY_KINDS.join(', ')}) nor a module file (.mjs, .js, .ts, .mts)`);
  }
  const module = relative(dirname(resolve(source)), resolve(value)).split('\\').join('/');
  const name = basename(value, extname(value)).replace(/[^A-Za-z0-9._:-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'strategy';
  const strategies = cfg.instruments.map((i) => ({
    id: `${name.slice(0, 63 - i.id.length)}-${i.id}`, kind: 'module' as const, module, account: cfg.accounts[0]!.id, instrument: i.id,
  }));
  return parseConfig({ ...cfg.raw, strategies }, source, cfg.seed);
}

