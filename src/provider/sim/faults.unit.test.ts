import { describe, expect, it } from 'vitest';
import { makeInstrument } from '../../domain/instrument.js';
import type { Bar } from '../../marketdata/bar.js';
import type { ProviderMessage, SubmitCommand } from '../gateway.js';
import { parseFaultSpec, type FaultPlan } from './fault-plan.js';
import { FaultyGateway, type InjectedFault } from './faults.js';
import type { SimVenueConfig } from './venue.js';

const ALPHA = makeInstrument('FIX-ALPHA', 0, '0.01', '1');
const T0 = 1_767_623_400_000; // 2026-01-05T14:30:00Z
const MIN = 60_000;
const CFG: SimVenueConfig = { latencyMs: 100, slippageBps: 0, participation: { num: 1, den: 1 }, feeCentiBps: 0, maxOrderQty: new Map(), accounts: [{ id: 'A1', startingCash: 1e12 }], leverage: 1 };

const bar = (ts: number, open = 10_000, low = open): Bar => ({ ts, instrument: ALPHA, open, high: open, low, close: open, volume: 1_000, line: 0 });
let requests = 0;
const submit = (id: string, ts: number, over: Partial<SubmitCommand> = {}): SubmitCommand => ({
  type: 'submit', requestId: `R${++requests}`, ts, account: 'A1', instrument: ALPHA, clientOrderId: id, side: 'buy', orderType: 'market', timeInForce: 'DAY', quantity: 2, limitPrice: null, ...over,
});

/** A faulty gateway with its messages and faults collected. */
function harness(plan: FaultPlan): { gw: FaultyGateway; messages: ProviderMessage[]; faults: InjectedFault[] } {
  const gw = FaultyGateway.fromConfig(CFG, plan);
  const messages: ProviderMessage[] = [];
  const faults: InjectedFault[] = [];
  gw.connect((m) => messages.push(m));
  gw.connectFaults((f) => faults.push(f));
  return { gw, messages, faults };
}
const kinds = (ms: readonly ProviderMessage[]) => ms.map((m) => (m.type === 'execution_report' ? m.report.kind : m.type));

/** Given `plan`, When an order of 2 is sent after the first bar and two more bars pass, Then the messages. */
function flow(plan: FaultPlan) {
  const h = harness(plan);
  h.gw.onBar(bar(T0));
  h.gw.send(submit('c.1', T0));
  for (const t of [T0 + MIN, T0 + 2 * MIN]) h.gw.onBar(bar(t));
  return h;
}

