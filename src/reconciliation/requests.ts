/**
 * Reconciliation as request -> response (B04). A pass journals its request (S06 `request`) and
 * completes when the answer arrives, or times out as an incident. A pass is ordered: the mass
 * order status first (and a status query for every order it does not list), then positions — so
 * fills a status report reveals are inferred before positions are compared.
 *
 * The provider link: a link-down opens one PROVIDER_UNREACHABLE incident per outage and pauses
 * routing; a link-up flags PROVIDER_RECONNECTED and starts the recovery pass (mass status, then
 * positions, per account); routing resumes only when it has answered. A live session starts
 * paused the same way, until its startup pass has answered.
 */
import type { Instrument } from '../domain/types.js';
import { DraftList, type DecideContext } from '../domain/decider.js';
import type { KernelState } from '../engine/kernel-state.js';
import { stuckId, stuckInFlightIncident } from '../execution/provider-events.js';
import type { LinkMessage, SendFailedMessage } from '../provider/gateway.js';
import type { ReconTrigger, RequestWhat } from '../records/records.js';
import { passKey, type OpenRequest } from './provider-state.js';
import { flagDraft, incidentDraft } from '../operator/drafts.js';

export interface RequestSpec {
  readonly what: RequestWhat;
  readonly trigger: ReconTrigger;
  readonly account: string;
  /** positions: the instruments to check on the answer (null = every configured one). */
  readonly instruments?: readonly string[] | null;
  /** order_status: the order, its instrument and the command asked about. */
  readonly order?: { readonly clientOrderId: string; readonly instrument: string; readonly commandSeq: number };
  readonly correlationId?: string | null;
  readonly causationSeq?: number | null;
}

/**
 * Appends an S06 request; returns its request id (derived from its seq).
 *
 * @example
 * pushRequest(out, ctx, { what: 'positions', trigger: 'provider_event', account: 'A1', instruments: ['FIX-ALPHA'] }) // 'R812'
 */
export function pushRequest(out: DraftList, ctx: DecideContext, spec: RequestSpec): string {
  const requestId = ctx.requestIdAt(out.nextSeq);
  const instruments = spec.instruments ?? null;
  out.push({
    ts: ctx.now, type: 'S06.reconciliation', account: spec.account,
    instrument: spec.order?.instrument ?? (instruments !== null && instruments.length === 1 ? instruments[0]! : null),
    correlationId: spec.correlationId ?? null, causationSeq: spec.causationSeq ?? null,
    payload: {
      kind: 'request', requestId, what: spec.what, trigger: spec.trigger, instruments,
      clientOrderId: spec.order?.clientOrderId ?? null, commandSeq: spec.order?.commandSeq ?? null, timeoutMs: ctx.timeoutMs,
    },
  });
  return requestId;
}

/** Starts a pass for every account: the mass order status first. */
export function startPass(state: Readonly<KernelState>, out: DraftList, ctx: DecideContext, trigger: ReconTrigger): void {
  for (const a of ctx.cfg.accounts) {
    if (state.provider.passes.has(passKey(a.id, trigger))) continue; // still running: never pile passes up
    pushRequest(out, ctx, { what: 'mass_status', trigger, account: a.id });
  }
}

/**
 * After an order-level answer of a pass: once no mass status or status query of the pass is
 * open, ask for positions. `closing` is the request just answered (still open in `state`).
 */
export function continuePass(state: Readonly<KernelState>, out: DraftList, ctx: DecideContext, account: string, trigger: ReconTrigger, closing: string | null, issuedQueries: number): void {
  if (trigger === 'provider_event' || trigger === 'in_flight_timeout') return;
  if (state.provider.passes.get(passKey(account, trigger)) !== 'orders') return;
  let open = issuedQueries;
  for (const r of state.provider.requests.values()) {
    if (r.requestId !== closing && r.account === account && r.trigger === trigger && (r.what === 'order_status' || r.what === 'mass_status')) open++;
  }
  if (open === 0) pushRequest(out, ctx, { what: 'positions', trigger, account });
}

// ------------------------------------------------------------------ the link

/**
 * A link message: the S05 record, and on the first down of an outage the incident and the routing
 * pause; on up, the reconnect flag and the recovery pass.
 *
 * @example
 * // Given the link up and routing active; When the session drops
 * decideLink(state, { type: 'link', state: 'down', ... }, ctx) // -> [S05 link down, S07 incident PROVIDER_UNREACHABLE, S07 routing paused]
 */
