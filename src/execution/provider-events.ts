/**
 * B03's reading of what the provider says about orders, before it is folded: execution reports,
 * status answers and mass order status. It turns the provider's message (integers, venue ids, raw
 * message) into the S05 record, and decides what an operator must see about it:
 * - a repeated execution id: journaled with `duplicate`, never applied twice; flagged
 *   DUPLICATE_PROVIDER_EVENT unless the transport marked it a possible repeat (PossDup);
 * - a fill after a cancel: accepted as the real world and flagged (FILL_AFTER_CANCEL);
 * - a report the transition table does not allow: an ILLEGAL_ORDER_TRANSITION incident, status kept;
 * - a report or status about an order we never sent: UNKNOWN_ORDER_AT_PROVIDER (once per id);
 * - a status whose CumQty is above the fills we received: an explicit `inferred` fill for the
 *   difference, caused by the status record, so the position stays right without drift;
 * - not found, lost rejects, stuck orders: see decideStatusReport.
 */
import { formatFixed, MONEY_SCALE } from '../domain/fixed-point.js';
import { fmtPrice, fmtQty } from '../domain/instrument.js';
import type { Instrument } from '../domain/types.js';
import type { DecideContext } from '../domain/decider.js';
import { DraftList } from '../domain/decider.js';
import type { KernelState } from '../engine/kernel-state.js';
import type { ExecutionReport, ExecutionReportMessage, OrderStatusReport } from '../provider/gateway.js';
import type { Draft, ProviderPayload } from '../records/records.js';
import { flagDraft, incidentDraft } from '../operator/drafts.js';
import { PROVIDER_EVENT, TERMINAL, transition } from './order-lifecycle.js';
import { openStatusOf, statusReportEffect, type ExecutionState, type OrderState } from './state.js';

type Base = { ts: number; account: string; instrument: string; correlationId: string | null; causationSeq: number | null };

/**
 * The S05 payload of an execution report: exact decimals at the instrument's increments.
 *
 * @example
 * reportPayload(report, alpha, raw, providerTs) // { kind: 'fill', lastQty: '5', lastPrice: '100.25', ... }
 */
export function reportPayload(r: ExecutionReport, inst: Instrument, raw: unknown, providerTs: number): ProviderPayload {
  switch (r.kind) {
    case 'fill':
    case 'partial_fill':
      return {
        kind: r.kind, clientOrderId: r.clientOrderId, providerOrderId: r.providerOrderId ?? '', execId: r.execId, side: r.side ?? 'buy',
        lastQty: fmtQty(inst, r.lastQty), lastPrice: fmtPrice(inst, r.lastPrice), cumQty: fmtQty(inst, r.cumQty), leavesQty: fmtQty(inst, r.leavesQty),
        fee: formatFixed(r.fee, MONEY_SCALE), transactTime: providerTs, raw,
      };
    case 'reject':
    case 'cancel_reject':
      return { kind: r.kind, clientOrderId: r.clientOrderId, providerOrderId: r.providerOrderId, execId: r.execId, reason: r.reason ?? 'no reason given', origClientOrderId: r.origClientOrderId, raw };
    default:
      return {
        kind: r.kind, clientOrderId: r.clientOrderId, providerOrderId: r.providerOrderId, execId: r.execId, cumQty: fmtQty(inst, r.cumQty),
        leavesQty: fmtQty(inst, r.leavesQty), reason: r.reason, origClientOrderId: r.origClientOrderId, raw,
      };
  }
}

/** The order a report is about: by its client order id, or (cancel/replace answers) the original one. */
export function orderOfReport(state: ExecutionState, r: ExecutionReport): OrderState | undefined {
  return state.orders.get(r.clientOrderId) ?? (r.origClientOrderId === null ? undefined : state.orders.get(r.origClientOrderId));
}

/**
 * The S05 record of one execution report and what it raises.
 *
 * @example
 * // Given an order cancelled at the provider; When a fill for it arrives
 * decideExecutionReport(state, msg, inst, ctx) // -> [S05 fill, S07 flag FILL_AFTER_CANCEL]
 */
