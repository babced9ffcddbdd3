/**
 * What the engine knows about its provider beyond orders and positions, as a fold of the journal
 * (B04): the session's link state and the open outage, whether routing is paused and which pairs
 * wait to be re-planned, every request to the provider still waiting for its answer, the
 * reconciliation passes in progress, and when the last interval pass started. A restarted engine,
 * a replay and a console folding the record stream all rebuild exactly this.
 *
 * Fold rules (each from one record kind):
 * - S06 `request`: the request is open (by requestId); a mass_status request starts a pass
 *   (phase "orders"), a positions request of a non-event trigger moves it to phase "positions".
 * - S05 records carrying a requestId (status, mass_status, position_report, send_failed,
 *   request_rejected), an S06 `pass` with a requestId, or an S07 incident whose details name a
 *   requestId (a timeout): the request is closed.
 * - S00 run_started of a live session: the link is unknown and earlier requests are abandoned.
 * - S05 `link`: the link state; down abandons every open request and pass.
 * - S07 incident PROVIDER_UNREACHABLE: the open outage; S07 `routing`: paused / resumed (resume
 *   clears the outage and the deferred pairs); S02 while paused: the pair is deferred.
 * - A startup or reconnect request marks the recovery as requested (cleared by a routing record
 *   or a link-down).
 */
import { positionKey } from '../domain/types.js';
import type { JournalRecord, ReconTrigger, RequestWhat } from '../records/records.js';

export interface OpenRequest {
  readonly requestId: string;
  readonly what: RequestWhat;
  readonly trigger: ReconTrigger;
  readonly account: string;
  readonly instruments: readonly string[] | null;
  readonly clientOrderId: string | null;
  readonly ts: number;
  readonly timeoutMs: number;
  readonly seq: number;
  readonly correlationId: string | null;
}

export interface DeferredPair {
  readonly account: string;
  readonly instrument: string;
  readonly intentId: string;
  readonly causationSeq: number;
}

export interface ProviderState {
  /** 'unknown' until the first link message of a live session (a replay starts 'up'). */
  link: 'up' | 'down' | 'unknown';
  /** The open PROVIDER_UNREACHABLE incident and since when. */
  outage: { readonly incidentId: string; readonly since: number } | null;
  routing: 'active' | 'paused';
  /** Why routing is paused: until the startup or reconnect reconciliation has answered. */
  pausedFor: 'startup' | 'outage' | null;
  /** Requests not yet answered, by requestId (insertion order = journal order). */
  readonly requests: Map<string, OpenRequest>;
  /** Passes in progress by `account|trigger`: mass status and its order queries first, then positions. */
  readonly passes: Map<string, 'orders' | 'positions'>;
  /** Pairs whose desired position changed while routing was paused: re-planned on resume. */
  readonly deferred: Map<string, DeferredPair>;
  /** Event time the last interval pass started (null before the first). */
  lastIntervalTs: number | null;
  /** The startup / reconnect reconciliation was requested since routing paused (cleared on resume and on link down). */
  recoveryRequested: boolean;
  /** The end-of-run reconciliation was requested. */
  finishing: boolean;
}

export function initialProviderState(link: ProviderState['link'] = 'up'): ProviderState {
  return { link, outage: null, routing: 'active', pausedFor: null, requests: new Map(), passes: new Map(), deferred: new Map(), lastIntervalTs: null, recoveryRequested: false, finishing: false };
}

export const passKey = (account: string, trigger: ReconTrigger): string => account + '|' + trigger;

/** Folds one record into the provider state (in place; returns it). */
export function evolveProvider(state: ProviderState, record: JournalRecord): ProviderState {
  switch (record.type) {
    case 'S00.run': {
      // A live session starts with a new provider session: the link is unknown until the gateway
      // says so, and nothing asked in an earlier session will be answered.
      if (record.payload.kind === 'run_started' && record.payload.mode === 'live') {
        state.link = 'unknown';
        state.requests.clear();
        state.passes.clear();
        state.recoveryRequested = false;
      }
      return state;
    }
    case 'S06.reconciliation': {
      const p = record.payload;
      if (p.kind === 'request') {
        state.requests.set(p.requestId, {
          requestId: p.requestId, what: p.what, trigger: p.trigger, account: record.account, instruments: p.instruments,
          clientOrderId: p.clientOrderId, ts: record.ts, timeoutMs: p.timeoutMs, seq: record.seq, correlationId: record.correlationId,
        });
        if (p.trigger !== 'provider_event' && p.trigger !== 'in_flight_timeout') {
          if (p.what === 'mass_status') state.passes.set(passKey(record.account, p.trigger), 'orders');
          else if (p.what === 'positions') state.passes.set(passKey(record.account, p.trigger), 'positions');
        }
        if (p.trigger === 'interval' && p.what === 'mass_status') state.lastIntervalTs = record.ts;
        if (p.trigger === 'startup' || p.trigger === 'reconnect') state.recoveryRequested = true;
        if (p.trigger === 'end_of_run') state.finishing = true;
      } else if (p.kind === 'pass' && p.requestId !== null) {
        closeRequest(state, p.requestId);
      }
      return state;
    }
    case 'S05.provider': {
      const p = record.payload;
      if (p.kind === 'link') {
        state.link = p.state;
        if (p.state === 'down') { state.requests.clear(); state.passes.clear(); state.recoveryRequested = false; }
        return state;
      }
      if ((p.kind === 'status' || p.kind === 'position_report') && p.requestId !== null) closeRequest(state, p.requestId);
      else if (p.kind === 'mass_status' || p.kind === 'send_failed' || p.kind === 'request_rejected') closeRequest(state, p.requestId);
      return state;
    }
    case 'S07.operator': {
      const p = record.payload;
      if (p.kind === 'incident_opened') {
        if (p.code === 'PROVIDER_UNREACHABLE') state.outage = { incidentId: p.incidentId, since: record.ts };
        if (typeof p.details.requestId === 'string') closeRequest(state, p.details.requestId);
      } else if (p.kind === 'routing') {
        state.recoveryRequested = false;
        if (p.state === 'paused') {
          state.routing = 'paused';
          state.pausedFor = p.incidentId === null ? 'startup' : 'outage';
        } else {
          state.routing = 'active';
          state.pausedFor = null;
          state.outage = null;
          state.deferred.clear();
        }
      }
      return state;
    }
    case 'S02.desired': {
      if (state.routing === 'paused' && record.instrument !== null && record.correlationId !== null) {
        state.deferred.set(positionKey(record.account, record.instrument), { account: record.account, instrument: record.instrument, intentId: record.correlationId, causationSeq: record.seq });
      }
      return state;
    }
    default:
      return state;
  }
}

function closeRequest(state: ProviderState, requestId: string): void {
  const r = state.requests.get(requestId);
  if (r === undefined) return;
  state.requests.delete(requestId);
  if (r.what === 'positions' && r.trigger !== 'provider_event' && r.trigger !== 'in_flight_timeout') state.passes.delete(passKey(r.account, r.trigger));
}

/** Open requests of one pass (account, trigger) of a kind. */
export function openRequestsOf(state: ProviderState, account: string, trigger: ReconTrigger, what: RequestWhat): number {
  let n = 0;
  for (const r of state.requests.values()) if (r.account === account && r.trigger === trigger && r.what === what) n++;
  return n;
}
