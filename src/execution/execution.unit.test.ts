import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ALPHA, ACCOUNT, base } from '../../test/support/records.js';
import { given as givenRecords, SPEC_CONFIG } from '../../test/support/spec.js';
import type { AnyDraft, ProviderPayload } from '../records/records.js';
import type { ExecutionReport, ExecutionReportMessage } from '../provider/gateway.js';
import { workingOf, type ExecutionState } from './state.js';
import { planOrders, type ExecutionSettings } from './planner.js';
import { decideExecutionReport } from './provider-events.js';

const MARKET_DAY: ExecutionSettings = { orderType: 'market', timeInForce: 'DAY', limitOffsetTicks: 0 };

function given(...drafts: AnyDraft[]): { state: ExecutionState; fold: (d: AnyDraft) => void; g: ReturnType<typeof givenRecords> } {
  const g = givenRecords(SPEC_CONFIG, ...drafts);
  return { state: g.state.execution, fold: (d) => { g.fold(d); }, g };
}

/** A fill as the provider gateway delivers it (integers at ALPHA's scales). */
const fillMessage = (id: string, execId: string, side: 'buy' | 'sell', qty: number, cum: number, leaves: number, over: Partial<ExecutionReport> = {}): ExecutionReportMessage => ({
  type: 'execution_report', ts: 1_767_571_200_000, dedupeKey: execId, account: ACCOUNT, instrument: ALPHA.id, raw: {},
  report: { kind: leaves === 0 ? 'fill' : 'partial_fill', clientOrderId: id, origClientOrderId: null, providerOrderId: 'P1', execId, side, ordStatus: leaves === 0 ? 'filled' : 'partially_filled',
    orderQty: cum + leaves, lastQty: qty, lastPrice: 10_000, cumQty: cum, leavesQty: leaves, avgPrice: 10_000, fee: 10_000, reason: null, ...over },
});
const submit = (clientOrderId: string, side: 'buy' | 'sell', quantity: string): AnyDraft => ({
  ...base(), type: 'S04.order', payload: { kind: 'submit', clientOrderId, attempt: 1, side, type: 'market', timeInForce: 'DAY', quantity, limitPrice: null },
});
const provider = (payload: ProviderPayload): AnyDraft => ({ ...base(), type: 'S05.provider', payload });
const ack = (id: string, leaves: string): AnyDraft => provider({ kind: 'ack', clientOrderId: id, providerOrderId: 'P1', execId: `A-${id}`, cumQty: '0', leavesQty: leaves, reason: null, origClientOrderId: null, raw: {} });
const fill = (id: string, execId: string, side: 'buy' | 'sell', qty: string, cum: string, leaves: string): AnyDraft => provider({
  kind: leaves === '0' ? 'fill' : 'partial_fill', clientOrderId: id, providerOrderId: 'P1', execId, side, lastQty: qty, lastPrice: '100.00', cumQty: cum, leavesQty: leaves, fee: '0.010000', raw: {},
});
const report = (position: string): AnyDraft => provider({ kind: 'position_report', requestId: null, position, asOf: 0, raw: {} });

