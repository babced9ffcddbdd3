/**
 * B03's reading of a provider event before it is folded: what an operator must see about it.
 * Duplicates (by execution id) are kept in the journal but flagged and not applied twice; a fill
 * after a cancel is accepted as the real world and flagged; an event the transition table does
 * not allow opens an incident; an event for an order we never sent opens an incident.
 */
import type { Instrument } from '../domain/types.js';
import type { Draft } from '../records/records.js';
import { flagDraft, incidentDraft } from '../reconciliation/reconciliation.js';
import { transition, type OrderEvent } from './order-lifecycle.js';
import { openStatusOf, type ExecutionState } from './state.js';

const EVENT: Readonly<Record<string, OrderEvent>> = {
  ack: 'ack', reject: 'reject', partial_fill: 'partial_fill', fill: 'fill', cancelled: 'cancelled',
  expired: 'expired', replaced: 'replaced', cancel_reject: 'cancel_reject',
};

/**
 * S07 drafts raised by one provider event (causationSeq is set by the engine to the S05's seq).
 *
 * @example
 * // Given an order cancelled at the provider; When a fill for it arrives
 * decideProviderEvent(state, fillDraft, inst) // -> [flag FILL_AFTER_CANCEL]
 */
export function decideProviderEvent(state: ExecutionState, ev: Draft<'S05.provider'>, inst: Instrument): Draft<'S07.operator'>[] {
  const p = ev.payload;
  if (p.kind === 'position_report' || p.kind === 'status') return [];
  const base = { ts: ev.ts, account: ev.account, instrument: inst.id, correlationId: ev.correlationId, causationSeq: null };
  const order = state.orders.get(p.clientOrderId);
  if (!order) {
    return [incidentDraft(base, `INC-${p.clientOrderId}-UNKNOWN_ORDER_AT_PROVIDER`, 'UNKNOWN_ORDER_AT_PROVIDER',
      `provider sent ${p.kind} for client order id ${p.clientOrderId}, which we never sent`, { clientOrderId: p.clientOrderId, event: p.kind })];
  }
  if ((p.kind === 'fill' || p.kind === 'partial_fill') && state.execIds.has(p.execId)) {
    return [flagDraft(base, 'DUPLICATE_PROVIDER_EVENT', `duplicate execution ${p.execId} for ${p.clientOrderId} ignored`, { execId: p.execId, clientOrderId: p.clientOrderId })];
  }
  if (p.kind === 'reject') {
    return [flagDraft(base, 'PROVIDER_REJECTED', `provider rejected ${p.clientOrderId}: ${p.reason}`, { clientOrderId: p.clientOrderId, reason: p.reason })];
  }
  const event = EVENT[p.kind];
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
