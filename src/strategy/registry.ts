/**
 * Strategies from the run config: built-in kinds run in-process on the module API; `module`
 * entries are loaded from their files (relative to the config file) into worker threads before
 * the run starts. A module's content is part of the run's identity (see strategyIdentity).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { RunConfig } from '../config/load.js';
import { strategyInstrumentIds, type ModuleStrategyConfig, type StrategyConfig } from '../config/schema.js';
import { ReckonError } from '../domain/errors.js';
import { fmtQty } from '../domain/instrument.js';
import type { Strategy as StrategyDefinition } from './api.js';
import { InProcessStrategy } from './adapter.js';
import { mergeParams } from './definition.js';
import { importDefinition } from './module-loader.js';
import { maCrossover } from './ma-crossover.js';
import { meanReversion } from './mean-reversion.js';
import type { TargetLimits } from './output.js';
import type { Strategy, StrategyPorts } from './strategy.js';
import { WorkerStrategy } from './worker-host.js';

/** Built-in strategy kinds, selectable in config (`kind`) and with `reckon run --strategy`. */
export const STRATEGY_KINDS = ['ma-crossover', 'mean-reversion'] as const;

const BUILT_INS: Readonly<Record<(typeof STRATEGY_KINDS)[number], StrategyDefinition>> = {
  'ma-crossover': maCrossover as unknown as StrategyDefinition,
  'mean-reversion': meanReversion as unknown as StrategyDefinition,
};

/** The instruments of a strategy entry with the position limit its targets are checked against. */
export function targetLimits(cfg: StrategyConfig, config: RunConfig): TargetLimits[] {
  return strategyInstrumentIds(cfg).map((id) => {
    const instrument = config.instrumentById.get(id);
    if (!instrument) throw new ReckonError('CONFIG_INVALID', `strategy ${cfg.id}: unknown instrument "${id}"`);
    const maxPosition = config.limits.get(id)!.maxPosition;
    return { instrument, maxPosition, maxPositionText: fmtQty(instrument, maxPosition) };
  });
}

/**
 * A built-in strategy from its validated config entry (in-process; synchronous). A `module`
 * entry needs {@link loadStrategies}.
 *
 * @example
 * const s = createStrategy(cfg.strategies[0], cfg, engine.ports);
 */
export function createStrategy(cfg: StrategyConfig, config: RunConfig, ports: StrategyPorts): Strategy {
  if (cfg.kind === 'module') {
    throw new ReckonError('USAGE', `strategy ${cfg.id} (${cfg.module}): a strategy module is loaded with loadStrategies() before the engine starts; reckon run and runStrategyOnCsv do, reckon serve and scenarios do not load modules yet`);
  }
  const def = BUILT_INS[cfg.kind];
  const params = mergeParams(def.params, { ...cfg.params, quantity: cfg.quantity }, `strategy ${cfg.id} (${cfg.kind})`);
  return new InProcessStrategy(def, { id: cfg.id, kind: cfg.kind, account: cfg.account, limits: targetLimits(cfg, config), params }, ports);
}

export interface LoadOptions {
  /** Directory module paths are relative to (the config file's). Default: the working directory. */
  readonly baseDir?: string;
  /** Longest a module may take to load and create (default 30 s). */
  readonly loadTimeoutMs?: number;
}

/** Absolute path of a module entry. */
export function modulePath(cfg: ModuleStrategyConfig, baseDir: string): string {
  return isAbsolute(cfg.module) ? cfg.module : resolve(baseDir, cfg.module);
}

/**
 * Every strategy of the config, in config order: built-ins in-process, modules each in a worker
 * (loaded concurrently), or in-process with `isolation: "in-process"`. A module that cannot be used is a BAD_INPUT error (exit 2) and no
 * worker is left running.
 *
 * @example
 * const strategies = await loadStrategies(cfg, ports, { baseDir: dirname(configPath) });
 * // ... run ...; await closeStrategies(strategies);
 */
export async function loadStrategies(config: RunConfig, ports: StrategyPorts, opts: LoadOptions = {}): Promise<Strategy[]> {
  const baseDir = opts.baseDir ?? process.cwd();
  const started = config.strategies.map(async (s): Promise<Strategy> => {
    if (s.kind !== 'module') return createStrategy(s, config, ports);
    if (s.isolation === 'in-process') {
      const where = `strategy ${s.id} (${s.module})`;
      const def = await importDefinition(modulePath(s, baseDir), where);
      const params = mergeParams(def.params, s.params, where);
      return new InProcessStrategy(def, { id: s.id, kind: 'module', account: s.account, limits: targetLimits(s, config), params, source: s.module }, ports);
    }
    return WorkerStrategy.start({
      id: s.id, account: s.account, file: modulePath(s, baseDir), source: s.module, limits: targetLimits(s, config),
      params: s.params, timeoutMs: s.timeoutMs,
    }, ports, opts.loadTimeoutMs);
  });
  const settled = await Promise.allSettled(started);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await closeStrategies(settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])));
    throw failed.reason;
  }
  return settled.map((r) => (r as PromiseFulfilledResult<Strategy>).value);
}

/** Stops every strategy's worker. */
export async function closeStrategies(strategies: readonly Strategy[]): Promise<void> {
  await Promise.all(strategies.map((s) => s.close?.()));
}

/**
 * The config with its strategy modules' content folded into its identity (the hash recorded in
 * S00 and checked on --resume): the same config with an edited strategy file is another run.
 * Only the module file itself is hashed, not what it imports.
 *
 * @example
 * cfg = strategyIdentity(cfg, dirname(configPath));
 */
export function strategyIdentity(config: RunConfig, baseDir: string): RunConfig {
  const modules = config.strategies.filter((s): s is ModuleStrategyConfig => s.kind === 'module');
  if (modules.length === 0) return config;
  const h = createHash('sha256').update(config.hash);
  for (const s of modules) {
    const file = modulePath(s, baseDir);
    if (!existsSync(file)) throw new ReckonError('BAD_INPUT', `strategy ${s.id} (${s.module}): no such module file ${file}`);
    h.update(`\nstrategy ${s.id} ${createHash('sha256').update(readFileSync(file)).digest('hex')}`);
  }
  return { ...config, hash: h.digest('hex') };
}