describe('B03 execution state', () => {
  it('Given a buy of 2 partially filled 1, Then expected +1, working +1, status partially_filled', () => {
    const { state } = given(submit('fixture-intent-017.1', 'buy', '2'), ack('fixture-intent-017.1', '2'), fill('fixture-intent-017.1', 'E1', 'buy', '1', '1', '1'));
    const pos = state.positions.get(`${ACCOUNT}|${ALPHA.id}`)!;
    expect(pos.expected).toBe(1);
    expect(workingOf(pos)).toBe(1);
    expect(state.orders.get('fixture-intent-017.1')?.status).toBe('partially_filled');
  });

  it('de-duplicates fills by execution id: a repeated execId neither moves the position nor the cash', () => {
    const { state, fold } = given(submit('c.1', 'buy', '2'), ack('c.1', '2'), fill('c.1', 'E1', 'buy', '1', '1', '1'));
    const cash = state.cash.get(ACCOUNT);
    fold(fill('c.1', 'E1', 'buy', '1', '1', '1'));
    expect(state.positions.get(`${ACCOUNT}|${ALPHA.id}`)!.expected).toBe(1);
    expect(state.cash.get(ACCOUNT)).toBe(cash);
  });

  it('Given a fill already applied, When the venue sends its execId again, Then it is journaled as a duplicate and flagged; a transport repeat (PossDup) is not flagged', () => {
    const { g } = given(submit('c.1', 'buy', '2'), ack('c.1', '2'), fill('c.1', 'E1', 'buy', '1', '1', '1'));
    const again = g.when((s, ctx) => decideExecutionReport(s, fillMessage('c.1', 'E1', 'buy', 1, 1, 1), ALPHA, ctx));
    expect(again.map((d) => d.payload)).toMatchObject([{ kind: 'partial_fill', execId: 'E1', duplicate: true }, { kind: 'flag', code: 'DUPLICATE_PROVIDER_EVENT' }]);
    const redelivered = g.when((s, ctx) => decideExecutionReport(s, { ...fillMessage('c.1', 'E1', 'buy', 1, 1, 1), possDup: true }, ALPHA, ctx));
    expect(redelivered.map((d) => d.payload)).toMatchObject([{ kind: 'partial_fill', duplicate: true, possDup: true }]);
    const cash = g.state.execution.cash.get(ACCOUNT);
    for (const d of [...again, ...redelivered]) g.fold(d);
    expect(g.state.execution.positions.get(`${ACCOUNT}|${ALPHA.id}`)!.expected).toBe(1);
    expect(g.state.execution.cash.get(ACCOUNT)).toBe(cash);
  });

  it('Given a duplicated cancel report, Then it changes nothing and opens no second incident (every report is de-duplicated by execId)', () => {
    const cancelled = (execId: string): ExecutionReportMessage => ({ ...fillMessage('c.1', execId, 'buy', 0, 0, 0),
      report: { ...fillMessage('c.1', execId, 'buy', 0, 0, 0).report, kind: 'cancelled', ordStatus: 'cancelled', lastQty: 0, lastPrice: 0 } });
    const { g } = given(submit('c.1', 'buy', '2'), ack('c.1', '2'));
    for (const d of g.when((s, ctx) => decideExecutionReport(s, cancelled('X1'), ALPHA, ctx))) g.fold(d);
    expect(g.state.execution.orders.get('c.1')?.status).toBe('cancelled');
    const again = g.when((s, ctx) => decideExecutionReport(s, cancelled('X1'), ALPHA, ctx));
    expect(again.map((d) => d.payload.kind)).toEqual(['cancelled', 'flag']);
    expect(again.some((d) => d.type === 'S07.operator' && d.payload.kind === 'incident_opened')).toBe(false);
  });

  it('Given an order cancelled at the provider, When a fill for it arrives, Then it counts and is flagged FILL_AFTER_CANCEL', () => {
    const { g } = given(submit('c.1', 'buy', '2'), ack('c.1', '2'), fill('c.1', 'E1', 'buy', '1', '1', '1'),
      provider({ kind: 'cancelled', clientOrderId: 'c.1', providerOrderId: 'P1', execId: 'X1', cumQty: '1', leavesQty: '0', reason: null, origClientOrderId: null, raw: {} }));
    const late = g.when((s, ctx) => decideExecutionReport(s, fillMessage('c.1', 'E2', 'buy', 1, 2, 0), ALPHA, ctx));
    expect(late.map((d) => d.payload)).toMatchObject([{ kind: 'fill' }, { kind: 'flag', code: 'FILL_AFTER_CANCEL' }]);
    for (const d of late) g.fold(d);
    expect(g.state.execution.positions.get(`${ACCOUNT}|${ALPHA.id}`)!.expected).toBe(2);
    expect(g.state.execution.orders.get('c.1')?.status).toBe('cancelled');
  });

  it('Given fills lost in a disconnect, When a report shows a CumQty above what we received, Then an inferred fill for the difference follows it', () => {
    const { g } = given(submit('c.1', 'buy', '10'), ack('c.1', '10'));
    const drafts = g.when((s, ctx) => decideExecutionReport(s, fillMessage('c.1', 'E5', 'buy', 2, 10, 0, { avgPrice: 10_040 }), ALPHA, ctx));
    expect(drafts.map((d) => d.payload)).toMatchObject([
      { kind: 'fill', lastQty: '2', lastPrice: '100.00' },
      { kind: 'fill', inferred: true, lastQty: '8', lastPrice: '100.50', execId: expect.stringMatching(/^inferred:/) },
    ]);
    for (const d of drafts) g.fold(d);
    const pos = g.state.execution.positions.get(`${ACCOUNT}|${ALPHA.id}`)!;
    expect(pos.expected).toBe(10);
    expect(g.state.execution.orders.get('c.1')).toMatchObject({ status: 'filled', cumQty: 10 });
  });

  it('opens an incident for a report about an order we never sent (once per client order id)', () => {
    const { g } = given();
    const drafts = g.when((s, ctx) => decideExecutionReport(s, fillMessage('ghost.1', 'E9', 'sell', 5, 5, 0), ALPHA, ctx));
    expect(drafts.map((d) => d.payload)).toMatchObject([{ kind: 'fill' }, { kind: 'incident_opened', code: 'UNKNOWN_ORDER_AT_PROVIDER' }]);
    for (const d of drafts) g.fold(d);
    const second = g.when((s, ctx) => decideExecutionReport(s, fillMessage('ghost.1', 'E10', 'sell', 1, 6, 0), ALPHA, ctx));
    expect(second.map((d) => d.payload.kind)).toEqual(['fill']);
  });

  it('takes confirmed from position reports and applies reconciliation adjustments to expected', () => {
    const { state, fold } = given(report('+3'));
    fold({ ...base(), type: 'S06.reconciliation', payload: { kind: 'adjustment', expectedBefore: '0', confirmed: '+3', adjustment: '+3', reason: 'provider truth wins' } });
    expect(state.positions.get(`${ACCOUNT}|${ALPHA.id}`)).toMatchObject({ confirmed: 3, expected: 3 });
  });

  it('property: expected position = signed sum of distinct fills, and no order fills more than ordered', () => {
    fc.assert(fc.property(fc.array(fc.record({ side: fc.constantFrom('buy' as const, 'sell' as const), qty: fc.integer({ min: 1, max: 50 }), parts: fc.integer({ min: 1, max: 4 }), dup: fc.boolean() }), { maxLength: 12 }), (orders) => {
      const { state, fold } = given();
      let sum = 0;
      let exec = 0;
      orders.forEach((o, i) => {
        const id = `i-${i}.1`;
        fold(submit(id, o.side, String(o.qty)));
        fold(ack(id, String(o.qty)));
        let cum = 0;
        for (let p = 0; p < o.parts && cum < o.qty; p++) {
          const q = p === o.parts - 1 ? o.qty - cum : Math.max(1, Math.floor(o.qty / o.parts));
          const take = Math.min(q, o.qty - cum);
          cum += take;
          const ev = fill(id, `E${++exec}`, o.side, String(take), String(cum), String(o.qty - cum));
          fold(ev);
          if (o.dup) fold(ev);
          sum += (o.side === 'buy' ? 1 : -1) * take;
        }
        const ord = state.orders.get(id)!;
        expect(ord.cumQty).toBeLessThanOrEqual(ord.quantity);
      });
      expect(state.positions.get(`${ACCOUNT}|${ALPHA.id}`)?.expected ?? 0).toBe(sum);
    }));
  });
});

