/**
 * The answers to reconciliation requests (B04): positions, mass order status and one order's
 * status. Each is decided on the state before it is folded and produces the S05 records of the
 * answer and what follows from them (checks, recovery, status queries, the next phase of a pass).
 */
import { formatSigned } from '../domain/fixed-point.js';
import { positionKey, type Instrument } from '../domain/types.js';
import { DraftList, type DecideContext } from '../domain/decider.js';
import type { KernelState } from '../engine/kernel-state.js';
import { decideStatusAnswer, unknownListedOrder } from '../execution/provider-events.js';
import { NO_POSITION, statusReportEffect, workingOf, type OrderState } from '../execution/state.js';
import { OPEN } from '../execution/order-lifecycle.js';
import { desiredOf } from '../portfolio/portfolio.js';
import type { MassStatusMessage, OrderStatusMessage, OrderStatusReport, PositionsMessage } from '../provider/gateway.js';
import { tradingStateOf } from '../risk/risk.js';
import type { OpenRequest } from './provider-state.js';
import { flagDraft } from '../operator/drafts.js';
import { decideReconciliation, decideRecovery, isQuietCheck, type ReconSettings } from './reconciliation.js';
import { continuePass, instrumentsToCheck, pushRequest } from './requests.js';

/**
 * A positions answer: per instrument of the request, the S05 position report and the S06 check
 * with the recovery rule's follow-ups; a snapshot older than what we have seen is journaled as
 * stale and flagged, never reconciled on. On the interval, a pair whose provider position and
 * check are exactly as last journaled is counted as quiet in the S06 pass record instead.
 *
 * @example
 * // Given expected +2 and the provider confirms +1; When the interval answer arrives
 * decidePositionsAnswer(state, msg, request, ctx) // -> S05 position_report +1, S06 DRIFT, adjustment, incident, trading state
 */
export function decidePositionsAnswer(state: Readonly<KernelState>, msg: PositionsMessage, request: OpenRequest, ctx: DecideContext): DraftList {
  const out = new DraftList(ctx.nextSeq);
  const cfg = ctx.cfg;
  const settings: ReconSettings = cfg.raw.reconciliation;
  const byInstrument = new Map<string, number>();
  for (const s of msg.positions) byInstrument.set(s.instrument, s.position);
  const trigger = request.trigger;
  const pairs = instrumentsToCheck(request, cfg.instruments, cfg.instrumentById);
  let quiet = 0;
  for (const inst of pairs) {
    if (checkPair(state, msg, request, inst, byInstrument.get(inst.id), settings, out, ctx) === 'quiet') quiet++;
  }
  if (trigger !== 'provider_event' && trigger !== 'in_flight_timeout') {
    out.push({ ts: ctx.now, type: 'S06.reconciliation', account: msg.account, instrument: null, correlationId: null, causationSeq: request.seq,
      payload: { kind: 'pass', requestId: request.requestId, trigger, pairs: pairs.length, checked: pairs.length, quiet } });
  }
  return out;
}

function checkPair(
  state: Readonly<KernelState>, msg: PositionsMessage, request: OpenRequest, inst: Instrument, reported: number | undefined,
  settings: ReconSettings, out: DraftList, ctx: DecideContext,
): 'quiet' | 'journaled' {
  const account = msg.account;
  const position = reported ?? 0;
  const asOf = msg.asOf;
  const ex = state.execution;
  const pos = ex.positions.get(positionKey(account, inst.id)) ?? NO_POSITION;
  const stale = asOf < pos.lastFillTs || asOf < pos.confirmedAsOf;
  const correlationId = request.correlationId;
  const input = { ts: ctx.now, account, instrument: inst, trigger: request.trigger, correlationId, causationSeq: null as number | null,
    desired: desiredOf(state.portfolio, account, inst.id), expected: pos.expected, confirmed: stale ? pos.confirmed : position, working: workingOf(pos) };
  if (request.trigger === 'interval' && !stale && position === pos.confirmed && isQuietCheck(state.recon, decideReconciliation(state.recon, input, settings))) return 'quiet';
  const base = { ts: ctx.now, account, instrument: inst.id, correlationId, causationSeq: request.seq };
  const report = out.push({ ...base, type: 'S05.provider',
    payload: { kind: 'position_report', requestId: request.requestId, position: formatSigned(position, inst.sizeScale), asOf, raw: reported === undefined ? { position: 0, listed: false } : { position: formatSigned(position, inst.sizeScale) }, ...(stale ? { stale: true as const } : {}) } });
  if (stale) {
    out.push(flagDraft({ ...base, causationSeq: report }, 'STALE_PROVIDER_SNAPSHOT',
      `position snapshot as of ${asOf} is older than ${pos.lastFillTs > pos.confirmedAsOf ? `the last fill seen (${pos.lastFillTs})` : `the snapshot already applied (${pos.confirmedAsOf})`}: not reconciled on`,
      { asOf, lastFillTs: pos.lastFillTs, confirmedAsOf: pos.confirmedAsOf, position: formatSigned(position, inst.sizeScale) }));
    return 'journaled';
  }
  const before = state.recon.positions.get(positionKey(account, inst.id))?.classification ?? 'IN_SYNC';
  const check = decideReconciliation(state.recon, { ...input, causationSeq: report }, settings);
  const checkSeq = out.push(check);
  for (const d of decideRecovery(before, { ...check, seq: checkSeq }, inst, tradingStateOf(state.risk, inst.id), settings)) out.push(d);
  return 'journaled';
}