export function decideExecutionReport(state: Readonly<KernelState>, msg: ExecutionReportMessage, inst: Instrument, ctx: DecideContext): DraftList {
  const ex = state.execution;
  const r = msg.report;
  const order = orderOfReport(ex, r);
  const out = new DraftList(ctx.nextSeq);
  const base: Base = { ts: ctx.now, account: msg.account, instrument: inst.id, correlationId: order?.intentId ?? null, causationSeq: order?.lastCommandSeq ?? null };
  let payload = reportPayload(r, inst, msg.raw, msg.ts);
  const repeat = ex.execIds.has(r.execId);
  if (msg.possDup || repeat) payload = { ...payload, ...(msg.possDup ? { possDup: true as const } : {}), ...(repeat ? { duplicate: true as const } : {}) };
  const seq = out.push({ ...base, type: 'S05.provider', payload });
  const cause = { ...base, causationSeq: seq };
  if (repeat) {
    // A transport redelivery (PossDup) is expected and says nothing new; a venue repeating an execId is worth a look.
    if (!msg.possDup) out.push(flagDraft(cause, 'DUPLICATE_PROVIDER_EVENT', `duplicate execution ${r.execId} (${r.kind}) for ${r.clientOrderId} ignored`, { execId: r.execId, clientOrderId: r.clientOrderId }));
    return out;
  }
  if (!order) {
    // One incident per unknown client order id, however many reports it brings.
    if (!ex.unknownOrders.has(r.clientOrderId) && !state.incidents.incidents.has(unknownOrderId(r.clientOrderId))) out.push(unknownOrderIncident(cause, r.clientOrderId, r.kind));
    return out;
  }
  if (r.kind === 'reject') {
    out.push(flagDraft(cause, 'PROVIDER_REJECTED', `provider rejected ${r.clientOrderId}: ${r.reason ?? 'no reason given'}`, { clientOrderId: r.clientOrderId, reason: r.reason }));
    return out;
  }
  inferMissedFills(order, r, inst, seq, cause, out, ctx, msg.ts);
  const event = PROVIDER_EVENT[r.kind];
  if (!event) return out;
  const t = transition(order.status, event, openStatusOf(order));
  if (!t.ok) {
    out.push(incidentDraft(cause, `INC-${seq}-ILLEGAL_ORDER_TRANSITION`, 'ILLEGAL_ORDER_TRANSITION',
      `${r.kind} not allowed for order ${order.clientOrderId} in status ${order.status}; status kept`, { clientOrderId: order.clientOrderId, status: order.status, event: r.kind, execId: r.execId }));
  } else if (t.fillAfterCancel && (r.kind === 'fill' || r.kind === 'partial_fill')) {
    out.push(flagDraft(cause, 'FILL_AFTER_CANCEL', `fill of ${fmtQty(inst, r.lastQty)} on ${order.clientOrderId} after it was ${order.status}: accepted as the real world`,
      { clientOrderId: order.clientOrderId, execId: r.execId, lastQty: fmtQty(inst, r.lastQty), status: order.status }));
  }
  return out;
}

/**
 * A report whose CumQty is above what the fills we received (this one included) add up to shows
 * fills we never got (lost around a disconnect): an explicit inferred fill for the difference,
 * caused by the report, priced from its AvgPx.
 */
function inferMissedFills(o: OrderState, r: ExecutionReport, inst: Instrument, reportSeq: number, base: Base, out: DraftList, ctx: DecideContext, providerTs: number): void {
  if (r.kind === 'reject' || r.kind === 'cancel_reject') return;
  const isFill = r.kind === 'fill' || r.kind === 'partial_fill';
  const received = o.cumQty + (isFill ? r.lastQty : 0);
  const missing = r.cumQty - received;
  if (missing <= 0) return;
  const value = o.fillValue + (isFill ? r.lastPrice * r.lastQty : 0);
  const price = r.avgPrice !== null && r.avgPrice > 0
    ? Math.max(1, Math.round((r.avgPrice * r.cumQty - value) / missing / inst.tick)) * inst.tick
    : (ctx.lastPrice(inst) ?? o.limitPrice ?? inst.tick);
  out.push({ ...base, causationSeq: reportSeq, type: 'S05.provider', payload: {
    kind: r.leavesQty === 0 ? 'fill' : 'partial_fill', clientOrderId: o.clientOrderId, providerOrderId: r.providerOrderId ?? o.providerOrderId ?? '',
    execId: `inferred:${reportSeq}`, side: o.side, lastQty: fmtQty(inst, missing), lastPrice: fmtPrice(inst, price), cumQty: fmtQty(inst, r.cumQty),
    leavesQty: fmtQty(inst, r.leavesQty), fee: formatFixed(0, MONEY_SCALE), inferred: true, transactTime: providerTs,
    raw: { inferredFrom: reportSeq, reportedCumQty: fmtQty(inst, r.cumQty), reportedAvgPx: r.avgPrice === null ? null : fmtPrice(inst, r.avgPrice), receivedCumQty: fmtQty(inst, received) },
  } });
}

const unknownOrderId = (clientOrderId: string): string => `INC-${clientOrderId}-UNKNOWN_ORDER_AT_PROVIDER`;

