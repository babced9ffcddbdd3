import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../domain/instrument.js';
import type { Bar } from '../../marketdata/bar.js';
import { ProviderUnreachableError, type ProviderEvent, type SubmitRequest } from '../port.js';
import { parseFaultSpec, type FaultPlan } from './fault-plan.js';
import { FaultyVenue } from './faults.js';
import type { SimVenueConfig } from './venue.js';

const ALPHA = makeInstrument('FIX-ALPHA', 0, '0.01', '1');
const T0 = 1_767_623_400_000; // 2026-01-05T14:30:00Z
const MIN = 60_000;
const CFG: SimVenueConfig = { latencyMs: 100, slippageBps: 0, participation: { num: 1, den: 1 }, feeCentiBps: 0, maxOrderQty: new Map(), accounts: [{ id: 'A1', startingCash: 1e12 }], leverage: 1 };

const bar = (ts: number, open = 10_000, low = open): Bar => ({ ts, instrument: ALPHA, open, high: open, low, close: open, volume: 1_000, line: 0 });
const order = (id: string, over: Partial<SubmitRequest> = {}): SubmitRequest => ({ account: 'A1', instrument: ALPHA, clientOrderId: id, side: 'buy', type: 'market', timeInForce: 'DAY', quantity: 2, limitPrice: null, ...over });
const kinds = (evs: readonly ProviderEvent[]) => evs.map((e) => e.payload.kind);

/** Given a venue with `plan`, When an order of 2 is sent after the first bar and two more bars pass, Then the events. */
function flow(plan: FaultPlan): { venue: FaultyVenue; events: ProviderEvent[] } {
  const venue = new FaultyVenue(CFG, plan);
  const events: ProviderEvent[] = [];
  venue.onBar(bar(T0));
  venue.submit(T0, order('c.1'));
  for (const t of [T0 + MIN, T0 + 2 * MIN]) { venue.onBar(bar(t)); events.push(...venue.poll(t)); }
  return { venue, events };
}

