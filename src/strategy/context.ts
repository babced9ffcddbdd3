/**
 * What a strategy module sees: its instruments with increments and limits, bars in real units,
 * and the `ctx` object passed to `create`. Shared by the in-process adapter (built-ins) and the
 * worker that runs a user's module, so both see exactly the same API.
 */
import * as indicators from 'trading-signals';
import { formatSigned, pow10 } from '../domain/fixed-point.js';
import type { Instrument } from '../domain/types.js';
import type { Bar } from '../marketdata/bar.js';
import type { Params, PositionView, StrategyBar, StrategyContext, StrategyInstrument } from './api.js';
import type { TargetLimits } from './output.js';

export function instrumentInfo(l: TargetLimits): StrategyInstrument {
  const i = l.instrument;
  return Object.freeze({
    id: i.id, priceIncrement: i.priceIncrement, sizeIncrement: i.sizeIncrement, maxPosition: l.maxPositionText,
    priceDecimals: i.priceScale, sizeDecimals: i.sizeScale,
  });
}

/** A bar with integer prices at the instrument's scales as a bar in real units (a new object). */
export function realBar(bar: Bar): StrategyBar {
  const i = bar.instrument;
  const p = pow10(i.priceScale);
  return {
    ts: bar.ts, instrument: i.id, open: bar.open / p, high: bar.high / p, low: bar.low / p, close: bar.close / p,
    volume: bar.volume / pow10(i.sizeScale), line: bar.line,
  };
}

/**
 * A real-unit quantity as a target string: toward zero onto the size increment (a float that is
 * within 1e-9 of a multiple counts as that multiple, so 2.3 stays 2.3), capped at maxPosition.
 *
 * @example
 * targetText(1.23456, { instrument: lot0_001, maxPosition: 2000, maxPositionText: '2' }) // '+1.234'
 */
export function targetText(quantity: number, l: TargetLimits): string {
  if (!Number.isFinite(quantity)) throw new TypeError(`ctx.target(${quantity}): not a finite number`);
  const i = l.instrument;
  const scaled = quantity * pow10(i.sizeScale);
  const near = Math.round(scaled);
  let units = Math.abs(scaled - near) <= 1e-9 * Math.max(1, Math.abs(scaled)) ? near : Math.trunc(scaled);
  units -= units % i.lot;
  units = Math.max(-l.maxPosition, Math.min(l.maxPosition, units));
  return formatSigned(units === 0 ? 0 : units, i.sizeScale);
}

export interface ContextInput {
  readonly id: string;
  readonly account: string;
  readonly limits: readonly TargetLimits[];
  readonly params: Params;
  /** Desired and confirmed position of the i-th instrument, integers at its sizeScale. */
  readonly position: (index: number) => { readonly desired: number; readonly confirmed: number };
}

/** The `ctx` passed to a module's `create`. */
export function makeContext(input: ContextInput): StrategyContext {
  const infos = input.limits.map(instrumentInfo);
  const indexOf = (instrumentId: string | undefined, what: string): number => {
    if (instrumentId === undefined) return 0;
    const k = input.limits.findIndex((l) => l.instrument.id === instrumentId);
    if (k < 0) throw new RangeError(`${what}("${instrumentId}"): not an instrument of this strategy (${infos.map((i) => i.id).join(', ')})`);
    return k;
  };
  const ctx: StrategyContext = {
    id: input.id,
    account: input.account,
    instrument: infos[0]!,
    instruments: Object.freeze(infos),
    params: Object.freeze({ ...input.params }),
    position(instrumentId?: string): PositionView {
      const k = indexOf(instrumentId, 'ctx.position');
      const p = input.position(k);
      const unit = pow10((input.limits[k]!.instrument as Instrument).sizeScale);
      return Object.freeze({ desired: p.desired / unit, confirmed: p.confirmed / unit });
    },
    target(quantity: number, instrumentId?: string): string {
      return targetText(quantity, input.limits[indexOf(instrumentId, 'ctx.target')]!);
    },
    indicators,
  };
  return Object.freeze(ctx);
}
