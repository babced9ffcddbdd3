/**
 * B03's reading of a provider event before it is folded: what an operator must see about it.
 * Duplicates (by execution id) are kept in the journal but flagged and not applied twice; a fill
 * after a cancel is accepted as the real world and flagged; an event the transition table does
 * not allow opens an incident; an event for an order we never sent opens an incident.
 */
import type { Instrument } from '../domain/types.js';
import type { Draft } from '../records/records.js';
import { flagDraft, incidentDraft } from '../reconciliation/reconciliation.js';
import { PROVIDER_EVENT, TERMINAL, transition } from './order-lifecycle.js';
import { openStatusOf, type ExecutionState } from './state.js';

/**
 * S07 drafts raised by one provider event (causationSeq is set by the engine to the S05's seq).
 *
 * @example
 * // Given an order cancelled at the provider; When a fill for it arrives
 * decideProviderEvent(state, fillDraft, inst) // -> [flag FILL_AFTER_CANCEL]
 */
export function decideProviderEvent(state: ExecutionState, ev: Draft<'S05.provider'>, inst: Instrument): Draft<'S07.operator'>[] {
  const p = ev.payload;
  if (p.kind === 'position_report' || p.kind === 'status' || p.kind === 'fault_injected') return [];
  const base = { ts: ev.ts, account: ev.account, instrument: inst.id, correlationId: ev.correlationId, causationSeq: null };
  if ((p.kind === 'fill' || p.kind === 'partial_fill') && state.execIds.has(p.execId)) {
    return [flagDraft(base, 'DUPLICATE_PROVIDER_EVENT', `duplicate execution ${p.execId} for ${p.clientOrderId} ignored`, { execId: p.execId, clientOrderId: p.clientOrderId })];
  }
  const order = state.orders.get(p.clientOrderId);
  if (!order) {
    // One incident per unknown client order id, however many events it brings.
    if (state.unknownOrders.has(p.clientOrderId)) return [];
    return [unknownOrderIncident(base, p.clientOrderId, p.kind)];
  }
  if (p.kind === 'reject') {
    return [flagDraft(base, 'PROVIDER_REJECTED', `provider rejected ${p.clientOrderId}: ${p.reason}`, { clientOrderId: p.clientOrderId, reason: p.reason })];
  }
  const event = PROVIDER_EVENT[p.kind];
  if (!event) return [];
  const r = transition(order.status, event, openStatusOf(order));
  if (!r.ok) {
    return [incidentDraft(base, `INC-${p.clientOrderId}-${p.kind}-ILLEGAL_ORDER_TRANSITION`, 'ILLEGAL_ORDER_TRANSITION',
      `${p.kind} not allowed for order ${p.clientOrderId} in status ${order.status}; status kept`, { clientOrderId: p.clientOrderId, status: order.status, event: p.kind })];
  }
  if (r.fillAfterCancel && (p.kind === 'fill' || p.kind === 'partial_fill')) {
    return [flagDraft(base, 'FILL_AFTER_CANCEL', `fill of ${p.lastQty} on ${p.clientOrderId} after it was ${order.status}: accepted as the real world`, { clientOrderId: p.clientOrderId, execId: p.execId, lastQty: p.lastQty, status: order.status })];
  }
  return [];
}

function unknownOrderIncident(base: Base, clientOrderId: string, what: string): Draft<'S07.operator'> {
  return incidentDraft(base, `INC-${clientOrderId}-UNKNOWN_ORDER_AT_PROVIDER`, 'UNKNOWN_ORDER_AT_PROVIDER',
    `provider sent ${what} for client order id ${clientOrderId}, which we never sent`, { clientOrderId, event: what });
}

type Base = { ts: number; account: string; instrument: string; correlationId: string | null; causationSeq: null };

/** What the engine knows about a status report beyond the execution state. */
export interface StatusReportContext {
  /** The order's last command threw "unreachable" (ambiguous send) during this outage incident. */
  readonly ambiguousSendIncident: string | null;
  readonly hasIncident: (incidentId: string) => boolean;
}

/**
 * S07 drafts raised by a provider status report (query or mass status), decided on the state
 * before it is folded:
 * - an order we never sent -> UNKNOWN_ORDER_AT_PROVIDER incident (once per client order id);
 * - not_found for an order the provider had acknowledged -> ORDER_MISSING_AT_PROVIDER incident;
 * - not_found for an order never acknowledged: the submission never arrived. After an ambiguous
 *   send during a known outage this resolves it (no new incident: PROVIDER_UNREACHABLE covers
 *   it); otherwise -> ORDER_STUCK_IN_FLIGHT incident (unless already open for the order);
 * - rejected for an order we believed open (the reject was lost) -> PROVIDER_REJECTED flag.
 *
 * @example
 * // Given order i-1.1 acknowledged and working; When the mass status query answers not_found
 * decideStatusReport(state, statusDraft, inst, ctx) // -> [incident ORDER_MISSING_AT_PROVIDER]
 */
export function decideStatusReport(state: ExecutionState, ev: Draft<'S05.provider'>, inst: Instrument, ctx: StatusReportContext): Draft<'S07.operator'>[] {
  const p = ev.payload;
  if (p.kind !== 'status') return [];
  const base: Base = { ts: ev.ts, account: ev.account, instrument: inst.id, correlationId: ev.correlationId, causationSeq: null };
  const order = state.orders.get(p.clientOrderId);
  if (!order) return state.unknownOrders.has(p.clientOrderId) ? [] : [unknownOrderIncident(base, p.clientOrderId, `${p.source} status ${p.ordStatus}`)];
  if (TERMINAL.has(order.status)) return [];
  if (p.ordStatus === 'not_found') {
    if (order.acked) {
      const id = `INC-${order.clientOrderId}-ORDER_MISSING_AT_PROVIDER`;
      if (ctx.hasIncident(id)) return [];
      return [incidentDraft(base, id, 'ORDER_MISSING_AT_PROVIDER',
        `order ${order.clientOrderId} (${order.status}, provider id ${order.providerOrderId ?? 'none'}) is not found at the provider; it no longer counts as working`,
        { clientOrderId: order.clientOrderId, providerOrderId: order.providerOrderId, status: order.status, source: p.source })];
    }
    if (ctx.ambiguousSendIncident !== null) return [];
    const id = `INC-${order.clientOrderId}-ORDER_STUCK_IN_FLIGHT`;
    if (ctx.hasIncident(id)) return [];
    return [stuckInFlightIncident(base, order.clientOrderId, `order ${order.clientOrderId} was sent but the provider does not know it; closed as not found, nothing resubmitted`)];
  }
  if (p.ordStatus === 'rejected') {
    return [flagDraft(base, 'PROVIDER_REJECTED', `provider reports ${p.clientOrderId} rejected${p.reason ? `: ${p.reason}` : ''} (the reject message was not received)`, { clientOrderId: p.clientOrderId, reason: p.reason })];
  }
  return [];
}

/**
 * ORDER_STUCK_IN_FLIGHT for an order whose command has no definitive outcome past the in-flight
 * timeout (id `INC-<clientOrderId>-ORDER_STUCK_IN_FLIGHT`: at most one per order).
 */
export function stuckInFlightIncident(base: Omit<Base, 'causationSeq'> & { causationSeq: number | null }, clientOrderId: string, message: string): Draft<'S07.operator'> {
  return incidentDraft(base, `INC-${clientOrderId}-ORDER_STUCK_IN_FLIGHT`, 'ORDER_STUCK_IN_FLIGHT', message, { clientOrderId });
}
