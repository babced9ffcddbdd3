import { describe, expect, it } from 'vitest';
import { ALPHA, ACCOUNT, base, journal } from '../../test/support/records.js';
import type { RiskRuleId } from '../records/records.js';
import { decideRisk, evolveRisk, initialRiskState, type RiskLimits, type RiskRequest } from './risk.js';

const LIMITS: RiskLimits = {
  maxPosition: 300, maxOrderQty: 200, maxOrderNotional: 25_000 * 1e6, maxGrossExposure: 50_000 * 1e6,
  orderRate: { maxOrders: 2, windowMs: 60_000 }, priceCollarBps: 100,
};
const T0 = 1_767_571_200_000;
const req = (over: Partial<RiskRequest> = {}): RiskRequest => ({
  ts: T0, account: ACCOUNT, instrument: ALPHA, correlationId: 'intent-001', causationSeq: 2,
  action: 'submit', clientOrderId: 'intent-001.1', origClientOrderId: null, side: 'buy', type: 'market', timeInForce: 'DAY',
  quantity: 100, orderQuantity: 100, limitPrice: null, lastPrice: 10_000, projectedBefore: 0, grossOthers: 0, ...over,
});

describe('B02 risk gate', () => {
  it('Given nothing unusual, When a buy of 100 at 100.00, Then accepted before routing with every check listed', () => {
    const d = decideRisk(initialRiskState(), req(), LIMITS);
    expect(d.type).toBe('S03.risk');
    expect(d.payload).toMatchObject({ decision: 'accepted', ruleId: 'ALL', order: { clientOrderId: 'intent-001.1', quantity: '100', referencePrice: '100.00' } });
    expect(d.payload.checks.map((c) => c.rule)).toEqual([
      'KILL_SWITCH', 'TRADING_STATE', 'NO_MARKET_PRICE', 'PRICE_COLLAR', 'MAX_ORDER_QTY', 'MAX_ORDER_NOTIONAL', 'MAX_POSITION', 'MAX_GROSS_EXPOSURE', 'ORDER_RATE',
    ]);
    expect(d.payload.checks.every((c) => c.pass)).toBe(true);
  });

  const rejections: [string, RiskRuleId, () => { state?: ReturnType<typeof initialRiskState>; r: RiskRequest }, string, string][] = [
    ['kill switch engaged', 'KILL_SWITCH', () => ({ state: initialRiskState([], true), r: req() }), 'off', 'on'],
    ['instrument halted', 'TRADING_STATE', () => ({ state: initialRiskState([[ALPHA.id, 'halted']]), r: req() }), 'halted', 'halted'],
    ['reducing and the order increases', 'TRADING_STATE', () => ({ state: initialRiskState([[ALPHA.id, 'reducing']]), r: req({ projectedBefore: 50 }) }), 'reducing: only orders toward flat', 'increases position'],
    ['no price seen yet', 'NO_MARKET_PRICE', () => ({ r: req({ lastPrice: undefined }) }), 'a last price', 'none'],
    ['limit far from last', 'PRICE_COLLAR', () => ({ r: req({ type: 'limit', limitPrice: 10_200 }) }), '100 bps from 100.00', '200 bps'],
    ['order too large', 'MAX_ORDER_QTY', () => ({ r: req({ quantity: 250, orderQuantity: 250 }) }), '200', '250'],
    ['notional too large', 'MAX_ORDER_NOTIONAL', () => ({ r: req({ quantity: 150, orderQuantity: 150, lastPrice: 20_000 }) }), '25000.000000', '30000.000000'],
    ['position too large', 'MAX_POSITION', () => ({ r: req({ projectedBefore: 250 }) }), '300', '350'],
    ['gross exposure too large', 'MAX_GROSS_EXPOSURE', () => ({ r: req({ grossOthers: 45_000 * 1e6 }) }), '50000.000000', '55000.000000'],
  ];
  for (const [when, rule, setup, limit, observed] of rejections) {
    it(`rejects with ${rule} when ${when}, naming the limit and the observed value`, () => {
      const { state, r } = setup();
      const d = decideRisk(state ?? initialRiskState(), r, LIMITS);
      expect(d.payload).toMatchObject({ decision: 'rejected', ruleId: rule, limit, observed });
    });
  }

  it('rejects on the order rate once the window holds maxOrders accepted orders, and lets it pass after the window', () => {
    const j = journal();
    const state = initialRiskState();
    for (const ts of [T0, T0 + 1000]) evolveRisk(state, j.seal(decideRisk(state, req({ ts }), LIMITS)), LIMITS.orderRate.windowMs);
    expect(decideRisk(state, req({ ts: T0 + 2000 }), LIMITS).payload).toMatchObject({ decision: 'rejected', ruleId: 'ORDER_RATE', observed: '3' });
    expect(decideRisk(state, req({ ts: T0 + 61_000 }), LIMITS).payload.decision).toBe('accepted');
  });

  it('in reducing state accepts an order toward flat but not one that flips the position', () => {
    const state = initialRiskState([[ALPHA.id, 'reducing']]);
    expect(decideRisk(state, req({ side: 'sell', projectedBefore: 200, quantity: 100, orderQuantity: 100 }), LIMITS).payload.decision).toBe('accepted');
    expect(decideRisk(state, req({ side: 'sell', projectedBefore: 200, quantity: 300, orderQuantity: 300 }), LIMITS).payload.ruleId).toBe('TRADING_STATE');
  });

  it('lets a reducing order out even above the position limit', () => {
    const d = decideRisk(initialRiskState(), req({ side: 'sell', projectedBefore: 400, quantity: 50, orderQuantity: 50 }), LIMITS);
    expect(d.payload.decision).toBe('accepted');
  });

  it('folds trading-state changes and the kill switch from S07 records', () => {
    const j = journal();
    const state = initialRiskState();
    evolveRisk(state, j.seal({ ...base(), type: 'S07.operator', payload: { kind: 'trading_state_changed', from: 'active', to: 'reducing', actor: 'system:reconciliation', reason: 'drift', incidentId: 'INC-1' } }), 60_000);
    evolveRisk(state, j.seal({ ...base(ALPHA.id, null), instrument: null, type: 'S07.operator', payload: { kind: 'kill_switch', engaged: true, actor: 'ana', reason: 'test' } }), 60_000);
    expect(state.tradingState.get(ALPHA.id)).toBe('reducing');
    expect(state.killSwitch).toBe(true);
  });
});
