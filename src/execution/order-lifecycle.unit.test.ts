import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OPEN, TERMINAL, TRANSITIONS, transition, type OrderEvent, type OrderStatus } from './order-lifecycle.js';

const STATUSES = Object.keys(TRANSITIONS) as OrderStatus[];
const EVENTS: OrderEvent[] = ['submit', 'ack', 'reject', 'partial_fill', 'fill', 'cancel_request', 'replace_request', 'cancelled', 'expired', 'replaced', 'cancel_reject'];

describe('order lifecycle transition table', () => {
  it('moves through the normal path: pending_new -> new -> partially_filled -> filled', () => {
    expect(transition('pending_new', 'ack', 'pending_new')).toMatchObject({ ok: true, status: 'new' });
    expect(transition('new', 'partial_fill', 'new')).toMatchObject({ ok: true, status: 'partially_filled' });
    expect(transition('partially_filled', 'fill', 'partially_filled')).toMatchObject({ ok: true, status: 'filled' });
  });

  it('accepts a fill before the ack (out of order) and a late ack does not regress it', () => {
    expect(transition('pending_new', 'fill', 'pending_new')).toMatchObject({ ok: true, status: 'filled' });
    expect(transition('filled', 'ack', 'filled')).toEqual({ ok: false, status: 'filled' });
  });

  it('restores the open status when a cancel is rejected', () => {
    expect(transition('pending_cancel', 'cancel_reject', 'partially_filled')).toMatchObject({ ok: true, status: 'partially_filled' });
  });

  it('accepts a fill after a cancel as the real world without reopening the order', () => {
    expect(transition('cancelled', 'fill', 'new')).toEqual({ ok: true, status: 'cancelled', fillAfterCancel: true });
    expect(transition('expired', 'partial_fill', 'new')).toEqual({ ok: true, status: 'expired', fillAfterCancel: true });
  });

  it('reports an illegal transition instead of throwing, keeping the status', () => {
    expect(transition('rejected', 'fill', 'new')).toEqual({ ok: false, status: 'rejected' });
  });

  it('property: status never regresses — a terminal status stays terminal, whatever events follow', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...EVENTS), { maxLength: 40 }), (events) => {
      let status: OrderStatus = 'pending_new';
      let terminal: OrderStatus | null = null;
      for (const e of events) {
        status = transition(status, e, OPEN.has(status) ? status : 'new').status;
        if (terminal !== null) expect(status).toBe(terminal);
        if (TERMINAL.has(status)) terminal = status;
      }
    }));
  });

  it('every status has a row and only known targets', () => {
    for (const s of STATUSES) for (const t of Object.values(TRANSITIONS[s])) {
      expect([...STATUSES, 'restore', 'fill_after_cancel']).toContain(t);
    }
  });
});
