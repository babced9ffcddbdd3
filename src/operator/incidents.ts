/**
 * Incident lifecycle (S07): open -> acknowledged -> resolved, every step a journaled record with
 * actor and reason. The recovery rule restricts an instrument's trading state for an incident
 * (a `trading_state_changed` record naming it, or `details.restricts` on the incident when the
 * instrument was already at least that strict); acknowledging the incident releases the
 * restriction — to the strictest state still needed by the instrument's other unacknowledged
 * incidents, else to the state before the first restriction.
 */
import type { Draft, JournalRecord, Severity } from '../records/records.js';
import { TRADING_STATES, type TradingState } from '../domain/types.js';

export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';

export interface Incident {
  readonly incidentId: string;
  readonly code: string;
  readonly severity: Severity;
  readonly account: string;
  readonly instrument: string | null;
  readonly correlationId: string | null;
  readonly openedSeq: number;
  readonly openedTs: number;
  readonly message: string;
  status: IncidentStatus;
  /** Trading state the recovery rule set for this incident, released on acknowledgement. */
  restrictedTo: TradingState | null;
  history: { seq: number; ts: number; status: IncidentStatus; actor: string; reason: string }[];
}

export interface IncidentState {
  readonly incidents: Map<string, Incident>;
  /** Per instrument: the trading state before the first incident restricted it. */
  readonly baseline: Map<string, TradingState>;
}

export const initialIncidentState = (): IncidentState => ({ incidents: new Map(), baseline: new Map() });

const RANK: Readonly<Record<TradingState, number>> = { active: 0, reducing: 1, halted: 2 };
const isTradingState = (v: unknown): v is TradingState => typeof v === 'string' && (TRADING_STATES as readonly string[]).includes(v);

/** Unacknowledged incidents on `instrument` that restrict it, except `exceptId`. */
function restrictingOthers(state: IncidentState, instrument: string, exceptId: string): Incident[] {
  const out: Incident[] = [];
  for (const inc of state.incidents.values()) {
    if (inc.incidentId !== exceptId && inc.instrument === instrument && inc.status === 'open' && inc.restrictedTo) out.push(inc);
  }
  return out;
}

export function evolveIncidents(state: IncidentState, record: JournalRecord): IncidentState {
  if (record.type !== 'S07.operator') return state;
  const p = record.payload;
  if (p.kind === 'incident_opened') {
    // An id is opened once: a repeated opening never resets an incident the operator already handled.
    if (state.incidents.has(p.incidentId)) return state;
    const restricts = p.details.restricts;
    state.incidents.set(p.incidentId, {
      incidentId: p.incidentId, code: p.code, severity: p.severity, account: record.account, instrument: record.instrument,
      correlationId: record.correlationId, openedSeq: record.seq, openedTs: record.ts, message: p.message,
      status: 'open', restrictedTo: isTradingState(restricts) ? restricts : null,
      history: [{ seq: record.seq, ts: record.ts, status: 'open', actor: 'system', reason: p.message }],
    });
  } else if (p.kind === 'trading_state_changed' && p.incidentId) {
    const inc = state.incidents.get(p.incidentId);
    if (inc && inc.status === 'open' && record.instrument && RANK[p.to] > RANK[p.from]) {
      if (restrictingOthers(state, record.instrument, inc.incidentId).length === 0 && !state.baseline.has(record.instrument)) {
        state.baseline.set(record.instrument, p.from);
      }
      inc.restrictedTo = p.to;
    } else if (record.instrument && restrictingOthers(state, record.instrument, p.incidentId).length === 0) {
      state.baseline.delete(record.instrument); // released: the next restriction records its own baseline
    }
  } else if (p.kind === 'incident_acknowledged' || p.kind === 'incident_resolved') {
    const inc = state.incidents.get(p.incidentId);
    if (inc) {
      inc.status = p.kind === 'incident_acknowledged' ? 'acknowledged' : 'resolved';
      inc.history.push({ seq: record.seq, ts: record.ts, status: inc.status, actor: p.actor, reason: p.reason });
    }
  }
  return state;
}

export type IncidentCommand = { readonly action: 'ack' | 'resolve'; readonly incidentId: string; readonly actor: string; readonly reason: string; readonly ts: number };

export type IncidentDecision = { readonly ok: true; readonly records: readonly Draft<'S07.operator'>[] } | { readonly ok: false; readonly error: string };

/**
 * Operator acknowledges or resolves an incident. Acknowledging releases a trading state the
 * recovery rule set for it (to what the instrument's other unacknowledged incidents still need,
 * else its state before the restriction); resolving an open incident acknowledges it first.
 *
 * @example
 * decideIncident(state, { action: 'ack', incidentId: 'INC-42-POSITION_DRIFT', actor: 'ana', reason: 'checked at venue', ts }, () => 'reducing')
 */
export function decideIncident(state: IncidentState, cmd: IncidentCommand, tradingStateOf: (instrument: string) => TradingState): IncidentDecision {
  const inc = state.incidents.get(cmd.incidentId);
  if (!inc) return { ok: false, error: `unknown incident "${cmd.incidentId}"` };
  if (!cmd.actor.trim()) return { ok: false, error: 'an actor is required' };
  if (!cmd.reason.trim()) return { ok: false, error: 'a reason is required' };
  if (inc.status === 'resolved') return { ok: false, error: `incident ${cmd.incidentId} is already resolved` };
  if (cmd.action === 'ack' && inc.status === 'acknowledged') return { ok: false, error: `incident ${cmd.incidentId} is already acknowledged` };
  const base = { ts: cmd.ts, type: 'S07.operator' as const, account: inc.account, instrument: inc.instrument, correlationId: inc.correlationId, causationSeq: inc.openedSeq };
  const out: Draft<'S07.operator'>[] = [];
  if (inc.status === 'open') {
    out.push({ ...base, payload: { kind: 'incident_acknowledged', incidentId: inc.incidentId, actor: cmd.actor, reason: cmd.reason } });
    const release = releaseTarget(state, inc, tradingStateOf);
    if (release) {
      out.push({ ...base, payload: { kind: 'trading_state_changed', from: release.from, to: release.to, actor: cmd.actor, reason: `released on acknowledgement of ${inc.incidentId}: ${cmd.reason}`, incidentId: inc.incidentId } });
    }
  }
  if (cmd.action === 'resolve') out.push({ ...base, payload: { kind: 'incident_resolved', incidentId: inc.incidentId, actor: cmd.actor, reason: cmd.reason } });
  return { ok: true, records: out };
}

/** The trading-state change acknowledging `inc` releases, or null when nothing is released. */
function releaseTarget(state: IncidentState, inc: Incident, tradingStateOf: (instrument: string) => TradingState): { from: TradingState; to: TradingState } | null {
  if (!inc.restrictedTo || !inc.instrument) return null;
  const baseline = state.baseline.get(inc.instrument);
  if (baseline === undefined) return null; // the recovery rule never changed this instrument's state
  let to: TradingState = baseline;
  for (const other of restrictingOthers(state, inc.instrument, inc.incidentId)) if (RANK[other.restrictedTo!] > RANK[to]) to = other.restrictedTo!;
  const from = tradingStateOf(inc.instrument);
  return RANK[from] > RANK[to] ? { from, to } : null;
}
