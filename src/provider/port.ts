/**
 * The provider boundary (DESIGN §7). The engine talks to a venue only through this port; the
 * venue's answers come back as S05 payloads (raw message kept in `raw`). Adapters: `sim` (the
 * deterministic simulated venue in event time); later `fix`.
 */
import type { Instrument, OrderType, Side, TimeInForce } from '../domain/types.js';
import type { FaultKind, ProviderPayload } from '../records/records.js';
import type { Bar } from '../marketdata/bar.js';

export interface SubmitRequest {
  readonly account: string;
  readonly instrument: Instrument;
  readonly clientOrderId: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  /** Integer at the instrument's sizeScale, > 0. */
  readonly quantity: number;
  /** Integer at the instrument's priceScale; null for market orders. */
  readonly limitPrice: number | null;
}

export interface ReplaceRequest {
  readonly account: string;
  readonly instrument: Instrument;
  readonly origClientOrderId: string;
  readonly clientOrderId: string;
  /** New total order quantity (includes what is already filled), integer at sizeScale. */
  readonly quantity: number;
  readonly limitPrice: number | null;
}

export interface CancelRequest {
  readonly account: string;
  readonly instrument: Instrument;
  readonly clientOrderId: string;
}

/** One message from the provider, ready to be journaled as an S05 record. */
export interface ProviderEvent {
  readonly ts: number;
  readonly account: string;
  readonly instrument: string;
  readonly payload: ProviderPayload;
}

export interface PositionSnapshot {
  readonly account: string;
  readonly instrument: string;
  /** Signed integer at the instrument's sizeScale. */
  readonly position: number;
  /** Time the position is valid for; absent = the time of the request. */
  readonly asOf?: number;
}

export interface OrderStatusReport {
  readonly account: string;
  readonly instrument: string;
  readonly clientOrderId: string;
  readonly providerOrderId: string;
  readonly side: Side;
  readonly status: 'new' | 'partially_filled' | 'filled' | 'cancelled' | 'expired' | 'rejected';
  readonly quantity: number;
  readonly cumQty: number;
  readonly leavesQty: number;
}

export interface ProviderPort {
  readonly name: string;
  submit(ts: number, req: SubmitRequest): void;
  replace(ts: number, req: ReplaceRequest): void;
  cancel(ts: number, req: CancelRequest): void;
  /** Events that have become visible at or before `ts`, in the order the provider sent them. */
  poll(ts: number): ProviderEvent[];
  /** Provider-confirmed positions of an account (every instrument it has traded, flat included). */
  positions(ts: number, account: string): PositionSnapshot[];
  /** Orders the provider still has open for an account (mass order status). */
  openOrders(ts: number, account: string): OrderStatusReport[];
  /** One order's status, or 'not_found' (distinct from unreachable, which throws). */
  queryOrder(ts: number, account: string, clientOrderId: string): OrderStatusReport | 'not_found';
}

/** A provider that advances in event time with the market data (the simulated venue). */
export interface MarketDrivenProvider extends ProviderPort {
  onBar(bar: Bar): void;
  /**
   * Simulation only: faults injected since the last call, oldest first (see provider/sim/faults.ts).
   * The engine journals each as an S05 `fault_injected` record before the records it affects.
   */
  drainFaults?(): InjectedFault[];
}

/** One fault the simulated venue injected (simulation metadata). */
export interface InjectedFault {
  readonly ts: number;
  readonly account: string;
  readonly instrument: string;
  readonly fault: FaultKind;
  readonly occurrence: number;
  readonly detail: string;
  readonly affects: string | null;
}

/**
 * The provider could not be reached (send failure, disconnect, timeout). AMBIGUOUS: a request
 * that throws this may or may not have reached the provider, so the order stays in flight until
 * reconciliation resolves it; it is never a reject. Distinct from 'not_found'.
 *
 * @example
 * try { provider.submit(ts, req); } catch (e) { if (e instanceof ProviderUnreachableError) keepInFlight(); else throw e; }
 */
export class ProviderUnreachableError extends Error {
  constructor(readonly operation: string, message: string) {
    super(message);
    this.name = 'ProviderUnreachableError';
  }
}
