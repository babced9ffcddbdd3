/**
 * Market values the run's exact arithmetic can hold. Prices and volumes are integers below 2^53,
 * and every product a bar feeds must stay below it too: the notional of the largest position the
 * risk limits allow at that price, the fee on it, the sum of all positions' notionals times the
 * leverage (buying power), the slippage and collar products, the volume share a fill may take.
 * A bar outside these bounds is a bad row (`file:line`, quarantinable), never an overflow crash
 * in the middle of a run.
 *
 * The bound per instrument (docs/data.md states it for users):
 * - worst position Q = maxPosition + maxOrderQty (a position at its limit plus one order);
 * - notional cap = min(MAX_SAFE / feeRate, MAX_SAFE / (2 × instruments × leverage)) in money
 *   units (the second half of the range is left for cash);
 * - largest price = min(notional cap / (Q × money units per price × size unit), MAX_SAFE / max(10000, slippageBps));
 * - largest volume = MAX_SAFE / participation numerator (a fill's share of a bar's volume).
 */
import { formatFixed, MONEY_SCALE, pow10 } from '../domain/fixed-point.js';
import { fmtMoney, fmtQty } from '../domain/instrument.js';
import type { Instrument } from '../domain/types.js';
import type { RunConfig } from '../config/load.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** What the bound depends on: the instruments and limits, fee, leverage, slippage, participation. */
export interface BoundsInput {
  readonly instruments: readonly Instrument[];
  readonly limits: ReadonlyMap<string, { readonly maxPosition: number; readonly maxOrderQty: number }>;
  /** Fee in hundredths of a basis point. */
  readonly feeCentiBps: number;
  readonly leverage: number;
  readonly slippageBps: number;
  /** Share of a bar's volume an order may fill, numerator over 1e6. */
  readonly participationNum: number;
}

export interface RowBounds {
  /** Largest price per instrument id, an integer at the instrument's price scale. */
  readonly maxPrice: ReadonlyMap<string, number>;
  /** Largest volume per instrument id, an integer at the instrument's size scale. */
  readonly maxVolume: ReadonlyMap<string, number>;
  /** Why the bound is what it is, for the bad-row reason. */
  explain(instrument: Instrument, what: 'price' | 'volume'): string;
}

/**
 * The bounds for a run.
 *
 * @example
 * const bounds = rowBoundsFor({ instruments: cfg.instruments, limits: cfg.limits, feeCentiBps: cfg.feeCentiBps,
 *   leverage: cfg.raw.provider.leverage, slippageBps: cfg.raw.provider.slippageBps, participationNum: cfg.participation.num });
 * bounds.maxPrice.get('FIX-ALPHA') // 257_...: above it a bar is refused
 */
export function rowBoundsFor(input: BoundsInput): RowBounds {
  const n = BigInt(Math.max(1, input.instruments.length));
  const lev = BigInt(Math.max(1, input.leverage));
  const feeCap = MAX_SAFE / BigInt(Math.max(1, input.feeCentiBps));
  const sumCap = MAX_SAFE / (2n * n * lev);
  const notionalCap = feeCap < sumCap ? feeCap : sumCap;
  const priceCap = MAX_SAFE / BigInt(Math.max(10_000, input.slippageBps));
  const volumeCap = Number(MAX_SAFE / BigInt(Math.max(1, input.participationNum)));
  const maxPrice = new Map<string, number>();
  const maxVolume = new Map<string, number>();
  const worst = new Map<string, number>();
  for (const inst of input.instruments) {
    const l = input.limits.get(inst.id);
    const q = Math.max(inst.lot, (l?.maxPosition ?? 0) + (l?.maxOrderQty ?? 0));
    worst.set(inst.id, q);
    const perUnit = BigInt(q) * BigInt(pow10(MONEY_SCALE - inst.priceScale - inst.sizeScale));
    const p = notionalCap / perUnit;
    maxPrice.set(inst.id, Number(p < priceCap ? p : priceCap));
    maxVolume.set(inst.id, volumeCap);
  }
  const cap = Number(notionalCap);
  return {
    maxPrice,
    maxVolume,
    explain(inst, what) {
      if (what === 'volume') {
        return `a fill's share of the volume (provider.participation) would not be exact above ${fmtQty(inst, volumeCap)}`;
      }
      const l = input.limits.get(inst.id);
      const q = worst.get(inst.id) ?? inst.lot;
      const limits = l ? ` (maxPosition ${fmtQty(inst, l.maxPosition)} + maxOrderQty ${fmtQty(inst, l.maxOrderQty)})` : '';
      return `a position of ${fmtQty(inst, q)}${limits} at a higher price has a notional above ${fmtMoney(cap)}, ` +
        `the most exact money arithmetic holds for ${input.instruments.length} instrument(s) at leverage ${input.leverage} ` +
        `with a fee of ${formatFixed(input.feeCentiBps, 2)} bps`;
    },
  };
}

/** The bounds for a validated run config. */
export function rowBoundsForConfig(cfg: RunConfig): RowBounds {
  return rowBoundsFor({
    instruments: cfg.instruments, limits: cfg.limits, feeCentiBps: cfg.feeCentiBps, leverage: cfg.raw.provider.leverage,
    slippageBps: cfg.raw.provider.slippageBps, participationNum: cfg.participation.num,
  });
}
