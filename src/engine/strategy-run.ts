/**
 * Running one strategy over a CSV from a unit test (`import { runStrategyOnCsv } from 'reckon'`):
 * the whole pipeline as `reckon run` drives it (portfolio, risk gate, simulated venue,
 * reconciliation) on an in-memory journal, returning the strategy's intents, its faults and every
 * record. A module path loads exactly as a run loads it (worker, watchdog, .ts transpiled); a
 * definition object runs in-process, for tests that import the module themselves.
 */
import { dirname, resolve } from 'node:path';
import { loadConfigFile, parseConfig, type RunConfig } from '../config/load.js';
import type { ConfigInput } from '../config/schema.js';
import { ReckonError } from '../domain/errors.js';
import { decimalsOf, formatFixed, parseFixed } from '../domain/fixed-point.js';
import { Engine } from './engine.js';
import { simGatewayFor } from './replay.js';
import { EventTimeLoop } from './event-loop.js';
import { MemoryJournal } from '../journal/memory.js';
import { readBars } from '../marketdata/csv-reader.js';
import type { JournalRecord } from '../records/records.js';
import { PnlBook, type PnlView } from '../report/pnl.js';
import { lastPriceText } from '../report/run-folds.js';
import type { Strategy as StrategyDefinition } from '../strategy/api.js';
import { InProcessStrategy } from '../strategy/adapter.js';
import { mergeParams } from '../strategy/definition.js';
import { LatePorts } from '../strategy/ports.js';
import { closeStrategies, loadStrategies, targetLimits } from '../strategy/registry.js';
import type { Strategy } from '../strategy/strategy.js';

export interface RunStrategyOptions {
  /** A run config file: its instruments, account, risk limits and venue (the module path is the only strategy). */
  readonly config?: string;
  /** Without a config: the instruments by id, with generous default limits (maxPosition 10^7 increments, inside the fixed-point money bounds). */
  readonly instruments?: Readonly<Record<string, { readonly priceIncrement: string; readonly sizeIncrement: string; readonly maxPosition?: string }>>;
  /** The instruments the strategy trades (default: every instrument). */
  readonly trade?: string | readonly string[];
  readonly params?: Readonly<Record<string, unknown>>;
  /** Strategy id in intents and flags (default "test"). */
  readonly id?: string;
  /** Longest one onBar may take (module files; default 1000 ms). */
  readonly timeoutMs?: number;
  /** A module file in its worker (default, as a run) or in this thread. */
  readonly isolation?: 'worker' | 'in-process';
}

export interface StrategyIntent {
  readonly intentId: string;
  readonly ts: number;
  /** Input line of the bar that produced it. */
  readonly line: number | null;
  readonly instrument: string;
  /** Signed decimal as journaled ("+10"). */
  readonly target: string;
  readonly signal: Readonly<Record<string, number | string>>;
}

export interface StrategyFault { readonly ts: number; readonly line: number; readonly instrument: string | null; readonly reason: string }

export interface StrategyRun {
  readonly intents: readonly StrategyIntent[];
  /** STRATEGY_ERROR flags: bars whose output was unusable. */
  readonly faults: readonly StrategyFault[];
  /** Every journaled record (S00 … S07) in seq order. */
  readonly records: readonly JournalRecord[];
  /** P&L at the last close (average cost). */
  readonly pnl: PnlView;
}

function minimalConfig(instruments: NonNullable<RunStrategyOptions['instruments']>): ConfigInput {
  return {
    accounts: [{ id: 'test', startingCash: '1000000' }],
    instruments: Object.entries(instruments).map(([id, i]) => {
      const scale = decimalsOf(i.sizeIncrement);
      const max = i.maxPosition ?? formatFixed(parseFixed(i.sizeIncrement, scale, `${id} sizeIncrement`) * 1e7, scale);
      return { id, priceIncrement: i.priceIncrement, sizeIncrement: i.sizeIncrement, maxPosition: max, maxOrderQty: max };
    }),
    risk: { maxOrderNotional: '1000000000', maxGrossExposure: '1000000000', orderRate: { maxOrders: 1_000_000, windowMs: 1000 }, priceCollarBps: 10_000 },
  };
}

