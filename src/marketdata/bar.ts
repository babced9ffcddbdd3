import type { Instrument } from '../domain/types.js';

/**
 * One OHLCV bar. Prices are integers at the instrument's priceScale, volume at its sizeScale,
 * `ts` is epoch milliseconds (UTC), `line` the 1-based line in the input file.
 *
 * The reader reuses one Bar object for every row to keep the hot path allocation-free: a bar is
 * valid only during the callback that receives it. Copy what you keep.
 */
export interface Bar {
  readonly ts: number;
  readonly instrument: Instrument;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly line: number;
}

export interface MutableBar {
  ts: number;
  instrument: Instrument;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  line: number;
}

/** A row the reader refused, with the reason. Nothing is ever skipped without one of these. */
export interface RejectedRow {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
  readonly raw: string;
}

export type BadRowPolicy = 'fail' | 'quarantine';
