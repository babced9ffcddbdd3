/**
 * A replay run end to end: market data file -> engine -> SQLite journal, with the simulated
 * provider, then summary.json, equity.csv and prices.csv in the output directory. `resume`
 * continues a killed run on its journal (see journal/resume.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReckonError } from '../domain/errors.js';
import type { RunConfig } from '../config/load.js';
import { inspectMarketData, type MarketDataSource } from '../marketdata/source.js';
import { readMarketData, type DataSummary } from '../marketdata/read-source.js';
import { rowBoundsForConfig } from '../marketdata/row-bounds.js';
import type { BadRowPolicy } from '../marketdata/bar.js';
import { QuarantineWriter } from '../marketdata/quarantine.js';
import { SqliteJournal } from '../journal/sqlite.js';
import { verifyJournal } from '../journal/verify.js';
import { ResumingJournal } from '../journal/resume.js';
import type { EmbeddedJournalStore } from '../journal/store.js';
import { AwaitedCommitJournal } from '../journal/commit-bridge.js';
import { openJournalWriter, parseJournalSpec } from '../journal/open-any.js';
import type { SimVenueConfig } from '../provider/sim/venue.js';
import { SimGateway } from '../provider/sim/gateway.js';
import { FaultyGateway } from '../provider/sim/faults.js';
import { InProcessBus } from '../bus/in-process.js';
import { EventTimeLoop } from './event-loop.js';
import { describeFaultPlan, type FaultPlan } from '../provider/sim/fault-plan.js';
import { buildSummary, type Summary } from '../report/summary.js';
import { RunFolds } from '../report/run-folds.js';
import { closeStrategies, loadStrategies, strategyIdentity } from '../strategy/registry.js';
import { LatePorts } from '../strategy/ports.js';
import { PriceFile, writeEquityFile } from '../report/run-files.js';
import { RECKON_VERSION } from '../version.js';
import { Engine } from './engine.js';

export interface ReplayOptions {
  readonly dataPath: string;
  readonly config: RunConfig;
  readonly outDir: string;
  readonly resume?: boolean;
  readonly badRows?: BadRowPolicy;
  readonly intentIdPrefix?: string;
  readonly onProgress?: (p: { bytesRead: number; totalBytes: number; events: number; elapsedMs: number }) => void;
  /** Wall clock for throughput only (never enters a record). */
  readonly wallClock?: () => number;
  /** Fault injection in the simulated venue (part of the run's identity: recorded in S00). */
  readonly faults?: FaultPlan;
  /** Journal to write instead of OUT/journal.db: a SQLite path or a postgres:// URL (new, empty). */
  readonly journal?: string;
  /** `dataPath` already checked (marketdata/source.ts); default: checked here, before anything is written. */
  readonly source?: MarketDataSource;
  /** Directory strategy module paths are relative to (the config file's); default the working directory. */
  readonly strategyBaseDir?: string;
}

export interface ReplayResult {
  readonly summary: Summary;
  readonly outDir: string;
  readonly journalPath: string;
  /** Records checked against an existing journal on --resume. */
  readonly resumedRecords: number;
}

/** The simulated venue's settings from the run config. */
export function simVenueConfigFor(cfg: RunConfig): SimVenueConfig {
  const p = cfg.raw.provider;
  return {
    latencyMs: p.latencyMs, slippageBps: p.slippageBps, participation: cfg.participation, feeCentiBps: cfg.feeCentiBps,
    maxOrderQty: new Map([...cfg.limits].filter(([, l]) => l.venueMaxOrderQty < Number.MAX_SAFE_INTEGER).map(([id, l]) => [id, l.venueMaxOrderQty])),
    accounts: cfg.accounts.map((a) => ({ id: a.id, startingCash: a.startingCash })), leverage: p.leverage,
  };
}

/**
 * The simulated venue's gateway from the run config; with a fault plan, behind the fault decorator.
 *
 * @example
 * const gateway = simGatewayFor(cfg, { seed: cfg.seed, rules: [{ kind: 'drop-ack', probability: 0.02 }] });
 */
export function simGatewayFor(cfg: RunConfig, faults?: FaultPlan): SimGateway | FaultyGateway {
  return faults === undefined ? SimGateway.fromConfig(simVenueConfigFor(cfg)) : FaultyGateway.fromConfig(simVenueConfigFor(cfg), faults);
}

/**
 * The run config with a fault plan folded into its identity: the hash recorded in S00 (and the
 * run id derived from it) changes with the faults, so `--resume` refuses a journal written with
 * other faults or another seed.
 *
 * @example
 * const faulty = withFaultIdentity(cfg, parseFaultSpec('drop-ack:0.02', cfg.seed));
 */
export function withFaultIdentity(cfg: RunConfig, plan: FaultPlan): RunConfig {
  return { ...cfg, hash: createHash('sha256').update(`${cfg.hash}\nfaults ${describeFaultPlan(plan)}`).digest('hex') };
}

/**
 * Runs a replay and writes its outputs.
 *
 * @example
 * const { summary } = await runReplay({ dataPath: 'bars.csv', config, outDir: 'out/run1' });
 */