export function decideLink(state: Readonly<KernelState>, m: LinkMessage, ctx: DecideContext): DraftList {
  const out = new DraftList(ctx.nextSeq);
  const base = { ts: ctx.now, account: '*', instrument: null, correlationId: null, causationSeq: null };
  const seq = out.push({ ...base, type: 'S05.provider', payload: { kind: 'link', state: m.state, reason: m.reason, raw: m.raw } });
  if (m.state === 'down') {
    openOutage(state, out, { ...base, causationSeq: seq }, `provider link down: ${m.reason}`, 'link');
    return out;
  }
  const p = state.provider;
  if (p.outage !== null) {
    out.push(flagDraft({ ...base, causationSeq: seq }, 'PROVIDER_RECONNECTED',
      `provider reachable again after ${ctx.now - p.outage.since} ms (${p.outage.incidentId}); reconciling by mass order status and positions before any order`,
      { incidentId: p.outage.incidentId, downSinceTs: p.outage.since, downMs: ctx.now - p.outage.since }));
  }
  if (p.routing === 'paused') startPass(state, out, ctx, p.pausedFor === 'startup' ? 'startup' : 'reconnect');
  return out;
}

/** A command that could not be sent: the S05 record; the outage opens if it was not known yet. */
export function decideSendFailed(state: Readonly<KernelState>, m: SendFailedMessage, clientOrderId: string | null, command: string, instrument: string | null, ctx: DecideContext): DraftList {
  const out = new DraftList(ctx.nextSeq);
  const order = clientOrderId === null ? undefined : state.execution.orders.get(clientOrderId);
  const base = { ts: ctx.now, account: m.account, instrument, correlationId: order?.intentId ?? null, causationSeq: order?.lastCommandSeq ?? null };
  // The outage this failure belongs to: the open one, or the one this failure opens (right after its S05).
  const outage = state.provider.outage?.incidentId ?? `INC-${out.nextSeq + 1}-PROVIDER_UNREACHABLE`;
  const seq = out.push({ ...base, type: 'S05.provider', payload: { kind: 'send_failed', requestId: m.requestId, clientOrderId, command, reason: m.reason, incidentId: outage, raw: m.raw } });
  if (state.provider.outage === null) openOutage(state, out, { ...base, causationSeq: seq }, m.reason, command);
  return out;
}

function openOutage(state: Readonly<KernelState>, out: DraftList, base: { ts: number; account: string; instrument: string | null; correlationId: string | null; causationSeq: number | null }, why: string, operation: string): void {
  const p = state.provider;
  let incidentId = p.outage?.incidentId ?? null;
  if (incidentId === null) {
    incidentId = `INC-${out.nextSeq}-PROVIDER_UNREACHABLE`;
    out.push(incidentDraft({ ...base, account: '*', instrument: null }, incidentId, 'PROVIDER_UNREACHABLE', `${why}; routing paused, commands sent stay in flight`, { operation, error: why }));
  }
  if (p.routing === 'active' || p.pausedFor !== 'outage') {
    out.push({ ...base, account: '*', instrument: null, type: 'S07.operator', payload: { kind: 'routing', state: 'paused', reason: `provider unreachable (${incidentId})`, incidentId } });
  }
}

/** True when routing is paused, the link is up and the recovery pass has answered in full. */
export function recoveryDone(state: Readonly<KernelState>): boolean {
  const p = state.provider;
  if (p.routing !== 'paused' || p.link !== 'up' || !p.recoveryRequested) return false;
  for (const k of p.passes.keys()) if (k.endsWith('|startup') || k.endsWith('|reconnect')) return false;
  for (const r of p.requests.values()) if (r.trigger === 'startup' || r.trigger === 'reconnect') return false;
  return true;
}

// ------------------------------------------------------------------ time

export interface TimerView {
  /** Event time of the first bar (anchor of the interval schedule before the first pass). */
  readonly firstBarTs: number | null;
  /** Whether the interval reconciliation runs on this input (bars and timers: yes). */
  readonly interval: boolean;
}

/**
 * What time passing decides: requests past their timeout become incidents (recovery requests are
 * asked again); commands without a definitive answer past the timeout are queried (or, while the
 * provider is unreachable, become ORDER_STUCK_IN_FLIGHT once); a paused session with the link up
 * starts its recovery; the interval pass starts when due.
 *
 * @example
 * // Given a submit sent 31 s ago with no answer and the link up; When a timer fires
 * decideTimers(state, { firstBarTs, interval: true }, ctx) // -> [S06 request order_status]
 */