function unknownOrderIncident(base: Base, clientOrderId: string, what: string): Draft<'S07.operator'> {
  return incidentDraft(base, unknownOrderId(clientOrderId), 'UNKNOWN_ORDER_AT_PROVIDER',
    `provider sent ${what} for client order id ${clientOrderId}, which we never sent`, { clientOrderId, event: what });
}

/** Where a status report comes from: the answer to one order's query, or one order of a mass status. */
export interface StatusSource {
  readonly source: 'query' | 'mass_status';
  readonly requestId: string | null;
  /** Provider time of the answer (the inferred fills executed by then). */
  readonly providerTs: number;
  /** The order asked about (a query for an order the provider does not know has no report). */
  readonly clientOrderId: string;
  readonly raw: unknown;
}

/**
 * The S05 status record about one of our orders, the inferred fill when the provider's CumQty is
 * above ours, and what the operator must see (decideStatusReport). Returns nothing when the
 * report changes nothing and is not the answer to a query (mass status: most orders are as we
 * have them).
 *
 * @example
 * // Given i-1.1 new with 0 filled; When the mass status says partially filled 3 at avg 100.00
 * decideStatusAnswer(state, o, report, src, inst, out, ctx) // S05 status, S05 fill (inferred, 3 @ 100.00)
 */
export function decideStatusAnswer(state: Readonly<KernelState>, o: OrderState, report: OrderStatusReport | null, src: StatusSource, inst: Instrument, out: DraftList, ctx: DecideContext): void {
  const view = report === null
    ? { ordStatus: 'not_found' as const, currentClientOrderId: null, cumQty: 0 }
    : { ordStatus: report.status, currentClientOrderId: report.clientOrderId, cumQty: report.cumQty };
  const effect = statusReportEffect(o, view);
  if (effect === null && src.source === 'mass_status') return;
  const asked = src.clientOrderId;
  const base: Base = { ts: ctx.now, account: o.account, instrument: inst.id, correlationId: o.intentId, causationSeq: o.lastCommandSeq };
  const draft: Draft<'S05.provider'> = {
    ...base, type: 'S05.provider',
    payload: report === null
      ? { kind: 'status', source: src.source, requestId: src.requestId, clientOrderId: asked, currentClientOrderId: null, providerOrderId: null, ordStatus: 'not_found',
          quantity: fmtQty(inst, o.quantity), cumQty: fmtQty(inst, 0), leavesQty: fmtQty(inst, 0), avgPrice: fmtPrice(inst, 0),
          reason: o.ambiguousIncident !== null ? `the command sent during ${o.ambiguousIncident} never reached the provider` : 'provider does not know the order',
          origClientOrderId: null, raw: src.raw }
      : { kind: 'status', source: src.source, requestId: src.requestId, clientOrderId: asked, currentClientOrderId: report.clientOrderId, providerOrderId: report.providerOrderId,
          ordStatus: report.status, quantity: fmtQty(inst, report.quantity), cumQty: fmtQty(inst, report.cumQty), leavesQty: fmtQty(inst, report.leavesQty),
          avgPrice: fmtPrice(inst, report.avgPrice), reason: null, origClientOrderId: report.clientOrderId === asked ? null : asked, raw: src.raw },
  };
  const follow = decideStatusReport(state, o, draft.payload, inst, ctx.now);
  const seq = out.push(draft);
  if (report !== null && effect !== null && report.cumQty > o.cumQty) {
    const qty = report.cumQty - o.cumQty;
    const price = inferredPrice(o, report, inst, ctx);
    out.push({ ...base, causationSeq: seq, type: 'S05.provider', payload: {
      kind: report.cumQty >= report.quantity ? 'fill' : 'partial_fill', clientOrderId: o.clientOrderId, providerOrderId: report.providerOrderId,
      execId: `inferred:${seq}`, side: o.side, lastQty: fmtQty(inst, qty), lastPrice: fmtPrice(inst, price), cumQty: fmtQty(inst, report.cumQty),
      leavesQty: fmtQty(inst, report.leavesQty), fee: formatFixed(0, MONEY_SCALE), inferred: true, transactTime: src.providerTs,
      raw: { inferredFrom: seq, reportedCumQty: fmtQty(inst, report.cumQty), reportedAvgPx: fmtPrice(inst, report.avgPrice), receivedCumQty: fmtQty(inst, o.cumQty) },
    } });
  }
  for (const f of follow) out.push({ ...f, causationSeq: seq });
}

/**
 * Price of the fills we never received: (AvgPx x CumQty - what we received) / the missing
 * quantity, to the nearest tick (an estimate, marked inferred); the last price when the provider
 * gives no average.
 */