describe('FaultyVenue', () => {
  it('without faults behaves like the plain venue: ack then fill', () => {
    expect(kinds(flow({ seed: 1, rules: [] }).events)).toEqual(['ack', 'fill']);
  });

  it('drop-ack: the ack is never delivered, the order still fills, the fault is reported', () => {
    const { venue, events } = flow({ seed: 1, rules: [{ kind: 'drop-ack' }] });
    expect(kinds(events)).toEqual(['fill']);
    expect(venue.drainFaults()).toMatchObject([{ fault: 'drop-ack', occurrence: 1, affects: 'c.1' }]);
    expect(venue.queryOrder(T0 + 2 * MIN, 'A1', 'c.1')).toMatchObject({ status: 'filled' });
  });

  it('duplicate-fill: the same execution id twice', () => {
    const { events } = flow({ seed: 1, rules: [{ kind: 'duplicate-fill' }] });
    expect(kinds(events)).toEqual(['ack', 'fill', 'fill']);
    expect(events[1]).toEqual(events[2]);
  });

  it('fill-before-ack: the ack is delivered right after the fill', () => {
    expect(kinds(flow({ seed: 1, rules: [{ kind: 'fill-before-ack' }] }).events)).toEqual(['fill', 'ack']);
  });

  it('reject: the submit is refused at the effective time', () => {
    const { events, venue } = flow({ seed: 1, rules: [{ kind: 'reject' }] });
    expect(events).toMatchObject([{ ts: T0 + 100, payload: { kind: 'reject', reason: 'injected reject' } }]);
    expect(venue.positions(T0 + 2 * MIN, 'A1')).toEqual([]);
  });

  it('order-missing-at-provider: acked, then silently gone: no fill, queries say not_found', () => {
    const { venue, events } = flow({ seed: 1, rules: [{ kind: 'order-missing-at-provider' }] });
    expect(kinds(events)).toEqual(['ack']);
    expect(venue.queryOrder(T0 + 2 * MIN, 'A1', 'c.1')).toBe('not_found');
    expect(venue.openOrders(T0 + 2 * MIN, 'A1')).toEqual([]);
  });

  it('fill-after-cancel: the cancel is accepted, then the open quantity fills on the next bar', () => {
    const venue = new FaultyVenue(CFG, { seed: 1, rules: [{ kind: 'fill-after-cancel' }] });
    venue.onBar(bar(T0));
    venue.submit(T0, order('c.1', { type: 'limit', limitPrice: 9_000, timeInForce: 'GTC' }));
    venue.onBar(bar(T0 + MIN));
    venue.cancel(T0 + MIN, { account: 'A1', instrument: ALPHA, clientOrderId: 'c.1' });
    venue.onBar(bar(T0 + 2 * MIN));
    expect(kinds(venue.poll(T0 + 2 * MIN))).toEqual(['ack', 'cancelled', 'fill']);
    expect(venue.positions(T0 + 2 * MIN, 'A1')).toMatchObject([{ position: 2 }]);
    expect(venue.queryOrder(T0 + 2 * MIN, 'A1', 'c.1')).toMatchObject({ status: 'cancelled', cumQty: 2 });
  });

  it('disconnect-with-gap: the send throws (ambiguously delivered), every call throws in the gap, events of the gap are lost, then it heals', () => {
    const venue = new FaultyVenue(CFG, { seed: 1, rules: [{ kind: 'disconnect-with-gap', gapMs: 5 * MIN, delivered: true }] });
    venue.onBar(bar(T0));
    expect(() => venue.submit(T0, order('c.1'))).toThrow(ProviderUnreachableError);
    venue.onBar(bar(T0 + MIN));
    expect(() => venue.poll(T0 + MIN)).toThrow(ProviderUnreachableError);
    expect(() => venue.positions(T0 + MIN, 'A1')).toThrow(ProviderUnreachableError);
    venue.onBar(bar(T0 + 5 * MIN));
    expect(venue.poll(T0 + 5 * MIN)).toEqual([]);
    expect(venue.positions(T0 + 5 * MIN, 'A1')).toMatchObject([{ position: 2 }]);
    expect(venue.drainFaults().map((f) => f.detail)).toEqual([
      expect.stringContaining('connection lost while sending submit c.1 (it reached the venue)'),
      expect.stringContaining('ack for c.1 lost in the gap'),
      expect.stringContaining('fill of 2 (E00000001) for c.1 lost in the gap'),
    ]);
    expect(venue.truthChanges).toEqual([{ account: 'A1', instrument: 'FIX-ALPHA', fault: 'disconnect-with-gap', delta: 2 }]);
  });

  it('external-position-change and unknown-order-at-provider change the position; only the unknown order sends a fill', () => {
    const venue = new FaultyVenue(CFG, { seed: 1, rules: [{ kind: 'external-position-change', quantity: '+3' }, { kind: 'unknown-order-at-provider', quantity: '-1' }] });
    venue.onBar(bar(T0));
    expect(venue.poll(T0)).toMatchObject([{ payload: { kind: 'fill', clientOrderId: 'EXT-000001', side: 'sell', lastQty: '1' } }]);
    expect(venue.positions(T0, 'A1')).toMatchObject([{ position: 2 }]);
  });

  it('stale-snapshot: answers with the previous snapshot and its older asOf once the position changed', () => {
    const venue = new FaultyVenue(CFG, { seed: 1, rules: [{ kind: 'stale-snapshot', count: 1 }] });
    venue.onBar(bar(T0));
    venue.submit(T0, order('c.1'));
    venue.onBar(bar(T0 + MIN));
    expect(venue.positions(T0 + MIN, 'A1')).toEqual([{ account: 'A1', instrument: 'FIX-ALPHA', position: 2, asOf: T0 + MIN }]);
    venue.submit(T0 + MIN, order('c.2'));
    venue.onBar(bar(T0 + 2 * MIN));
    expect(venue.positions(T0 + 2 * MIN, 'A1')).toEqual([{ account: 'A1', instrument: 'FIX-ALPHA', position: 2, asOf: T0 + MIN }]);
    expect(venue.positions(T0 + 2 * MIN, 'A1')).toEqual([{ account: 'A1', instrument: 'FIX-ALPHA', position: 4, asOf: T0 + 2 * MIN }]);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const run = (seed: number) => {
      const venue = new FaultyVenue(CFG, parseFaultSpec('drop-ack:0.5,duplicate-fill:0.5,external-position-change:0.2', seed));
      const out: unknown[] = [];
      for (let i = 0; i < 40; i++) {
        const t = T0 + i * MIN;
        venue.onBar(bar(t));
        if (i % 3 === 0) venue.submit(t, order(`c.${i}`, { side: i % 2 === 0 ? 'buy' : 'sell' }));
        out.push(venue.poll(t), venue.drainFaults());
      }
      return JSON.stringify(out);
    };
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
  });

  it('parses KIND:PROB lists and refuses bad ones', () => {
    expect(parseFaultSpec('drop-ack:0.02, stale-snapshot:1', 3)).toEqual({ seed: 3, rules: [{ kind: 'drop-ack', probability: 0.02 }, { kind: 'stale-snapshot', probability: 1 }] });
    expect(() => parseFaultSpec('drop-acks:0.1', 3)).toThrow(/unknown fault kind/);
    expect(() => parseFaultSpec('drop-ack:2', 3)).toThrow(/\[0, 1\]/);
    expect(() => parseFaultSpec('drop-ack', 3)).toThrow(/KIND:PROB/);
  });
});
