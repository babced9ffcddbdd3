/**
 * B03 execution state: every order we sent and what the provider said about it, the expected
 * position implied by our own fill tracking, the last provider-confirmed position, and expected
 * cash. Built only by folding records (evolveExecution), so replaying a journal rebuilds it.
 */
import { MONEY_SCALE, parseFixed } from '../domain/fixed-point.js';
import { notional } from '../domain/instrument.js';
import { positionKey, signOf, type Instrument, type OrderType, type Side, type TimeInForce } from '../domain/types.js';
import type { JournalRecord } from '../records/records.js';
import { OPEN, PROVIDER_EVENT, TERMINAL, statusAfterReport, transition, type OrderStatus } from './order-lifecycle.js';
import type { ReportedOrderStatus } from '../records/records.js';

export interface OrderState {
  /** Current client order id (changes on a confirmed replace). */
  clientOrderId: string;
  readonly account: string;
  readonly instrument: string;
  readonly intentId: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  /** Total order quantity (integer at sizeScale). */
  quantity: number;
  limitPrice: number | null;
  cumQty: number;
  /** Sum of price * qty over fills, for the average price. */
  fillValue: number;
  status: OrderStatus;
  providerOrderId: string | null;
  /** Seq of the S04 record that created it, and of the latest S04 command on it (and that command's ts). */
  readonly submitSeq: number;
  lastCommandSeq: number;
  lastCommandTs: number;
  /** The provider has shown it knows the order (ack, fill, replace, cancel, open status report). */
  acked: boolean;
  /** Replace in flight: the new id and total quantity. */
  pending: { readonly clientOrderId: string; readonly quantity: number } | null;
  /** Seq of the command a status query was (or is being) asked about, so one command is queried once. */
  queriedCommandSeq: number | null;
  /** A status query for it is on its way (an S06 order_status request not yet answered). */
  queryPending: boolean;
  /** Its last command failed to send during this outage incident (ambiguous: it may never have arrived). */
  ambiguousIncident: string | null;
}

export interface ExecutionPosition {
  /** What our own fill tracking implies (plus explicit reconciliation adjustments). */
  expected: number;
  /** The last provider position report (stale ones are never folded in). */
  confirmed: number;
  /** asOf of the position report `confirmed` came from (-1 before the first). */
  confirmedAsOf: number;
  /** Provider time (transactTime) of the last fill seen for the pair, ours or not (-1 before the first). */
  lastFillTs: number;
  /** Open orders of this pair in submission order. */
  readonly open: OrderState[];
}

export interface ExecutionState {
  /** Every client order id ever used (original and replacements) -> its order. */
  readonly orders: Map<string, OrderState>;
  readonly positions: Map<string, ExecutionPosition>;
  /** Execution ids already applied (every execution report, fills and acks alike): reports are de-duplicated by them. */
  readonly execIds: Set<string>;
  /** Client order ids the provider reported that we never sent (their fills are not ours: drift). */
  readonly unknownOrders: Set<string>;
  /** Next attempt number per intent id (deterministic client order ids). */
  readonly attempts: Map<string, number>;
  /** Expected cash per account in money units (starting cash +- fills - fees). */
  readonly cash: Map<string, number>;
  fees: number;
  fills: number;
}

export function initialExecutionState(startingCash: ReadonlyMap<string, number> = new Map()): ExecutionState {
  return { orders: new Map(), positions: new Map(), execIds: new Set(), unknownOrders: new Set(), attempts: new Map(), cash: new Map(startingCash), fees: 0, fills: 0 };
}

/** The position of a pair nothing has happened on (read-only; deciders never create positions). */
export const NO_POSITION: Readonly<ExecutionPosition> = Object.freeze({ expected: 0, confirmed: 0, confirmedAsOf: -1, lastFillTs: -1, open: Object.freeze([]) as unknown as OrderState[] });

export function positionOf(state: ExecutionState, account: string, instrument: string): ExecutionPosition {
  const key = positionKey(account, instrument);
  let p = state.positions.get(key);
  if (!p) state.positions.set(key, (p = { expected: 0, confirmed: 0, confirmedAsOf: -1, lastFillTs: -1, open: [] }));
  return p;
}

/** Signed open quantity of a pair: sum over open orders of side * (quantity - cumQty). */
export function workingOf(p: ExecutionPosition | undefined): number {
  if (!p) return 0;
  let w = 0;
  for (const o of p.open) w += signOf(o.side) * (o.quantity - o.cumQty);
  return w;
}

/** The open status an order returns to after a pending cancel/replace resolves. */
export function openStatusOf(o: OrderState): OrderStatus {
  return o.cumQty > 0 ? 'partially_filled' : o.status === 'pending_new' ? 'pending_new' : 'new';
}

/** What a provider status report says about an order, in integers. */
export interface StatusReportView {
  readonly ordStatus: ReportedOrderStatus;
  readonly currentClientOrderId: string | null;
  readonly cumQty: number;
}

