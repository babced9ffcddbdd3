/**
 * A strategy definition (the module API) run in this thread, as the engine's Strategy. Used for
 * the built-ins and for definitions handed over as objects (unit tests); user modules loaded from
 * a file run in a worker instead (worker-host.ts), behind a watchdog.
 *
 * Per bar: the bar in real units goes to `onBar`; a throw or an output that fails checkOutput is
 * returned as `{ fault }` (the engine journals STRATEGY_ERROR with the strategy id, bar line and
 * reason; the previous target stands).
 */
import type { Instrument } from '../domain/types.js';
import type { Bar } from '../marketdata/bar.js';
import type { Params, Strategy as StrategyDefinition, StrategyInstance } from './api.js';
import { makeContext, realBar } from './context.js';
import { checkInstance, errorText } from './definition.js';
import { checkOutput, type CheckedOutput, type TargetLimits } from './output.js';
import type { Strategy, StrategyPorts, StrategyResult } from './strategy.js';
import { ReckonError } from '../domain/errors.js';

export interface StrategySpec {
  readonly id: string;
  readonly kind: string;
  readonly account: string;
  readonly limits: readonly TargetLimits[];
  /** Already merged over the definition's defaults. */
  readonly params: Params;
  /** The module as configured (messages name it; default the definition's name). */
  readonly source?: string;
}

/** Turns a checked output into the engine's result (targets carry their Instrument). */
export function toResult(out: CheckedOutput, limits: readonly TargetLimits[]): StrategyResult {
  if (out === null || 'fault' in out) return out;
  return { targets: out.targets.map((t) => ({ instrument: limits[t.index]!.instrument, target: t.target })), signal: out.signal };
}

export class InProcessStrategy implements Strategy {
  readonly id: string;
  readonly kind: string;
  readonly account: string;
  readonly instruments: readonly Instrument[];
  private readonly limits: readonly TargetLimits[];
  private readonly instance: StrategyInstance;

  /**
   * @example
   * const s = new InProcessStrategy(maCrossover, { id: 'trend', kind: 'ma-crossover', account: 'acct', limits, params }, ports);
   */
  constructor(def: StrategyDefinition, spec: StrategySpec, ports: StrategyPorts) {
    this.id = spec.id;
    this.kind = spec.kind;
    this.account = spec.account;
    this.limits = spec.limits;
    this.instruments = spec.limits.map((l) => l.instrument);
    const ctx = makeContext({
      id: spec.id, account: spec.account, limits: spec.limits, params: spec.params,
      position: (k) => ports.position(spec.account, this.instruments[k]!.id),
    });
    const where = `strategy ${spec.id} (${spec.source ?? def.name})`;
    let instance: unknown;
    try {
      instance = def.create(ctx);
    } catch (e) {
      throw new ReckonError('BAD_INPUT', `${where}: create(ctx) threw: ${errorText(e)}`);
    }
    this.instance = checkInstance(instance, where);
  }

  onBar(bar: Bar): StrategyResult {
    let raw: unknown;
    try {
      raw = this.instance.onBar(realBar(bar));
    } catch (e) {
      return { fault: `onBar threw: ${errorText(e)}` };
    }
    try {
      return toResult(checkOutput(raw, this.limits), this.limits);
    } catch (e) {
      return { fault: `the output of onBar could not be read: ${errorText(e)}` }; // a getter or Proxy that throws
    }
  }
}
