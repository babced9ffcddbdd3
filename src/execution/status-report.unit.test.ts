import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ALPHA, ACCOUNT, base, journal } from '../../test/support/records.js';
import type { AnyDraft, ReportedOrderStatus } from '../records/records.js';
import { OPEN, TERMINAL, statusAfterReport, type OrderStatus } from './order-lifecycle.js';
import { evolveExecution, initialExecutionState, statusReportEffect, type OrderState } from './state.js';
import { decideStatusReport } from './provider-events.js';

const STATUSES: OrderStatus[] = ['pending_new', 'new', 'partially_filled', 'pending_cancel', 'pending_replace', 'filled', 'cancelled', 'expired', 'rejected', 'not_found'];
const REPORTED: ReportedOrderStatus[] = ['new', 'partially_filled', 'filled', 'cancelled', 'expired', 'rejected', 'not_found'];

const order = (status: OrderStatus, over: Partial<OrderState> = {}): OrderState => ({
  clientOrderId: 'i-1.1', account: ACCOUNT, instrument: ALPHA.id, intentId: 'i-1', side: 'buy', type: 'market', timeInForce: 'DAY',
  quantity: 2, limitPrice: null, cumQty: 0, fillValue: 0, status, providerOrderId: null, submitSeq: 1, lastCommandSeq: 1, lastCommandTs: 0,
  acked: false, pending: null, ...over,
});

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
    const j = journal();
    const state = initialExecutionState();
    const fold = (d: AnyDraft) => evolveExecution(state, j.seal(d), ALPHA);
    fold({ ...base(), type: 'S04.order', payload: { kind: 'submit', clientOrderId: 'i-1.1', attempt: 1, side: 'buy', type: 'market', timeInForce: 'DAY', quantity: '2', limitPrice: null } });
    fold({ ...base(), type: 'S05.provider', payload: { kind: 'ack', clientOrderId: 'i-1.1', providerOrderId: 'P1', cumQty: '0', leavesQty: '2', reason: null, origClientOrderId: null, raw: {} } });
    const report = { ...base(), type: 'S05.provider' as const, payload: { kind: 'status' as const, source: 'mass_status' as const, clientOrderId: 'i-1.1', currentClientOrderId: null,
      providerOrderId: null, ordStatus: 'not_found' as const, quantity: '2', cumQty: '0', leavesQty: '0', reason: null, origClientOrderId: null, raw: {} } };
    expect(decideStatusReport(state, report, ALPHA, { ambiguousSendIncident: null, hasIncident: () => false }).map((d) => d.payload))
      .toMatchObject([{ kind: 'incident_opened', code: 'ORDER_MISSING_AT_PROVIDER' }]);
    expect(state.positions.get(`${ACCOUNT}|${ALPHA.id}`)!.open).toHaveLength(1);
    fold(report);
    expect(state.orders.get('i-1.1')!.status).toBe('not_found');
    expect(OPEN.has('not_found')).toBe(false);
    expect(state.positions.get(`${ACCOUNT}|${ALPHA.id}`)!.open).toHaveLength(0);
  });

  it('a submission the provider never received: ORDER_STUCK_IN_FLIGHT, unless an outage incident already explains it', () => {
    const state = initialExecutionState();
    const j = journal();
    evolveExecution(state, j.seal({ ...base(), type: 'S04.order', payload: { kind: 'submit', clientOrderId: 'i-1.1', attempt: 1, side: 'buy', type: 'market', timeInForce: 'DAY', quantity: '2', limitPrice: null } }), ALPHA);
    const report = { ...base(), type: 'S05.provider' as const, payload: { kind: 'status' as const, source: 'query' as const, clientOrderId: 'i-1.1', currentClientOrderId: null,
      providerOrderId: null, ordStatus: 'not_found' as const, quantity: '2', cumQty: '0', leavesQty: '0', reason: null, origClientOrderId: null, raw: {} } };
    expect(decideStatusReport(state, report, ALPHA, { ambiguousSendIncident: null, hasIncident: () => false }).map((d) => d.payload))
      .toMatchObject([{ kind: 'incident_opened', code: 'ORDER_STUCK_IN_FLIGHT', incidentId: 'INC-i-1.1-ORDER_STUCK_IN_FLIGHT' }]);
    expect(decideStatusReport(state, report, ALPHA, { ambiguousSendIncident: 'INC-9-PROVIDER_UNREACHABLE', hasIncident: () => false })).toEqual([]);
  });
});