export interface StatusReportEffect {
  readonly status: OrderStatus;
  /** The provider's CumQty when above ours (fills we never received: inferred), else ours. */
  readonly cumQty: number;
  /** The replace we never heard about took effect at the provider. */
  readonly replacedTo: { readonly clientOrderId: string; readonly quantity: number } | null;
  readonly clearPending: boolean;
}

/**
 * What a status report changes on an order, or null when it changes nothing (the engine writes
 * a report only when it does; the fold applies the same function). Terminal orders never change.
 *
 * @example
 * // our order pending_new (ack lost); provider says new, cumQty 0
 * statusReportEffect(o, { ordStatus: 'new', currentClientOrderId: 'i-1.1', cumQty: 0 }) // { status: 'new', ... }
 */
export function statusReportEffect(o: OrderState, r: StatusReportView): StatusReportEffect | null {
  if (TERMINAL.has(o.status)) return null;
  const replacedTo = o.pending !== null && r.currentClientOrderId === o.pending.clientOrderId ? o.pending : null;
  const cumQty = Math.max(o.cumQty, r.cumQty);
  const status = statusAfterReport(o.status, r.ordStatus, cumQty > 0 ? 'partially_filled' : 'new');
  const clearPending = o.pending !== null;
  if (status === o.status && cumQty === o.cumQty && !clearPending) return null;
  return { status, cumQty, replacedTo, clearPending };
}

/**
 * Folds one record into the execution state (in place; returns it). S04 commands create or
 * mark orders, S05 events move them through the transition table and update expected/confirmed,
 * S06 adjustments apply the recovery rule (expected := confirmed).
 */
