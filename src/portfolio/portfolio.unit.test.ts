import { describe, expect, it } from 'vitest';
import { ALPHA, base, journal } from '../../test/support/records.js';
import type { Draft } from '../records/records.js';
import { decidePortfolio, evolvePortfolio, initialPortfolioState } from './portfolio.js';

const intent = (intentId: string, strategyId: string, quantity: string, mode: 'target' | 'delta' = 'target'): Draft<'S01.intent'> => ({
  ...base(ALPHA.id, intentId), type: 'S01.intent',
  payload: { kind: 'intent', intentId, strategyId, mode, quantity, signal: {}, bar: null },
});

/** Given intents folded in order, When the last one arrives, Then the S02 decided (or null). */
function run(...intents: Draft<'S01.intent'>[]) {
  const j = journal();
  const state = initialPortfolioState();
  let decided = null;
  for (const d of intents) {
    const rec = j.seal(d);
    evolvePortfolio(state, rec, ALPHA);
    decided = decidePortfolio(state, rec as never, ALPHA);
    if (decided) evolvePortfolio(state, j.seal(decided), ALPHA);
  }
  return { state, decided };
}

describe('B01 portfolio', () => {
  it('Given no targets, When a strategy targets +2, Then desired +2 with that intent as contribution', () => {
    const { decided } = run(intent('fixture-intent-017', 'seed', '2'));
    expect(decided?.type).toBe('S02.desired');
    expect(decided?.payload).toEqual({
      kind: 'desired_position', desired: '+2', previous: '0',
      contributions: [{ strategyId: 'seed', intentId: 'fixture-intent-017', target: '+2' }],
    });
    expect(decided?.correlationId).toBe('fixture-intent-017');
  });

  it('nets several strategies on one instrument and lists every contributing intent', () => {
    const { decided } = run(intent('i-1', 'trend', '200'), intent('i-2', 'revert', '-150'), intent('i-3', 'trend', '-200'));
    expect(decided?.payload.desired).toBe('-350');
    expect(decided?.payload.previous).toBe('+50');
    expect(decided?.payload.contributions).toEqual([
      { strategyId: 'trend', intentId: 'i-3', target: '-200' },
      { strategyId: 'revert', intentId: 'i-2', target: '-150' },
    ]);
  });

  it('emits nothing when the net does not change (offsetting targets)', () => {
    const { decided, state } = run(intent('i-1', 'a', '100'), intent('i-2', 'b', '-100'), intent('i-3', 'a', '100'));
    expect(decided).toBeNull();
    expect([...state.positions.values()][0]?.desired).toBe(0);
  });

  it('applies delta intents exactly once on top of the strategy target', () => {
    const { decided } = run(intent('i-1', 'a', '100'), intent('i-2', 'a', '25', 'delta'));
    expect(decided?.payload.desired).toBe('+125');
  });
});