function inferredPrice(o: OrderState, r: OrderStatusReport, inst: Instrument, ctx: DecideContext): number {
  const missing = r.cumQty - o.cumQty;
  if (r.avgPrice <= 0) return ctx.lastPrice(inst) ?? o.limitPrice ?? inst.tick;
  const value = r.avgPrice * r.cumQty - o.fillValue;
  const ticks = Math.max(1, Math.round(value / missing / inst.tick));
  return ticks * inst.tick;
}

/**
 * S07 drafts raised by a provider status report (query or mass status), decided on the state
 * before it is folded:
 * - not_found for an order the provider had acknowledged -> ORDER_MISSING_AT_PROVIDER incident;
 * - not_found for an order never acknowledged: the submission never arrived. After an ambiguous
 *   send during a known outage this resolves it (no new incident: PROVIDER_UNREACHABLE covers
 *   it); otherwise -> ORDER_STUCK_IN_FLIGHT incident (unless already open for the order);
 * - rejected for an order we believed open (the reject was lost) -> PROVIDER_REJECTED flag.
 *
 * @example
 * // Given order i-1.1 acknowledged and working; When the mass status query answers not_found
 * decideStatusReport(state, o, payload, inst, ts) // -> [incident ORDER_MISSING_AT_PROVIDER]
 */
export function decideStatusReport(state: Readonly<KernelState>, order: OrderState, p: ProviderPayload, inst: Instrument, ts: number): Draft<'S07.operator'>[] {
  if (p.kind !== 'status' || TERMINAL.has(order.status)) return [];
  const base: Base = { ts, account: order.account, instrument: inst.id, correlationId: order.intentId, causationSeq: null };
  const has = (id: string) => state.incidents.incidents.has(id);
  if (p.ordStatus === 'not_found') {
    if (order.acked) {
      const id = `INC-${order.clientOrderId}-ORDER_MISSING_AT_PROVIDER`;
      if (has(id)) return [];
      return [incidentDraft(base, id, 'ORDER_MISSING_AT_PROVIDER',
        `order ${order.clientOrderId} (${order.status}, provider id ${order.providerOrderId ?? 'none'}) is not found at the provider; it no longer counts as working`,
        { clientOrderId: order.clientOrderId, providerOrderId: order.providerOrderId, status: order.status, source: p.source })];
    }
    if (order.ambiguousIncident !== null) return [];
    const id = stuckId(order.clientOrderId);
    if (has(id)) return [];
    return [stuckInFlightIncident(base, order.clientOrderId, `order ${order.clientOrderId} was sent but the provider does not know it; closed as not found, nothing resubmitted`, null)];
  }
  if (p.ordStatus === 'rejected') {
    return [flagDraft(base, 'PROVIDER_REJECTED', `provider reports ${p.clientOrderId} rejected${p.reason ? `: ${p.reason}` : ''} (the reject message was not received)`, { clientOrderId: p.clientOrderId, reason: p.reason })];
  }
  return [];
}

export const stuckId = (clientOrderId: string): string => `INC-${clientOrderId}-ORDER_STUCK_IN_FLIGHT`;

/**
 * ORDER_STUCK_IN_FLIGHT for an order whose command has no definitive outcome past the in-flight
 * timeout (id `INC-<clientOrderId>-ORDER_STUCK_IN_FLIGHT`: at most one per order).
 */
export function stuckInFlightIncident(base: Base, clientOrderId: string, message: string, requestId: string | null): Draft<'S07.operator'> {
  return incidentDraft(base, stuckId(clientOrderId), 'ORDER_STUCK_IN_FLIGHT', message, { clientOrderId, requestId });
}

/** UNKNOWN_ORDER_AT_PROVIDER for an open order the provider lists that we never sent (once per id). */
export function unknownListedOrder(state: Readonly<KernelState>, r: OrderStatusReport, inst: Instrument, requestId: string, out: DraftList, ctx: DecideContext): void {
  if (state.execution.unknownOrders.has(r.clientOrderId) || state.incidents.incidents.has(unknownOrderId(r.clientOrderId))) return;
  const base: Base = { ts: ctx.now, account: r.account, instrument: inst.id, correlationId: null, causationSeq: null };
  const seq = out.push({ ...base, type: 'S05.provider', payload: {
    kind: 'status', source: 'mass_status', requestId, clientOrderId: r.clientOrderId, currentClientOrderId: r.clientOrderId, providerOrderId: r.providerOrderId,
    ordStatus: r.status, quantity: fmtQty(inst, r.quantity), cumQty: fmtQty(inst, r.cumQty), leavesQty: fmtQty(inst, r.leavesQty), avgPrice: fmtPrice(inst, r.avgPrice),
    reason: 'open at the provider, never sent by us', origClientOrderId: null, raw: r,
  } });
  out.push(unknownOrderIncident({ ...base, causationSeq: seq }, r.clientOrderId, `mass status ${r.status}`));
}
