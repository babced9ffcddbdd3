/**
 * The trading domain: accounts, instruments with increments, order vocabulary.
 * Quantities and prices are integers at the instrument's scale (see fixed-point.ts).
 */
export type Side = 'buy' | 'sell';
export type OrderType = 'market' | 'limit';
/** DAY expires at the end of the UTC day of submission; IOC cancels what one bar cannot fill. */
export type TimeInForce = 'DAY' | 'GTC' | 'IOC';
/** B02 trading state per instrument: reducing allows only orders that move the position toward flat. */
export type TradingState = 'active' | 'reducing' | 'halted';

export const SIDES: readonly Side[] = ['buy', 'sell'];
export const ORDER_TYPES: readonly OrderType[] = ['market', 'limit'];
export const TIME_IN_FORCE: readonly TimeInForce[] = ['DAY', 'GTC', 'IOC'];
export const TRADING_STATES: readonly TradingState[] = ['active', 'reducing', 'halted'];

export interface Account {
  readonly id: string;
  /** Starting cash in money units (scale MONEY_SCALE). */
  readonly startingCash: number;
}

export interface Instrument {
  readonly id: string;
  /** Position in the configured list: a dense index used by hot-path arrays. */
  readonly index: number;
  readonly priceIncrement: string;
  readonly sizeIncrement: string;
  /** Decimals of prices / quantities; prices are integers at priceScale. */
  readonly priceScale: number;
  readonly sizeScale: number;
  /** Price increment / size increment as integers at their scales ("0.05" at scale 2 -> 5). */
  readonly tick: number;
  readonly lot: number;
}

/** Key of a position: positions are per (account, instrument). */
export function positionKey(account: string, instrument: string): string {
  return account + '|' + instrument;
}

export function sideOf(delta: number): Side {
  return delta >= 0 ? 'buy' : 'sell';
}

export function signOf(side: Side): 1 | -1 {
  return side === 'buy' ? 1 : -1;
}
