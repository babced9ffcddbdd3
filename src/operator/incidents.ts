/**
 * Incident lifecycle (S07): open -> acknowledged -> resolved, every step a journaled record with
 * actor and reason. Acknowledging an incident that moved an instrument's trading state releases
 * it back to active (the recovery rule's "until an operator acknowledges").
 */
import type { Draft, JournalRecord, Severity } from '../records/records.js';
import type { TradingState } from '../domain/types.js';

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
}

export const initialIncidentState = (): IncidentState => ({ incidents: new Map() });

export function evolveIncidents(state: IncidentState, record: JournalRecord): IncidentState {
  if (record.type !== 'S07.operator') return state;
  const p = record.payload;
  if (p.kind === 'incident_opened') {
    state.incidents.set(p.incidentId, {
      incidentId: p.incidentId, code: p.code, severity: p.severity, account: record.account, instrument: record.instrument,
      correlationId: record.correlationId, openedSeq: record.seq, openedTs: record.ts, message: p.message,
      status: 'open', restrictedTo: null, history: [{ seq: record.seq, ts: record.ts, status: 'open', actor: 'system', reason: p.message }],
    });
  } else if (p.kind === 'trading_state_changed' && p.incidentId) {
    const inc = state.incidents.get(p.incidentId);
    if (inc) inc.restrictedTo = p.to;
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
 * recovery rule set for it; resolving an open incident acknowledges it first.
 *
 * @example
 * decideIncident(state, { action: 'ack', incidentId: 'INC-42-POSITION_DRIFT', actor: 'ana', reason: 'checked at venue', ts }, () => 'reducing')
 */
export function decideIncident(state: IncidentState, cmd: IncidentCommand, tradingStateOf: (instrument: string) => TradingState): IncidentDecision {
  const inc = state.incidents.get(cmd.incidentId);
  if (!inc) return { ok: false, error: `unknown incident "${cmd.incidentId}"` };
  if (!cmd.reason.trim()) return { ok: false, error: 'a reason is required' };
  if (inc.status === 'resolved') return { ok: false, error: `incident ${cmd.incidentId} is already resolved` };
  if (cmd.action === 'ack' && inc.status === 'acknowledged') return { ok: false, error: `incident ${cmd.incidentId} is already acknowledged` };
  const base = { ts: cmd.ts, type: 'S07.operator' as const, account: inc.account, instrument: inc.instrument, correlationId: inc.correlationId, causationSeq: inc.openedSeq };
  const out: Draft<'S07.operator'>[] = [];
  if (inc.status === 'open') {
    out.push({ ...base, payload: { kind: 'incident_acknowledged', incidentId: inc.incidentId, actor: cmd.actor, reason: cmd.reason } });
    if (inc.restrictedTo && inc.instrument) {
      const current = tradingStateOf(inc.instrument);
      if (current === inc.restrictedTo) {
        out.push({ ...base, payload: { kind: 'trading_state_changed', from: current, to: 'active', actor: cmd.actor, reason: `released on acknowledgement of ${inc.incidentId}: ${cmd.reason}`, incidentId: inc.incidentId } });
      }
    }
  }
  if (cmd.action === 'resolve') out.push({ ...base, payload: { kind: 'incident_resolved', incidentId: inc.incidentId, actor: cmd.actor, reason: cmd.reason } });
  return { ok: true, records: out };
}