/**
 * A mass order status answer: every order we believe open (acknowledged, or with a command older
 * than the timeout) is compared with the provider's list; what the list says something new about
 * is journaled (status records, inferred fills); an order it does not list is queried; an open
 * order we never sent opens UNKNOWN_ORDER_AT_PROVIDER. Without queries, the pass moves on to
 * positions.
 *
 * @example
 * // Given i-1.1 acked and working; When the mass status does not list it
 * decideMassStatus(state, msg, request, ctx) // -> S05 mass_status, S06 request order_status for i-1.1
 */
export function decideMassStatus(state: Readonly<KernelState>, msg: MassStatusMessage, request: OpenRequest, ctx: DecideContext): DraftList {
  const out = new DraftList(ctx.nextSeq);
  const cfg = ctx.cfg;
  const account = msg.account;
  const seq = out.push({ ts: ctx.now, type: 'S05.provider', account, instrument: null, correlationId: null, causationSeq: request.seq,
    payload: { kind: 'mass_status', requestId: request.requestId, openOrders: msg.orders.length, raw: msg.raw } });
  const byId = new Map<string, OrderStatusReport>();
  for (const r of msg.orders) byId.set(r.clientOrderId, r);
  // Only orders the answer says something new about are acted on (in submission order); at 100k
  // open orders most are exactly as we have them and cost one lookup.
  const prefix = account + '|';
  const todo: { readonly o: OrderState; readonly listed: OrderStatusReport | undefined }[] = [];
  for (const [key, pos] of state.execution.positions) {
    if (!key.startsWith(prefix)) continue;
    for (const o of pos.open) {
      if (!OPEN.has(o.status)) continue;
      const settled = (o.status === 'new' || o.status === 'partially_filled') && o.pending === null;
      if (!settled && ctx.now - o.lastCommandTs < ctx.timeoutMs) continue; // a command still in transit
      const listed = byId.get(o.clientOrderId) ?? (o.pending ? byId.get(o.pending.clientOrderId) : undefined);
      if (listed && statusReportEffect(o, { ordStatus: listed.status, currentClientOrderId: listed.clientOrderId, cumQty: listed.cumQty }) === null) continue;
      todo.push({ o, listed });
    }
  }
  todo.sort((a, b) => a.o.submitSeq - b.o.submitSeq);
  let queries = 0;
  for (const { o, listed } of todo) {
    const inst = cfg.instrumentById.get(o.instrument)!;
    if (listed) {
      decideStatusAnswer(state, o, listed, { source: 'mass_status', requestId: null, providerTs: msg.ts, clientOrderId: o.clientOrderId, raw: listed }, inst, out, ctx);
    } else if (!o.queryPending) {
      pushRequest(out, ctx, { what: 'order_status', trigger: request.trigger, account, order: { clientOrderId: o.clientOrderId, instrument: o.instrument, commandSeq: o.lastCommandSeq },
        correlationId: o.intentId, causationSeq: seq });
      queries++;
    }
  }
  for (const r of msg.orders) {
    if (state.execution.orders.has(r.clientOrderId)) continue;
    const inst = cfg.instrumentById.get(r.instrument);
    if (inst) unknownListedOrder(state, r, inst, request.requestId, out, ctx);
    else out.push(flagDraft({ ts: ctx.now, account, instrument: null, correlationId: null, causationSeq: seq }, 'BAD_PROVIDER_MESSAGE',
      `mass status lists order ${r.clientOrderId} on instrument "${r.instrument}", which is not configured`, { clientOrderId: r.clientOrderId, instrument: r.instrument }));
  }
  continuePass(state, out, ctx, account, request.trigger, request.requestId, queries);
  return out;
}

/**
 * The answer to one order's status query: the S05 status record (always, it answers the
 * request), an inferred fill when the provider reports more filled than we received, what the
 * operator must see, and the pass's next phase.
 */
export function decideOrderStatusAnswer(state: Readonly<KernelState>, msg: OrderStatusMessage, request: OpenRequest, ctx: DecideContext): { out: DraftList; touched: boolean } {
  const out = new DraftList(ctx.nextSeq);
  const o = state.execution.orders.get(msg.clientOrderId);
  const inst = ctx.cfg.instrumentById.get(msg.instrument) ?? (o ? ctx.cfg.instrumentById.get(o.instrument) : undefined);
  let touched = false;
  if (!o || !inst) {
    out.push({ ts: ctx.now, type: 'S05.provider', account: msg.account, instrument: null, correlationId: null, causationSeq: request.seq,
      payload: { kind: 'malformed', reason: `status answer ${request.requestId} names order ${msg.clientOrderId} on "${msg.instrument}", which we do not know`, raw: msg.raw } });
  } else {
    const before = out.drafts.length;
    decideStatusAnswer(state, o, msg.order, { source: 'query', requestId: request.requestId, providerTs: msg.ts, clientOrderId: msg.clientOrderId, raw: msg.raw }, inst, out, ctx);
    // Within a pass the pass's own positions phase checks the pair; an in-flight query is checked on its own.
    touched = request.trigger === 'in_flight_timeout' && (out.drafts.slice(before).some((d) => d.type === 'S05.provider' && (d.payload.kind === 'fill' || d.payload.kind === 'partial_fill'))
      || (msg.order !== null && msg.order.status !== 'new' && msg.order.status !== 'partially_filled'));
  }
  continuePass(state, out, ctx, request.account, request.trigger, request.requestId, 0);
  return { out, touched };
}