describe('FaultyGateway', () => {
  it('without faults behaves like the plain venue: ack then fill', () => {
    expect(kinds(flow({ seed: 1, rules: [] }).messages)).toEqual(['ack', 'fill']);
  });

  it('drop-ack: the ack is never delivered, the order still fills, the fault is reported', () => {
    const { gw, messages, faults } = flow({ seed: 1, rules: [{ kind: 'drop-ack' }] });
    expect(kinds(messages)).toEqual(['fill']);
    expect(faults).toMatchObject([{ fault: 'drop-ack', occurrence: 1, affects: 'c.1' }]);
    expect(gw.venue.queryOrder(T0 + 2 * MIN, 'A1', 'c.1')).toMatchObject({ status: 'filled' });
  });

  it('duplicate-fill: the same execution id twice', () => {
    const { messages } = flow({ seed: 1, rules: [{ kind: 'duplicate-fill' }] });
    expect(kinds(messages)).toEqual(['ack', 'fill', 'fill']);
    expect(messages[1]).toEqual(messages[2]);
  });

  it('fill-before-ack: the ack is delivered right after the fill', () => {
    expect(kinds(flow({ seed: 1, rules: [{ kind: 'fill-before-ack' }] }).messages)).toEqual(['fill', 'ack']);
  });

  it('reject: the submit is refused at the effective time', () => {
    const { messages, gw } = flow({ seed: 1, rules: [{ kind: 'reject' }] });
    expect(messages).toMatchObject([{ ts: T0 + 100, report: { kind: 'reject', reason: 'injected reject' } }]);
    expect(gw.venue.positions(T0 + 2 * MIN, 'A1')).toEqual([]);
  });

  it('order-missing-at-provider: acked, then silently gone before it can trade: no fill, queries say not found', () => {
    const { gw, messages } = flow({ seed: 1, rules: [{ kind: 'order-missing-at-provider' }] });
    expect(kinds(messages)).toEqual(['ack']);
    expect(gw.venue.queryOrder(T0 + 2 * MIN, 'A1', 'c.1')).toBeNull();
    expect(gw.venue.openOrders(T0 + 2 * MIN, 'A1')).toEqual([]);
  });

  it('fill-after-cancel: the cancel is accepted, then the open quantity fills on the same bar', () => {
    const { gw, messages } = harness({ seed: 1, rules: [{ kind: 'fill-after-cancel' }] });
    gw.onBar(bar(T0));
    gw.send(submit('c.1', T0, { orderType: 'limit', limitPrice: 9_000, timeInForce: 'GTC' }));
    gw.onBar(bar(T0 + MIN));
    gw.send({ type: 'cancel', requestId: 'Rc', ts: T0 + MIN, account: 'A1', instrument: ALPHA, clientOrderId: 'c.1', side: 'buy', quantity: 2 });
    gw.onBar(bar(T0 + 2 * MIN));
    expect(kinds(messages)).toEqual(['ack', 'cancelled', 'fill']);
    expect(gw.venue.positions(T0 + 2 * MIN, 'A1')).toMatchObject([{ position: 2 }]);
    expect(gw.venue.queryOrder(T0 + 2 * MIN, 'A1', 'c.1')).toMatchObject({ status: 'cancelled', cumQty: 2 });
  });

  it('disconnect-with-gap: link down and send_failed (it was delivered), every command fails in the gap, its reports are lost, then the link comes back', () => {
    const { gw, messages, faults } = harness({ seed: 1, rules: [{ kind: 'disconnect-with-gap', gapMs: 5 * MIN, delivered: true }] });
    gw.onBar(bar(T0));
    gw.send(submit('c.1', T0));
    expect(kinds(messages)).toEqual(['link', 'send_failed']);
    expect(messages[0]).toMatchObject({ type: 'link', state: 'down' });
    gw.onBar(bar(T0 + MIN));
    gw.send({ type: 'positions', requestId: 'Rp', ts: T0 + MIN, account: 'A1' });
    expect(kinds(messages).slice(2)).toEqual(['send_failed']);
    gw.onBar(bar(T0 + 5 * MIN));
    expect(messages[3]).toMatchObject({ type: 'link', state: 'up' });
    gw.send({ type: 'positions', requestId: 'Rq', ts: T0 + 5 * MIN, account: 'A1' });
    expect(messages[4]).toMatchObject({ type: 'positions', positions: [{ position: 2 }] });
    expect(faults.map((f) => f.detail)).toEqual([
      expect.stringContaining('connection lost while sending submit c.1 (it reached the venue)'),
      expect.stringContaining('ack for c.1 lost in the gap'),
      expect.stringContaining('fill of 2 (E00000002) for c.1 lost in the gap'),
    ]);
    // A lost fill of our order is not a truth change: the reconnect's status report shows it.
    expect(gw.truthChanges).toEqual([]);
  });

  it('external-position-change and unknown-order-at-provider change the position; only the unknown order sends a fill', () => {
    const { gw, messages } = harness({ seed: 1, rules: [{ kind: 'external-position-change', quantity: '+3' }, { kind: 'unknown-order-at-provider', quantity: '-1' }] });
    gw.onBar(bar(T0));
    expect(messages).toMatchObject([{ type: 'execution_report', report: { kind: 'fill', clientOrderId: 'EXT-000001', side: 'sell', lastQty: 1 } }]);
    expect(gw.venue.positions(T0, 'A1')).toMatchObject([{ position: 2 }]);
    expect(gw.truthChanges.map((t) => t.delta)).toEqual([-1, 3]);
  });

  it('stale-snapshot: a positions request is answered with the previous answer and its older asOf once the position changed', () => {
    const { gw, messages, faults } = harness({ seed: 1, rules: [{ kind: 'stale-snapshot', count: 1 }] });
    const positions = (ts: number, id: string) => { gw.send({ type: 'positions', requestId: id, ts, account: 'A1' }); return messages[messages.length - 1]; };
    gw.onBar(bar(T0));
    gw.send(submit('c.1', T0));
    gw.onBar(bar(T0 + MIN));
    expect(positions(T0 + MIN, 'P1')).toMatchObject({ type: 'positions', asOf: T0 + MIN, positions: [{ position: 2 }] });
    gw.send(submit('c.2', T0 + MIN));
    gw.onBar(bar(T0 + 2 * MIN));
    expect(positions(T0 + 2 * MIN, 'P2')).toMatchObject({ type: 'positions', requestId: 'P2', asOf: T0 + MIN, positions: [{ position: 2 }] });
    expect(faults).toMatchObject([{ fault: 'stale-snapshot', requestId: 'P2' }]);
    expect(positions(T0 + 2 * MIN, 'P3')).toMatchObject({ asOf: T0 + 2 * MIN, positions: [{ position: 4 }] });
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const run = (seed: number) => {
      const { gw, messages, faults } = harness(parseFaultSpec('drop-ack:0.5,duplicate-fill:0.5,external-position-change:0.2', seed));
      for (let i = 0; i < 40; i++) {
        const t = T0 + i * MIN;
        gw.onBar(bar(t));
        if (i % 3 === 0) gw.send(submit(`c.${i}`, t, { side: i % 2 === 0 ? 'buy' : 'sell', requestId: `S${i}` }));
      }
      return JSON.stringify([messages, faults]);
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
