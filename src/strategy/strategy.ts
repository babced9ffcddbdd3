/**
 * The strategy API (signal stage). A strategy receives bars of its instrument, keeps its own
 * state, and returns a new target position when it wants one, with the signal values that caused
 * it. The engine turns that into an S01 intent record; strategies never see orders or positions
 * at the provider (B01 nets targets, B03 trades them).
 *
 * @example
 * const s = createStrategy(cfg, instrument, 100);
 * const t = s.onBar(bar); // { target: 100, signal: { fast: 10123.4, slow: 10101.9 } } or null
 */
import type { Instrument } from '../domain/types.js';
import type { Bar } from '../marketdata/bar.js';

export interface TargetSignal {
  /** Wanted position, integer at the instrument's sizeScale (signed). */
  readonly target: number;
  readonly signal: Readonly<Record<string, number | string>>;
}

export interface Strategy {
  readonly id: string;
  readonly kind: string;
  readonly account: string;
  readonly instrument: Instrument;
  /** Called once per bar of `instrument`; returns a target only when it changes. */
  onBar(bar: Bar): TargetSignal | null;
}
