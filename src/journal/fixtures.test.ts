/**
 * Test helper (not a test file: vitest runs only *.unit.test.ts / *.int.test.ts, and the build
 * excludes *.test.ts). Deterministic, schema-valid drafts shaped like one intent's chain
 * S01 intent -> S02 desired -> S03 risk -> S04 submit -> S05 ack / partial fill / fill
 * -> S06 reconciliation -> S07 flag, repeated.
 */
import type { AnyDraft } from '../records/records.js';

const CHAIN = 9;

/** Draft number `i` (0-based) of an endless deterministic stream; its seq will be i + 1. */
export function makeDraft(i: number): AnyDraft {
  const chain = Math.floor(i / CHAIN);
  const step = i % CHAIN;
  const intentId = `fixture-intent-${String(chain).padStart(3, '0')}`;
  const clientOrderId = `${intentId}-a1`;
  const base = {
    ts: 1_700_000_000_000 + i * 250,
    account: 'acc-1',
    instrument: chain % 2 === 0 ? 'BTC-USD' : 'ETH-USD',
    correlationId: intentId,
    causationSeq: step === 0 ? null : i, // the previous record in the chain (seq i)
  };
  switch (step) {
    case 0:
      return { ...base, type: 'S01.intent', payload: {
        kind: 'intent', intentId, strategyId: 'sma-cross', mode: 'target', quantity: '+2',
        signal: { fast: 101.25 + chain, slow: 100.5, note: 'cross "up"\nline' }, bar: { line: chain + 2, ts: base.ts, close: '101.50' },
      } };
    case 1:
      return { ...base, type: 'S02.desired', payload: {
        kind: 'desired_position', desired: '+2', previous: '0',
        contributions: [{ strategyId: 'sma-cross', intentId, target: '+2' }],
      } };
    case 2:
      return { ...base, type: 'S03.risk', payload: {
        kind: 'risk_decision', decision: 'accepted', ruleId: 'ALL', reason: 'all checks passed', limit: '', observed: '',
        checks: [{ rule: 'MAX_POSITION', limit: '10', observed: '2', pass: true }],
        order: { clientOrderId, action: 'submit', origClientOrderId: null, side: 'buy', type: 'market', timeInForce: 'DAY', quantity: '2', limitPrice: null, referencePrice: '101.50' },
      } };
    case 3:
      return { ...base, type: 'S04.order', payload: {
        kind: 'submit', clientOrderId, attempt: 1, side: 'buy', type: 'market', timeInForce: 'DAY', quantity: '2', limitPrice: null,
      } };
    case 4:
      return { ...base, type: 'S05.provider', payload: {
        kind: 'ack', execId: 'FX-1', clientOrderId, providerOrderId: `sim-${chain}`, cumQty: '0', leavesQty: '2', reason: null, origClientOrderId: null, raw: { venue: 'sim' },
      } };
    case 5:
      return { ...base, type: 'S05.provider', payload: {
        kind: 'partial_fill', clientOrderId, providerOrderId: `sim-${chain}`, execId: `exec-${chain}-1`, side: 'buy',
        lastQty: '1', lastPrice: '101.55', cumQty: '1', leavesQty: '1', fee: '0.05', raw: { px: 101.55, qty: 1, tag: 'ünïcode ✓' },
      } };
    case 6:
      return { ...base, type: 'S05.provider', payload: {
        kind: 'expired', execId: 'FX-2', clientOrderId, providerOrderId: `sim-${chain}`, cumQty: '1', leavesQty: '0', reason: 'end of day', origClientOrderId: null, raw: null,
      } };
    case 7:
      return { ...base, type: 'S06.reconciliation', payload: {
        kind: 'reconciliation', trigger: 'provider_event', desired: '+2', expected: '+1', confirmed: '+1', working: '0',
        residual: '+1', drift: '0', classification: 'RESIDUAL_UNEXPLAINED', residualSinceTs: base.ts,
      } };
    default:
      return { ...base, type: 'S07.operator', payload: {
        kind: 'flag', code: 'RESIDUAL_UNEXPLAINED', severity: 'warning', message: 'residual +1 against target with no working order',
        details: { residual: '+1', seq: i },
      } };
  }
}

/** Drafts `from` .. `from + n - 1`. */
export function makeDrafts(n: number, from = 0): AnyDraft[] {
  return Array.from({ length: n }, (_, k) => makeDraft(from + k));
}