export function evolveExecution(state: ExecutionState, record: JournalRecord, instrument: Instrument | undefined): ExecutionState {
  if ((record.type === 'S05.provider' && record.payload.kind === 'link') || (record.type === 'S00.run' && record.payload.kind === 'run_started' && record.payload.mode === 'live')) {
    // A session that went down abandons every question on its way: the orders are asked again later.
    if (record.type === 'S00.run' || record.payload.state === 'down') for (const o of state.orders.values()) if (o.queryPending) { o.queryPending = false; o.queriedCommandSeq = null; }
    return state;
  }
  if (record.type === 'S07.operator') {
    // A status query that timed out is no longer on its way (the incident says so).
    const p = record.payload;
    if (p.kind === 'incident_opened' && typeof p.details.requestId === 'string' && typeof p.details.clientOrderId === 'string') {
      const o = state.orders.get(p.details.clientOrderId);
      if (o) o.queryPending = false;
    }
    return state;
  }
  if (!instrument) return state;
  switch (record.type) {
    case 'S04.order': {
      const p = record.payload;
      if (p.kind === 'submit') {
        const o: OrderState = {
          clientOrderId: p.clientOrderId, account: record.account, instrument: instrument.id,
          intentId: record.correlationId ?? p.clientOrderId, side: p.side, type: p.type, timeInForce: p.timeInForce,
          quantity: parseFixed(p.quantity, instrument.sizeScale), limitPrice: p.limitPrice === null ? null : parseFixed(p.limitPrice, instrument.priceScale),
          cumQty: 0, fillValue: 0, status: 'pending_new', providerOrderId: null,
          submitSeq: record.seq, lastCommandSeq: record.seq, lastCommandTs: record.ts, acked: false, pending: null,
          queriedCommandSeq: null, queryPending: false, ambiguousIncident: null,
        };
        state.orders.set(p.clientOrderId, o);
        positionOf(state, record.account, instrument.id).open.push(o);
        bumpAttempt(state, record.correlationId, p.attempt);
      } else if (p.kind === 'replace') {
        const o = state.orders.get(p.origClientOrderId);
        if (o) {
          const r = transition(o.status, 'replace_request', openStatusOf(o));
          o.status = r.status;
          o.pending = { clientOrderId: p.clientOrderId, quantity: parseFixed(p.quantity, instrument.sizeScale) };
          o.lastCommandSeq = record.seq;
          o.lastCommandTs = record.ts;
          state.orders.set(p.clientOrderId, o);
        }
        bumpAttempt(state, record.correlationId, p.attempt);
      } else {
        const o = state.orders.get(p.clientOrderId);
        if (o) {
          o.status = transition(o.status, 'cancel_request', openStatusOf(o)).status;
          o.lastCommandSeq = record.seq;
          o.lastCommandTs = record.ts;
        }
      }
      return state;
    }
    case 'S05.provider': {
      const p = record.payload;
      if (p.kind === 'fault_injected' || p.kind === 'mass_status' || p.kind === 'request_rejected' || p.kind === 'malformed' || p.kind === 'link') return state;
      const pos = positionOf(state, record.account, instrument.id);
      if (p.kind === 'send_failed') {
        const o = p.clientOrderId === null ? undefined : state.orders.get(p.clientOrderId);
        if (!o) return state;
        if (p.command === 'query_order') { o.queryPending = false; o.queriedCommandSeq = null; } else o.ambiguousIncident = p.incidentId;
        return state;
      }
      if (p.kind === 'position_report') {
        if (p.stale) return state; // older than what we have seen: evidence only
        pos.confirmed = parseFixed(p.position, instrument.sizeScale);
        if (p.asOf > pos.confirmedAsOf) pos.confirmedAsOf = p.asOf;
        return state;
      }
      const o = state.orders.get(p.clientOrderId);
      if (p.kind === 'status') {
        if (!o) { state.unknownOrders.add(p.clientOrderId); return state; }
        if (p.source === 'query') o.queryPending = false;
        // Schema 1 folded CumQty into the order here; from schema 2 an inferred fill record follows instead.
        const reportedCum = parseFixed(p.cumQty, instrument.sizeScale);
        const eff = statusReportEffect(o, { ordStatus: p.ordStatus, currentClientOrderId: p.currentClientOrderId, cumQty: record.schema === 1 ? reportedCum : Math.min(reportedCum, o.cumQty) });
        if (eff === null) return state;
        if (eff.replacedTo) {
          o.clientOrderId = eff.replacedTo.clientOrderId;
          o.quantity = eff.replacedTo.quantity;
        }
        if (eff.clearPending) o.pending = null;
        o.cumQty = eff.cumQty;
        o.status = eff.status;
        if (OPEN.has(o.status)) o.acked = true;
        if (p.providerOrderId) o.providerOrderId = p.providerOrderId;
        closeIfDone(pos, o);
        return state;
      }
      if (p.duplicate) return state; // evidence only: its execId was already applied
      if (p.execId !== undefined) {
        if (state.execIds.has(p.execId)) return state; // schema 1 journals flagged duplicate fills only by this
        state.execIds.add(p.execId);
      }
      if (!o) state.unknownOrders.add(p.clientOrderId);
      if (p.kind === 'fill' || p.kind === 'partial_fill') {
        // Provider clock, comparable with a snapshot's asOf (schema 1 journals: the record's time).
        const at = p.transactTime ?? record.ts;
        if (at > pos.lastFillTs) pos.lastFillTs = at;
        // A fill of an order we never sent is not ours: expected stays; reconciliation sees the drift.
        if (!o) return state;
        const qty = parseFixed(p.lastQty, instrument.sizeScale);
        const price = parseFixed(p.lastPrice, instrument.priceScale);
        const fee = parseFixed(p.fee, MONEY_SCALE);
        const sign = signOf(p.side);
        pos.expected += sign * qty;
        const cash = state.cash.get(record.account) ?? 0;
        state.cash.set(record.account, cash - sign * notional(instrument, price, qty) - fee);
        state.fees += fee;
        state.fills += 1;
        o.cumQty += qty;
        o.fillValue += price * qty;
        if (p.providerOrderId) o.providerOrderId = p.providerOrderId;
        if (p.inferred) {
          // The status report before it already set the status; only the quantities move.
          if (OPEN.has(o.status) && o.pending === null && o.status !== 'pending_cancel') o.status = o.cumQty >= o.quantity ? 'filled' : openStatusOf(o);
          closeIfDone(pos, o);
          return state;
        }
      }
      if (!o) return state;
      const event = PROVIDER_EVENT[p.kind];
      if (!event) return state;
      const r = transition(o.status, event, openStatusOf(o));
      if (p.kind !== 'reject' && p.kind !== 'cancel_reject') o.acked = true;
      if (p.kind === 'ack' && p.providerOrderId) o.providerOrderId = p.providerOrderId;
      if (p.kind === 'replaced' && r.ok && o.pending) {
        o.clientOrderId = o.pending.clientOrderId;
        o.quantity = o.pending.quantity;
        o.pending = null;
        o.status = openStatusOf(o);
      } else if (p.kind === 'restated' && r.ok) {
        o.quantity = o.cumQty + parseFixed(p.leavesQty, instrument.sizeScale);
        o.status = r.status;
      } else {
        if (p.kind === 'cancel_reject') o.pending = null;
        o.status = r.status;
        // A fill completing the order while a replace/cancel is pending leaves nothing open.
        if (o.cumQty >= o.quantity && OPEN.has(o.status) && (p.kind === 'fill' || p.kind === 'partial_fill')) o.status = 'filled';
      }
      closeIfDone(pos, o);
      return state;
    }
    case 'S06.reconciliation': {
      const p = record.payload;
      if (p.kind === 'request' && p.what === 'order_status' && p.clientOrderId !== null) {
        const o = state.orders.get(p.clientOrderId);
        if (o) { o.queriedCommandSeq = p.commandSeq; o.queryPending = true; }
      } else if (p.kind === 'adjustment') {
        const pos = positionOf(state, record.account, instrument.id);
        pos.expected = parseFixed(p.confirmed, instrument.sizeScale);
      }
      return state;
    }
    default:
      return state;
  }
}

/** An order that is no longer open leaves its pair's open list. */
function closeIfDone(pos: ExecutionPosition, o: OrderState): void {
  if (OPEN.has(o.status)) return;
  const i = pos.open.indexOf(o);
  if (i >= 0) pos.open.splice(i, 1);
}

function bumpAttempt(state: ExecutionState, intentId: string | null, attempt: number): void {
  if (intentId === null) return;
  const next = (state.attempts.get(intentId) ?? 1);
  if (attempt + 1 > next) state.attempts.set(intentId, attempt + 1);
}
