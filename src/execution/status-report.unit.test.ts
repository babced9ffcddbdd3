import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ALPHA, ACCOUNT, base } from '../../test/support/records.js';
import { given, SPEC_CONFIG } from '../../test/support/spec.js';
import type { AnyDraft, ReportedOrderStatus } from '../records/records.js';
import { DraftList } from '../domain/decider.js';
import { OPEN, TERMINAL, statusAfterReport, type OrderStatus } from './order-lifecycle.js';
import { statusReportEffect, type OrderState } from './state.js';
import { decideStatusAnswer } from './provider-events.js';

const STATUSES: OrderStatus[] = ['pending_new', 'new', 'partially_filled', 'pending_cancel', 'pending_replace', 'filled', 'cancelled', 'expired', 'rejected', 'not_found'];
const REPORTED: ReportedOrderStatus[] = ['new', 'partially_filled', 'filled', 'cancelled', 'expired', 'rejected', 'not_found'];

const order = (status: OrderStatus, over: Partial<OrderState> = {}): OrderState => ({
  clientOrderId: 'i-1.1', account: ACCOUNT, instrument: ALPHA.id, intentId: 'i-1', side: 'buy', type: 'market', timeInForce: 'DAY',
  quantity: 2, limitPrice: null, cumQty: 0, fillValue: 0, status, providerOrderId: null, submitSeq: 1, lastCommandSeq: 1, lastCommandTs: 0,
  acked: false, pending: null, queriedCommandSeq: null, queryPending: false, ambiguousIncident: null, ...over,
});

const submit: AnyDraft = { ...base(), type: 'S04.order', payload: { kind: 'submit', clientOrderId: 'i-1.1', attempt: 1, side: 'buy', type: 'market', timeInForce: 'DAY', quantity: '2', limitPrice: null } };
const ack: AnyDraft = { ...base(), type: 'S05.provider', payload: { kind: 'ack', clientOrderId: 'i-1.1', providerOrderId: 'P1', execId: 'A1', cumQty: '0', leavesQty: '2', reason: null, origClientOrderId: null, raw: {} } };

/** The drafts a status answer (null = the provider does not know the order) produces for i-1.1. */
function answer(g: ReturnType<typeof given>, report: Parameters<typeof decideStatusAnswer>[2], source: 'query' | 'mass_status' = 'query'): AnyDraft[] {
  return g.when((s, ctx) => {
    const out = new DraftList(ctx.nextSeq);
    decideStatusAnswer(s, s.execution.orders.get('i-1.1')!, report, { source, requestId: source === 'query' ? 'R9' : null, providerTs: 0, clientOrderId: 'i-1.1', raw: {} }, ALPHA, out, ctx);
    return out;
  });
}

describe('provider status reports (query / mass order status)', () => {
  it('property: status precedence — a terminal status never changes on any report', () => {
    fc.assert(fc.property(fc.constantFrom(...STATUSES), fc.constantFrom(...REPORTED), fc.integer({ min: 0, max: 2 }), (status, reported, cum) => {
      const after = statusAfterReport(status, reported, 'new');
      if (TERMINAL.has(status)) {
        expect(after).toBe(status);
        expect(statusReportEffect(order(status), { ordStatus: reported, currentClientOrderId: 'i-1.1', cumQty: cum })).toBeNull();
      } else {
        expect(after).toBe(reported === 'new' || reported === 'partially_filled' ? 'new' : reported);
      }
    }));
  });

  it('the lost ack: pending_new + provider "new" -> new; a not_found closes a working order and stops it counting as working', () => {
    expect(statusReportEffect(order('pending_new'), { ordStatus: 'new', currentClientOrderId: 'i-1.1', cumQty: 0 })).toMatchObject({ status: 'new' });
    const g = given(SPEC_CONFIG, submit, ack);
    const drafts = answer(g, null, 'mass_status');
    expect(drafts.map((d) => d.payload)).toMatchObject([{ kind: 'status', ordStatus: 'not_found' }, { kind: 'incident_opened', code: 'ORDER_MISSING_AT_PROVIDER' }]);
    expect(g.state.execution.positions.get(`${ACCOUNT}|${ALPHA.id}`)!.open).toHaveLength(1);
    for (const d of drafts) g.fold(d);
    expect(g.state.execution.orders.get('i-1.1')!.status).toBe('not_found');
    expect(OPEN.has('not_found')).toBe(false);
    expect(g.state.execution.positions.get(`${ACCOUNT}|${ALPHA.id}`)!.open).toHaveLength(0);
  });

  it('a submission the provider never received: ORDER_STUCK_IN_FLIGHT, unless an ambiguous send during an outage already explains it', () => {
    const g = given(SPEC_CONFIG, submit);
    expect(answer(g, null).map((d) => d.payload)).toMatchObject([
      { kind: 'status', ordStatus: 'not_found' }, { kind: 'incident_opened', code: 'ORDER_STUCK_IN_FLIGHT', incidentId: 'INC-i-1.1-ORDER_STUCK_IN_FLIGHT' }]);
    const outage = given(SPEC_CONFIG, submit, { ...base(), type: 'S05.provider',
      payload: { kind: 'send_failed', requestId: 'R1', clientOrderId: 'i-1.1', command: 'submit', reason: 'connection lost', incidentId: 'INC-9-PROVIDER_UNREACHABLE', raw: {} } });
    expect(answer(outage, null).map((d) => d.payload)).toMatchObject([{ kind: 'status', ordStatus: 'not_found', reason: expect.stringContaining('INC-9-PROVIDER_UNREACHABLE') }]);
  });

  it('Given the fills were lost, When the status reports more filled than we received, Then an inferred fill caused by the status record puts the position right', () => {
    const g = given(SPEC_CONFIG, submit, ack);
    const drafts = answer(g, { account: ACCOUNT, instrument: ALPHA.id, clientOrderId: 'i-1.1', providerOrderId: 'P1', side: 'buy', status: 'filled', quantity: 2, cumQty: 2, leavesQty: 0, avgPrice: 10_025 });
    expect(drafts.map((d) => d.payload)).toMatchObject([{ kind: 'status', ordStatus: 'filled', cumQty: '2' }, { kind: 'fill', inferred: true, lastQty: '2', lastPrice: '100.25' }]);
    const statusSeq = g.records().length + 1;
    expect(drafts[1]!.causationSeq).toBe(statusSeq);
    for (const d of drafts) g.fold(d);
    expect(g.state.execution.orders.get('i-1.1')).toMatchObject({ status: 'filled', cumQty: 2 });
    expect(g.state.execution.positions.get(`${ACCOUNT}|${ALPHA.id}`)!.expected).toBe(2);
  });
});
