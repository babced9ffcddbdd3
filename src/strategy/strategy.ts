/**
 * The engine's side of the signal stage. A Strategy receives the bars of its instruments and
 * returns new targets (integers at each instrument's sizeScale) with the signal values that caused
 * them, a fault (its output for this bar was unusable: the engine journals a STRATEGY_ERROR flag
 * and the previous target stands), or null. The engine turns each target into an S01 intent;
 * strategies never see orders (B01 nets targets, B03 trades them).
 *
 * Every strategy, built-in or a user's module, is an adapter over the module API in api.ts; the
 * adapter (adapter.ts) validates the module's output, so what reaches the engine is always exact.
 *
 * @example
 * const [s] = await loadStrategies(config, ports);
 * s.onBar(bar); // { targets: [{ instrument, target: 200 }], signal: { fast: 1.19918, slow: 1.19901 } } | { fault } | null
 */
import type { Instrument } from '../domain/types.js';
import type { Bar } from '../marketdata/bar.js';

export interface StrategyTarget {
  readonly instrument: Instrument;
  /** Wanted position, integer at the instrument's sizeScale (signed). */
  readonly target: number;
}

export type StrategyResult =
  | { readonly targets: readonly StrategyTarget[]; readonly signal: Readonly<Record<string, number | string>> }
  | { readonly fault: string }
  | null;

export interface Strategy {
  readonly id: string;
  /** Built-in kind ("ma-crossover") or "module". */
  readonly kind: string;
  readonly account: string;
  readonly instruments: readonly Instrument[];
  /** Called once per bar of any of `instruments`, in input order. */
  onBar(bar: Bar): StrategyResult;
  /** Releases what the strategy holds (a module's worker thread). */
  close?(): Promise<void>;
}

/** Read-only engine views a strategy may consult (integers at the instrument's sizeScale). */
export interface StrategyPorts {
  position(account: string, instrumentId: string): { desired: number; confirmed: number };
}
