import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ALPHA, ACCOUNT, journal } from '../../test/support/records.js';
import type { JournalRecord, ReconClassification } from '../records/records.js';
import { classify, decideReconciliation, decideRecovery, evolveRecon, initialReconState, isQuietCheck, type ReconInput, type ReconSettings } from './reconciliation.js';

const SETTINGS: ReconSettings = { residualMaxAgeMs: 4 * 3_600_000, onDrift: 'reducing' };
const T0 = 1_767_571_200_000;
const input = (over: Partial<ReconInput>): ReconInput => ({
  ts: T0, account: ACCOUNT, instrument: ALPHA, trigger: 'provider_event', correlationId: 'fixture-intent-017', causationSeq: 7,
  desired: 0, expected: 0, confirmed: 0, working: 0, ...over,
});

/** Given the state, When a check with these inputs runs, Then the check and its follow-ups. */
function reconcile(state = initialReconState(), i: ReconInput, j = journal()) {
  const prev: ReconClassification = state.positions.get(`${ACCOUNT}|${ALPHA.id}`)?.classification ?? 'IN_SYNC';
  const check = j.seal(decideReconciliation(state, i, SETTINGS)) as JournalRecord<'S06.reconciliation'>;
  const follow = decideRecovery(prev, check, ALPHA, 'active', SETTINGS);
  evolveRecon(state, check);
  return { check, follow, state };
}

describe('B04 reconciliation', () => {
  it('the seed slice: desired +2, partial +1 confirmed, order expired => +1 residual, flag "drift visible for review"', () => {
    const { check, follow } = reconcile(undefined, input({ desired: 2, expected: 1, confirmed: 1, working: 0 }));
    expect(check.payload).toMatchObject({
      kind: 'reconciliation', desired: '+2', expected: '+1', confirmed: '+1', working: '0', residual: '+1', drift: '0', classification: 'RESIDUAL_UNEXPLAINED',
    });
    expect(follow).toHaveLength(1);
    expect(follow[0]).toMatchObject({ type: 'S07.operator', causationSeq: check.seq, payload: { kind: 'flag', code: 'RESIDUAL_UNEXPLAINED', message: 'drift visible for review' } });
  });

  it('a residual covered by working orders is normal (WORKING), and ages into RESIDUAL_AGED past the limit', () => {
    const state = initialReconState();
    expect(reconcile(state, input({ desired: 2, working: 2 })).check.payload).toMatchObject({ classification: 'WORKING', residualSinceTs: T0 });
    const aged = reconcile(state, input({ ts: T0 + SETTINGS.residualMaxAgeMs + 1, desired: 2, working: 2 }));
    expect(aged.check.payload).toMatchObject({ classification: 'RESIDUAL_AGED', residualSinceTs: T0 });
    expect(aged.follow.map((f) => f.payload)).toMatchObject([{ kind: 'flag', code: 'RESIDUAL_UNEXPLAINED' }]);
  });

  it('recovery rule on drift: adjustment with both values, POSITION_DRIFT incident, instrument to reducing', () => {
    const { check, follow } = reconcile(undefined, input({ desired: 5, expected: 5, confirmed: 3 }));
    expect(check.payload).toMatchObject({ classification: 'DRIFT', drift: '+2' });
    expect(follow.map((f) => f.payload)).toEqual([
      { kind: 'adjustment', expectedBefore: '+5', confirmed: '+3', adjustment: '-2', reason: 'provider truth wins: expected set to the provider-confirmed position' },
      expect.objectContaining({ kind: 'incident_opened', code: 'POSITION_DRIFT', incidentId: `INC-${check.seq}-POSITION_DRIFT` }),
      expect.objectContaining({ kind: 'trading_state_changed', from: 'active', to: 'reducing', incidentId: `INC-${check.seq}-POSITION_DRIFT` }),
    ]);
  });

  it('classifies drift before residuals, and over-working as unexplained', () => {
    expect(classify(2, 1, 0, 0, 0, 1)).toBe('DRIFT');
    expect(classify(0, 0, 0, 0, 0, 1)).toBe('IN_SYNC');
    expect(classify(0, 0, 0, 3, 0, 1)).toBe('RESIDUAL_UNEXPLAINED');
  });

  it('property: reconciling twice with the same inputs adds no flag, incident or adjustment the second time', () => {
    const q = fc.integer({ min: -5, max: 5 });
    fc.assert(fc.property(q, q, q, q, (desired, expected, confirmed, working) => {
      const state = initialReconState();
      const i = input({ desired, expected: confirmed, confirmed, working });
      reconcile(state, i);
      const again = reconcile(state, i);
      expect(again.follow).toEqual([]);
      // With drift the adjustment brings expected to confirmed, so the next check has no drift.
      const drifted = reconcile(initialReconState(), input({ desired, expected, confirmed, working }));
      if (expected !== confirmed) expect(drifted.follow[0]?.payload.kind).toBe('adjustment');
      else expect(drifted.follow.some((f) => f.payload.kind === 'adjustment')).toBe(false);
    }));
  });
});

describe('quiet interval checks', () => {
  it('a check identical to the last journaled one is quiet; any changed value or classification is not', () => {
    const state = initialReconState();
    const j = journal();
    const first = input({ trigger: 'interval', desired: 2, expected: 2, confirmed: 2 });
    evolveRecon(state, j.seal(decideReconciliation(state, first, SETTINGS)));
    expect(isQuietCheck(state, decideReconciliation(state, { ...first, ts: T0 + 3_600_000 }, SETTINGS))).toBe(true);
    expect(isQuietCheck(state, decideReconciliation(state, { ...first, desired: 3 }, SETTINGS))).toBe(false);
    expect(isQuietCheck(initialReconState(), decideReconciliation(initialReconState(), first, SETTINGS))).toBe(false);
  });

  it('a residual that ages into RESIDUAL_AGED is never quiet', () => {
    const state = initialReconState();
    const j = journal();
    const working = input({ trigger: 'interval', desired: 2, working: 2 });
    evolveRecon(state, j.seal(decideReconciliation(state, working, SETTINGS)));
    const aged = decideReconciliation(state, { ...working, ts: T0 + SETTINGS.residualMaxAgeMs + 1 }, SETTINGS);
    expect(aged.payload).toMatchObject({ classification: 'RESIDUAL_AGED' });
    expect(isQuietCheck(state, aged)).toBe(false);
  });
});