export async function runReplay(opts: ReplayOptions): Promise<ReplayResult> {
  const clock = opts.wallClock ?? (() => performance.now());
  const started = clock();
  const baseDir = opts.strategyBaseDir ?? process.cwd();
  const cfg = strategyIdentity(opts.config, baseDir);
  const source = opts.source ?? await inspectMarketData(opts.dataPath, { data: cfg.raw.data, instruments: cfg.instrumentById });
  mkdirSync(opts.outDir, { recursive: true });
  const spec = parseJournalSpec(opts.journal ?? join(opts.outDir, 'journal.db'));
  const remote = spec.kind === 'postgres' ? await openRemoteJournal(spec.label, opts.resume ?? false) : null;
  const journalPath = spec.label;
  const exists = remote === null && existsSync(journalPath);
  if (exists && !opts.resume) {
    throw new ReckonError('USAGE', `${journalPath} already exists: pass --resume to continue that run, or choose another --out`);
  }
  if (exists) {
    const v = verifyJournal(journalPath);
    if (!v.ok) throw new ReckonError('JOURNAL_INTEGRITY', `${journalPath}: cannot resume, journal broken at seq ${v.firstBadSeq}: ${v.reason}`);
  }
  // Strategy modules load (and fail: exit 2) before the journal is opened.
  const ports = new LatePorts();
  const strategies = await loadStrategies(cfg, ports, { baseDir });
  const sqlite = remote ?? SqliteJournal.open(journalPath, { durability: cfg.raw.journal.durability, batchSize: cfg.raw.journal.batchSize, anchor: 'head-file' });
  const resuming = exists && sqlite.lastSeq() > 0 ? new ResumingJournal(sqlite) : null;
  const journal: EmbeddedJournalStore = resuming ?? sqlite;

  const prices = new PriceFile(join(opts.outDir, 'prices.csv'), cfg.instruments);
  const engine = new Engine({ config: cfg, journal, intentIdPrefix: opts.intentIdPrefix, marketObserver: prices.onBar, trackEquity: true, strategies });
  ports.bind(engine.ports);
  // The run's own folds (held-back time, P&L) see every record as it is stepped: nothing leaves the process.
  const bus = new InProcessBus();
  const folds = new RunFolds(cfg);
  folds.attach(bus);
  const loop = new EventTimeLoop(engine, simGatewayFor(cfg, opts.faults), { onStep: (r) => { for (const rec of r.records) bus.publish(rec); } });
  const quarantine = new QuarantineWriter(join(opts.outDir, 'rejected-rows.csv'));
  let failed = true;
  let data: DataSummary | undefined;
  try {
    loop.input({ kind: 'start', run: { runId: `run-${cfg.hash.slice(0, 12)}`, dataName: source.name, dataBytes: source.bytes, mode: 'replay', version: RECKON_VERSION,
      ...(opts.faults === undefined ? {} : { faults: describeFaultPlan(opts.faults) }) } });
    const result = await readMarketData(source, {
      instruments: cfg.instrumentById, badRows: opts.badRows ?? 'fail', data: cfg.raw.data, bounds: rowBoundsForConfig(cfg),
      onBar: (bar) => loop.bar(bar),
      onRejected: (row) => { quarantine.write(row); loop.input({ kind: 'rejected_row', row }); },
      onChunk: remote === null ? (p) => {
        journal.commitSync();
        opts.onProgress?.({ bytesRead: p.bytesRead, totalBytes: p.totalBytes, events: engine.counts.marketEvents, elapsedMs: clock() - started });
      } : async (p) => {
        await remote.settle();
        opts.onProgress?.({ bytesRead: p.bytesRead, totalBytes: p.totalBytes, events: engine.counts.marketEvents, elapsedMs: clock() - started });
      },
    });
    loop.finish(result.sha256, result.lastLine);
    if (remote) await remote.settle();
    else journal.commitSync();
    data = result.summary;
    failed = false;
  } finally {
    // Whatever was decided before an error is committed, so the journal still verifies.
    if (failed && !resuming?.replaying) journal.commitSync();
    prices.close();
    await quarantine.close();
    if (failed) await remote?.close().catch(() => undefined);
    await closeStrategies(strategies);
  }
  writeEquityFile(join(opts.outDir, 'equity.csv'), engine.equity?.points ?? []);
  const head = { path: journalPath, lastSeq: journal.lastSeq(), headHash: journal.headHash() };
  if (remote) await remote.close();
  else journal.closeSync();
  const summary: Summary = { ...buildSummary(engine, cfg, head, clock() - started, folds), data };
  writeFileSync(join(opts.outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  return { summary, outDir: opts.outDir, journalPath, resumedRecords: resuming?.verified ?? 0 };
}

/** `--journal postgres://…`: a new, empty journal in the database (no --resume there yet). */
async function openRemoteJournal(url: string, resume: boolean): Promise<AwaitedCommitJournal> {
  if (resume) throw new ReckonError('USAGE', `--resume continues SQLite journals only; ${url} cannot be resumed yet`);
  const store = await openJournalWriter(url);
  if (store.lastSeq() > 0) {
    await store.close();
    throw new ReckonError('USAGE', `${url} already has ${store.lastSeq()} records: choose a new ?journal=NAME`);
  }
  return new AwaitedCommitJournal(store);
}