/**
 * Runs `module` (a file path, or a definition object) over `csvPath` and returns its intents.
 *
 * @example
 * const run = await runStrategyOnCsv('./strategies/breakout.mjs', 'test/bars.csv', { instruments: { BTC: { priceIncrement: '0.1', sizeIncrement: '0.001' } } });
 * expect(run.faults).toEqual([]);
 * expect(run.intents[0]).toMatchObject({ instrument: 'BTC', target: '+1.000' });
 */
export async function runStrategyOnCsv(module: string | StrategyDefinition, csvPath: string, opts: RunStrategyOptions = {}): Promise<StrategyRun> {
  let base: RunConfig;
  if (opts.config) base = loadConfigFile(opts.config);
  else if (opts.instruments) base = parseConfig(minimalConfig(opts.instruments), 'runStrategyOnCsv options');
  else throw new ReckonError('USAGE', 'runStrategyOnCsv: give opts.config (a run config file) or opts.instruments');
  const trade = opts.trade === undefined ? base.instruments.map((i) => i.id) : typeof opts.trade === 'string' ? [opts.trade] : [...opts.trade];
  const id = opts.id ?? 'test';
  const entry = {
    id, kind: 'module' as const, module: typeof module === 'string' ? resolve(module) : '(in-process definition)', account: base.accounts[0]!.id,
    ...(trade.length === 1 ? { instrument: trade[0]! } : { instruments: trade }), params: opts.params ?? {}, timeoutMs: opts.timeoutMs ?? 1000,
    isolation: opts.isolation ?? 'worker',
  };
  const cfg = parseConfig({ ...base.raw, strategies: [entry] }, opts.config ?? 'runStrategyOnCsv options');
  const ports = new LatePorts();
  let strategies: Strategy[];
  if (typeof module === 'string') {
    strategies = await loadStrategies(cfg, ports, { baseDir: opts.config ? dirname(resolve(opts.config)) : process.cwd() });
  } else {
    const sc = cfg.strategies[0]!;
    const params = mergeParams(module.params, entry.params, `strategy ${id} (${module.name})`);
    strategies = [new InProcessStrategy(module, { id, kind: 'module', account: entry.account, limits: targetLimits(sc, cfg), params }, ports)];
  }
  const journal = new MemoryJournal();
  const engine = new Engine({ config: cfg, journal, strategies });
  const loop = new EventTimeLoop(engine, simGatewayFor(cfg));
  ports.bind(engine.ports);
  try {
    loop.input({ kind: 'start', run: { runId: 'strategy-test', dataName: csvPath, dataBytes: 0, mode: 'replay', version: 'test' } });
    const read = await readBars({ path: csvPath, instruments: cfg.instrumentById, badRows: 'fail', onBar: (bar) => loop.bar(bar) });
    loop.finish(read.sha256, read.lastLine);
  } finally {
    await closeStrategies(strategies);
  }
  const records = journal.all();
  const pnl = new PnlBook(new Map(cfg.accounts.map((a) => [a.id, a.startingCash])), new Map(cfg.instruments.map((i) => [i.id, i])));
  const intents: StrategyIntent[] = [];
  const faults: StrategyFault[] = [];
  for (const r of records) {
    pnl.add(r);
    if (r.type === 'S01.intent' && r.payload.strategyId === id) {
      intents.push({ intentId: r.payload.intentId, ts: r.ts, line: r.payload.bar?.line ?? null, instrument: r.instrument!, target: r.payload.quantity, signal: r.payload.signal });
    } else if (r.type === 'S07.operator' && r.payload.kind === 'flag' && r.payload.code === 'STRATEGY_ERROR' && r.payload.details.strategy === id) {
      faults.push({ ts: r.ts, line: Number(r.payload.details.line), instrument: r.instrument, reason: String(r.payload.details.reason) });
    }
  }
  return { intents, faults, records, pnl: pnl.view(lastPriceText(cfg, engine.lastPrice)) };
}