export function decideTimers(state: Readonly<KernelState>, view: TimerView, ctx: DecideContext): DraftList {
  const out = new DraftList(ctx.nextSeq);
  const p = state.provider;
  const now = ctx.now;
  let expired: OpenRequest[] | null = null;
  for (const r of p.requests.values()) if (now - r.ts >= r.timeoutMs) (expired ??= []).push(r);
  if (expired !== null) for (const r of expired) timeOut(state, r, out, ctx);

  // Commands without an answer past the timeout: ask the provider what it knows.
  const linkUp = p.link === 'up' && p.outage === null;
  for (const pos of state.execution.positions.values()) {
    for (const o of pos.open) {
      if (o.status !== 'pending_new' && o.status !== 'pending_cancel' && o.status !== 'pending_replace') continue;
      if (now - o.lastCommandTs < ctx.timeoutMs || o.queryPending || o.queriedCommandSeq === o.lastCommandSeq) continue;
      const base = { ts: now, account: o.account, instrument: o.instrument, correlationId: o.intentId, causationSeq: o.lastCommandSeq };
      if (linkUp) {
        pushRequest(out, ctx, { what: 'order_status', trigger: 'in_flight_timeout', account: o.account, order: { clientOrderId: o.clientOrderId, instrument: o.instrument, commandSeq: o.lastCommandSeq },
          correlationId: o.intentId, causationSeq: o.lastCommandSeq });
      } else if (!state.incidents.incidents.has(stuckId(o.clientOrderId)) && !out.drafts.some((d) => d.type === 'S07.operator' && d.payload.kind === 'incident_opened' && d.payload.incidentId === stuckId(o.clientOrderId))) {
        out.push(stuckInFlightIncident(base, o.clientOrderId,
          `order ${o.clientOrderId} (${o.status}) has no answer after ${now - o.lastCommandTs} ms and the provider is unreachable${p.outage ? ` (${p.outage.incidentId})` : ''}; it stays in flight`, null));
      }
    }
  }

  if (p.routing === 'paused' && p.link === 'up' && !p.recoveryRequested && !out.drafts.some(isRecoveryRequest)) {
    startPass(state, out, ctx, p.pausedFor === 'startup' ? 'startup' : 'reconnect');
  }
  if (view.interval && linkUp) {
    const anchor = p.lastIntervalTs ?? view.firstBarTs;
    if (anchor !== null && now >= anchor + ctx.cfg.raw.reconciliation.intervalMs) startPass(state, out, ctx, 'interval');
  }
  return out;
}

const isRecoveryRequest = (d: DraftList['drafts'][number]): boolean =>
  d.type === 'S06.reconciliation' && d.payload.kind === 'request' && (d.payload.trigger === 'startup' || d.payload.trigger === 'reconnect');

/** A request past its timeout: an incident naming it; recovery passes ask again, interrupted passes continue. */
function timeOut(state: Readonly<KernelState>, r: OpenRequest, out: DraftList, ctx: DecideContext): void {
  const base = { ts: ctx.now, account: r.account, instrument: null as string | null, correlationId: r.correlationId, causationSeq: r.seq };
  if (r.what === 'order_status' && r.clientOrderId !== null) {
    const o = state.execution.orders.get(r.clientOrderId);
    const id = stuckId(r.clientOrderId);
    const msg = `status query ${r.requestId} for ${r.clientOrderId} unanswered after ${ctx.now - r.ts} ms; the order stays in flight`;
    out.push(state.incidents.incidents.has(id)
      ? flagDraft({ ...base, instrument: o?.instrument ?? null }, 'RECONCILIATION_TIMEOUT', msg, { requestId: r.requestId, clientOrderId: r.clientOrderId, what: r.what })
      : stuckInFlightIncident({ ...base, instrument: o?.instrument ?? '*' }, r.clientOrderId, msg, r.requestId));
  } else {
    const id = `INC-${out.nextSeq}-RECONCILIATION_TIMEOUT`;
    out.push(incidentDraft(base, id, 'RECONCILIATION_TIMEOUT', `${r.what} request ${r.requestId} (${r.trigger}) unanswered after ${ctx.now - r.ts} ms`,
      { requestId: r.requestId, what: r.what, trigger: r.trigger }));
  }
  if (r.trigger === 'startup' || r.trigger === 'reconnect') {
    // Never trade on an unknown state: ask again; routing stays paused until an answer arrives.
    pushRequest(out, ctx, { what: r.what, trigger: r.trigger, account: r.account, instruments: r.instruments,
      ...(r.clientOrderId !== null ? { order: { clientOrderId: r.clientOrderId, instrument: state.execution.orders.get(r.clientOrderId)?.instrument ?? '*', commandSeq: state.execution.orders.get(r.clientOrderId)?.lastCommandSeq ?? 0 } } : {}) });
  } else if (r.what === 'order_status') {
    continuePass(state, out, ctx, r.account, r.trigger, r.requestId, 0);
  }
}

/** The instruments of an account a positions answer checks. */
export function instrumentsToCheck(r: OpenRequest, all: readonly Instrument[], byId: ReadonlyMap<string, Instrument>): Instrument[] {
  if (r.instruments === null) return [...all];
  const out: Instrument[] = [];
  for (const id of r.instruments) { const i = byId.get(id); if (i) out.push(i); }
  return out;
}