describe('B03 order planner', () => {
  it('Given flat, When desired +2, Then one market submit of 2 with a deterministic client order id', () => {
    const { state } = given();
    expect(planOrders(state, ACCOUNT, ALPHA, 2, 10_000, 'fixture-intent-017', MARKET_DAY)).toEqual([
      { kind: 'submit', clientOrderId: 'fixture-intent-017.1', attempt: 1, side: 'buy', type: 'market', timeInForce: 'DAY', quantity: 2, limitPrice: null },
    ]);
  });

  it('replaces a working order when the target grows on the same side (new total includes filled)', () => {
    const { state } = given(submit('i-1.1', 'buy', '2'), ack('i-1.1', '2'), fill('i-1.1', 'E1', 'buy', '1', '1', '1'), report('+1'));
    const [a] = planOrders(state, ACCOUNT, ALPHA, 4, 10_000, 'i-2', MARKET_DAY);
    expect(a).toMatchObject({ kind: 'replace', clientOrderId: 'i-2.1', quantity: 4 });
  });

  it('does nothing when working orders already cover desired - confirmed', () => {
    const { state } = given(submit('i-1.1', 'buy', '2'), ack('i-1.1', '2'));
    expect(planOrders(state, ACCOUNT, ALPHA, 2, 10_000, 'i-2', MARKET_DAY)).toEqual([]);
  });

  it('cancels the working order and sells when desired changes side', () => {
    const { state } = given(submit('i-1.1', 'buy', '2'), ack('i-1.1', '2'));
    const actions = planOrders(state, ACCOUNT, ALPHA, -3, 10_000, 'i-2', MARKET_DAY);
    expect(actions.map((a) => a.kind)).toEqual(['cancel', 'submit']);
    expect(actions[1]).toMatchObject({ side: 'sell', quantity: 3, clientOrderId: 'i-2.1' });
  });

  it('prices limit orders from the last price and the offset in ticks, on the tick grid', () => {
    const { state } = given();
    const [a] = planOrders(state, ACCOUNT, ALPHA, -5, 10_000, 'i-1', { orderType: 'limit', timeInForce: 'GTC', limitOffsetTicks: 2 });
    expect(a).toMatchObject({ kind: 'submit', side: 'sell', limitPrice: 9_998, timeInForce: 'GTC' });
  });
});
