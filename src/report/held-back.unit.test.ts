import { describe, expect, it } from 'vitest';
import { base, journal } from '../../test/support/records.js';
import type { TradingState } from '../domain/types.js';
import { formatDuration, heavilyRestricted, HeldBackFold } from './held-back.js';

const T = 1_767_571_200_000;
const H = 3_600_000;

function given() {
  const j = journal();
  const state = (ts: number, instrument: string, from: TradingState, to: TradingState, incidentId: string | null = null) =>
    j.seal({ ...base(instrument, null), ts, type: 'S07.operator', payload: { kind: 'trading_state_changed', from, to, actor: 'system:reconciliation', reason: 'drift', incidentId } });
  const incident = (ts: number, instrument: string, id: string, code = 'POSITION_DRIFT') =>
    j.seal({ ...base(instrument, null), ts, type: 'S07.operator', payload: { kind: 'incident_opened', incidentId: id, code, severity: 'critical', message: 'm', details: {} } });
  const risk = (ts: number, decision: 'accepted' | 'rejected', ruleId: 'ALL' | 'TRADING_STATE' | 'MAX_POSITION') =>
    j.seal({ ...base('FIX-ALPHA'), ts, type: 'S03.risk', payload: {
      kind: 'risk_decision', decision, ruleId, reason: '', limit: '', observed: '', checks: [],
      order: { clientOrderId: `c-${ts}`, action: 'submit', origClientOrderId: null, side: 'buy', type: 'market', timeInForce: 'DAY', quantity: '1', limitPrice: null, referencePrice: '1.00' },
    } });
  return { j, state, incident, risk };
}

describe('what held a run back', () => {
  it('folds trading-state changes into the share of the run each instrument was restricted, clipped to the run', () => {
    // Given a 100-hour run: ALPHA reducing from hour 10 to 60 and again from 90 to the end; BRAVO halted from the start (configured) to hour 5
    const g = given();
    g.incident(T + 10 * H, 'FIX-ALPHA', 'INC-1');
    g.state(T + 10 * H, 'FIX-ALPHA', 'active', 'reducing', 'INC-1');
    g.j.seal({ ...base('FIX-ALPHA', null), ts: T + 60 * H, type: 'S07.operator', payload: { kind: 'incident_acknowledged', incidentId: 'INC-1', actor: 'ana', reason: 'ok' } });
    g.state(T + 60 * H, 'FIX-ALPHA', 'reducing', 'active', 'INC-1');
    g.incident(T + 90 * H, 'FIX-ALPHA', 'INC-2');
    g.state(T + 90 * H, 'FIX-ALPHA', 'active', 'reducing', 'INC-2');
    g.state(T + 5 * H, 'FIX-BRAVO', 'halted', 'active');
    g.risk(T + 20 * H, 'rejected', 'TRADING_STATE'); g.risk(T + 21 * H, 'rejected', 'TRADING_STATE'); g.risk(T + 22 * H, 'accepted', 'ALL'); g.risk(T + 23 * H, 'rejected', 'MAX_POSITION');
    const fold = new HeldBackFold(new Map<string, TradingState>([['FIX-ALPHA', 'active'], ['FIX-BRAVO', 'halted'], ['FIX-DELTA', 'active']]));
    for (const r of g.j.records()) fold.add(r);
    // When the run spans 100 hours
    const h = fold.result(T, T + 100 * H);
    // Then
    expect(h.instruments).toEqual([
      { instrument: 'FIX-ALPHA', endState: 'reducing', restrictedMs: 60 * H, restrictedPct: 60, reducingMs: 60 * H, haltedMs: 0, changes: 3 },
      { instrument: 'FIX-BRAVO', endState: 'active', restrictedMs: 5 * H, restrictedPct: 5, reducingMs: 0, haltedMs: 5 * H, changes: 1 },
    ]);
    expect(heavilyRestricted(h).map((i) => i.instrument)).toEqual(['FIX-ALPHA']); // 5% is not more than 5%
    expect(h.openIncidents).toEqual([{ code: 'POSITION_DRIFT', open: 1, acknowledged: 1, instruments: ['FIX-ALPHA'], oldestTs: T + 10 * H }]);
    expect(h.riskDecisions).toEqual({ total: 4, rejected: 3, byRule: { TRADING_STATE: 2, MAX_POSITION: 1 } });
    expect(h.killSwitch).toEqual({ engagedAtEnd: false, engagedMs: 0, engagedPct: 0 });
  });

  it('counts the kill switch, and a restriction before the first bar only from the first bar', () => {
    const g = given();
    g.state(T - 10 * H, 'FIX-ALPHA', 'active', 'reducing');
    g.j.seal({ ...base('FIX-ALPHA', null), instrument: null, ts: T + 50 * H, type: 'S07.operator', payload: { kind: 'kill_switch', engaged: true, actor: 'ana', reason: 'r' } });
    const fold = new HeldBackFold();
    for (const r of g.j.records()) fold.add(r);
    const h = fold.result(T, T + 100 * H);
    expect(h.instruments[0]).toMatchObject({ instrument: 'FIX-ALPHA', restrictedPct: 100, reducingMs: 100 * H });
    expect(h.killSwitch).toEqual({ engagedAtEnd: true, engagedMs: 50 * H, engagedPct: 50 });
    expect(h.openIncidents).toEqual([]);
  });

  it('formats durations for the summary lines', () => {
    expect([formatDuration(93_600_000), formatDuration(3 * H + 12 * 60_000), formatDuration(45_000), formatDuration(125_000)]).toEqual(['1d 2h', '3h 12m', '45s', '2m 5s']);
  });
});
