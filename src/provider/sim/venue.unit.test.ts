import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeInstrument } from '../../domain/instrument.js';
import type { Instrument, OrderType, Side, TimeInForce } from '../../domain/types.js';
import type { Bar } from '../../marketdata/bar.js';
import type { ProviderPayload } from '../../records/records.js';
import { reportPayload } from '../../execution/provider-events.js';
import { executionMessage } from './encode.js';
import { SimVenue, type SimVenueConfig, type SubmitRequest, type VenueExecution } from './venue.js';

/** A venue report as the engine journals it (exact decimals, raw FIX-style body), for readable expectations. */
interface ProviderEvent { readonly ts: number; readonly account: string; readonly instrument: string; readonly payload: ProviderPayload }
const view = (ev: VenueExecution): ProviderEvent => ({ ts: ev.ts, account: ev.account, instrument: ev.instrument.id, payload: reportPayload(ev.report, ev.instrument, executionMessage(ev).raw, ev.ts) });
const poll = (v: SimVenue, ts: number): ProviderEvent[] => v.poll(ts).map(view);

const ALPHA = makeInstrument('FIX-ALPHA', 0, '0.01', '1');
const BRAVO = makeInstrument('FIX-BRAVO', 1, '0.05', '1');
const DELTA = makeInstrument('FIX-DELTA', 3, '0.0001', '100');

const MIN = 60_000;
/** 2024-01-02T14:30:00Z */
const T0 = 1_704_205_800_000;
/** 2024-01-03T00:00:00Z */
const NEXT_DAY = 1_704_240_000_000;
const MONEY = 1_000_000;
const CASH = 1_000_000 * MONEY;

function config(over: Partial<SimVenueConfig> = {}): SimVenueConfig {
  return {
    latencyMs: 100,
    slippageBps: 0,
    participation: { num: 1, den: 1 },
    feeCentiBps: 0,
    maxOrderQty: new Map([['FIX-ALPHA', 500]]),
    accounts: [{ id: 'A1', startingCash: CASH }, { id: 'A2', startingCash: CASH }],
    leverage: 1,
    ...over,
  };
}

interface BarSpec { open: number; high?: number; low?: number; close?: number; volume?: number }

/** A bar; the object is reused across calls like the real reader does, so the venue must copy what it keeps. */
const shared = { ts: 0, instrument: ALPHA, open: 0, high: 0, low: 0, close: 0, volume: 0, line: 0 };
function bar(instrument: Instrument, ts: number, s: BarSpec): Bar {
  shared.ts = ts;
  shared.instrument = instrument;
  shared.open = s.open;
  shared.high = s.high ?? Math.max(s.open, s.close ?? s.open);
  shared.low = s.low ?? Math.min(s.open, s.close ?? s.open);
  shared.close = s.close ?? s.open;
  shared.volume = s.volume ?? 1_000_000;
  shared.line++;
  return shared;
}

function order(over: Partial<SubmitRequest> & { clientOrderId: string }): SubmitRequest {
  return {
    account: 'A1',
    instrument: ALPHA,
    side: 'buy',
    type: 'market',
    timeInForce: 'DAY',
    quantity: 10,
    limitPrice: null,
    ...over,
  };
}

const kinds = (evs: readonly ProviderEvent[]): string[] => evs.map((e) => e.payload.kind);

describe('SimVenue', () => {
  describe('given a market order submitted after a first bar, latency 100 ms', () => {
    it('when time reaches ts + latency, then it is acked (not before), stamped with the effective time', () => {
      const v = new SimVenue(config());
      v.onBar(bar(ALPHA, T0, { open: 10000 }));
      v.submit(T0, order({ clientOrderId: 'c1', quantity: 10 }));

      expect(poll(v, T0 + 99)).toEqual([]);
      expect(v.queryOrder(T0 + 99, 'A1', 'c1')).toBeNull();

      expect(poll(v, T0 + 100)).toEqual([
        {
          ts: T0 + 100,
          account: 'A1',
          instrument: 'FIX-ALPHA',
          payload: {
            kind: 'ack',
            clientOrderId: 'c1',
            providerOrderId: 'P00000001',
            execId: 'E00000001',
            cumQty: '0',
            leavesQty: '10',
            reason: null,
            origClientOrderId: null,
            raw: { MsgType: '8', ExecType: '0', OrdStatus: '0', ClOrdID: 'c1', OrderID: 'P00000001', ExecID: 'E00000001', Account: 'A1', Symbol: 'FIX-ALPHA',
              Side: '1', OrderQty: '10', CumQty: '0', LeavesQty: '10' },
          },
        },
      ]);
      expect(v.queryOrder(T0 + 100, 'A1', 'c1')).toEqual({
        account: 'A1', instrument: 'FIX-ALPHA', clientOrderId: 'c1', providerOrderId: 'P00000001',
        side: 'buy', status: 'new', quantity: 10, cumQty: 0, leavesQty: 10, avgPrice: 0,
      });
    });

    it('when the next bar arrives without a poll, then the ack is produced by the bar, before the fill', () => {
      const v = new SimVenue(config());
      v.onBar(bar(ALPHA, T0, { open: 10000 }));
      v.submit(T0, order({ clientOrderId: 'c1' }));
      v.onBar(bar(ALPHA, T0 + MIN, { open: 10010 }));
      const evs = poll(v, T0 + MIN);
      expect(evs.map((e) => [e.ts, e.payload.kind])).toEqual([[T0 + 100, 'ack'], [T0 + MIN, 'fill']]);
    });
  });

  describe('given slippage of 5 bps on FIX-ALPHA (tick 0.01) and 3 bps on FIX-BRAVO (tick 0.05)', () => {
    it('when market orders meet the next bar, then they fill at its open moved against the taker, on the tick grid', () => {
      const v = new SimVenue(config({ slippageBps: 5, maxOrderQty: new Map() }));
      v.onBar(bar(ALPHA, T0, { open: 10000 }));
      v.submit(T0, order({ clientOrderId: 'a-buy', side: 'buy' }));
      v.submit(T0, order({ account: 'A2', clientOrderId: 'a-sell', side: 'sell' }));
      v.onBar(bar(ALPHA, T0 + MIN, { open: 10000 }));

      const v3 = new SimVenue(config({ slippageBps: 3, maxOrderQty: new Map() }));
      v3.onBar(bar(BRAVO, T0, { open: 25000 }));
      v3.submit(T0, order({ clientOrderId: 'b-buy', instrument: BRAVO, side: 'buy' }));
      v3.submit(T0, order({ account: 'A2', clientOrderId: 'b-sell', instrument: BRAVO, side: 'sell' }));
      v3.onBar(bar(BRAVO, T0 + MIN, { open: 25000 }));

      const fills = (evs: ProviderEvent[]): [string, string][] =>
        evs.flatMap((e) => (e.payload.kind === 'fill' ? [[e.payload.clientOrderId, e.payload.lastPrice] as [string, string]] : []));
      // 5 bps of 100.00 = 0.05 exactly: buy 100.05, sell 99.95.
      expect(fills(poll(v, T0 + MIN))).toEqual([['a-buy', '100.05'], ['a-sell', '99.95']]);
      // 3 bps of 250.00 = 0.075 -> ceil 0.08 -> up to the 0.05 grid = 0.10: buy 250.10, sell 249.90.
      expect(fills(poll(v3, T0 + MIN))).toEqual([['b-buy', '250.10'], ['b-sell', '249.90']]);
    });

    it('when an order becomes effective exactly at a bar ts, then it misses that bar and fills at the next one', () => {
      const v = new SimVenue(config({ latencyMs: MIN }));
      v.onBar(bar(ALPHA, T0, { open: 10000 }));
      v.submit(T0, order({ clientOrderId: 'c1' }));
      v.onBar(bar(ALPHA, T0 + MIN, { open: 10100 }));
      expect(kinds(poll(v, T0 + MIN))).toEqual(['ack']);
      v.onBar(bar(ALPHA, T0 + 2 * MIN, { open: 10200 }));
      const [fill] = poll(v, T0 + 2 * MIN);
      expect(fill?.payload).toMatchObject({ kind: 'fill', lastPrice: '102.00', lastQty: '10' });
    });
  });

  describe('given participation 1/10 and a market order of 250 on bars of volume 1000', () => {
    it('when three bars pass, then it fills 100, 100, 50 with consistent cumQty/leaves', () => {
      const v = new SimVenue(config({ participation: { num: 1, den: 10 }, maxOrderQty: new Map() }));
      v.onBar(bar(ALPHA, T0, { open: 10000 }));
      v.submit(T0, order({ clientOrderId: 'big', quantity: 250, timeInForce: 'GTC' }));
      for (let k = 1; k <= 4; k++) v.onBar(bar(ALPHA, T0 + k * MIN, { open: 10000 + k, volume: 1000 }));
      const evs = poll(v, T0 + 4 * MIN);
      expect(evs.map((e) => e.payload)).toMatchObject([
        { kind: 'ack', execId: 'E00000001', leavesQty: '250' },
        { kind: 'partial_fill', execId: 'E00000002', lastQty: '100', lastPrice: '100.01', cumQty: '100', leavesQty: '150' },
        { kind: 'partial_fill', execId: 'E00000003', lastQty: '100', lastPrice: '100.02', cumQty: '200', leavesQty: '50' },
        { kind: 'fill', execId: 'E00000004', lastQty: '50', lastPrice: '100.03', cumQty: '250', leavesQty: '0' },
      ]);
      const sum = evs.reduce((s, e) => s + (e.payload.kind === 'fill' || e.payload.kind === 'partial_fill' ? Number(e.payload.lastQty) : 0), 0);
      expect(sum).toBe(250);
      expect(v.positions(T0 + 4 * MIN, 'A1')).toEqual([{ account: 'A1', instrument: 'FIX-ALPHA', position: 250 }]);
    });

    it('when the share is not a whole lot (lot 100, volume 5500), then it is rounded down to the lot; volume 0 fills nothing', () => {
      const v = new SimVenue(config({ participation: { num: 1, den: 10 }, maxOrderQty: new Map() }));
      v.onBar(bar(DELTA, T0, { open: 12000 }));
      v.submit(T0, order({ clientOrderId: 'd1', instrument: DELTA, quantity: 1000, timeInForce: 'GTC' }));
      v.onBar(bar(DELTA, T0 + MIN, { open: 12000, volume: 5500 }));
      v.onBar(bar(DELTA, T0 + 2 * MIN, { open: 12000, volume: 0 }));
      v.onBar(bar(DELTA, T0 + 3 * MIN, { open: 12000, volume: 999 }));
      expect(poll(v, T0 + 3 * MIN).map((e) => e.payload)).toMatchObject([
        { kind: 'ack' },
        { kind: 'partial_fill', lastQty: '500', cumQty: '500', leavesQty: '500' },
      ]);
    });
  });

  describe('given limit orders', () => {
    it('when the bar does not reach the limit, then nothing fills; when it crosses, the fill is at min(limit, open) for a buy', () => {
      const v = new SimVenue(config());
      v.onBar(bar(ALPHA, T0, { open: 10000 }));
      v.submit(T0, order({ clientOrderId: 'lb', type: 'limit', limitPrice: 9950, timeInForce: 'GTC' }));
      v.submit(T0, order({ clientOrderId: 'lb2', type: 'limit', limitPrice: 9950, timeInForce: 'GTC' }));
      v.onBar(bar(ALPHA, T0 + MIN, { open: 10000, low: 9960, high: 10020 }));
      expect(kinds(poll(v, T0 + MIN))).toEqual(['ack', 'ack']);
      v.cancel(T0 + MIN, { account: 'A1', instrument: ALPHA, clientOrderId: 'lb2' });
      v.onBar(bar(ALPHA, T0 + 2 * MIN, { open: 9980, low: 9940, high: 9990 }));
      expect(poll(v, T0 + 2 * MIN).map((e) => e.payload)).toMatchObject([
        { kind: 'cancelled', clientOrderId: 'lb2' },
        { kind: 'fill', clientOrderId: 'lb', lastPrice: '99.50' },
      ]);
      // Gap down through the limit: the buy gets the better open.
      v.submit(T0 + 2 * MIN, order({ clientOrderId: 'lb3', type: 'limit', limitPrice: 9950 }));
      v.onBar(bar(ALPHA, T0 + 3 * MIN, { open: 9900, low: 9890, high: 9920 }));
      expect(poll(v, T0 + 3 * MIN).map((e) => e.payload)).toMatchObject([{ kind: 'ack' }, { kind: 'fill', lastPrice: '99.00' }]);
    });

    it('when a sell limit is reached, then it fills at max(limit, open)', () => {
      const v = new SimVenue(config());
      v.onBar(bar(ALPHA, T0, { open: 10000 }));
      v.submit(T0, order({ clientOrderId: 'ls', side: 'sell', type: 'limit', limitPrice: 10050 }));
      v.submit(T0, order({ clientOrderId: 'ls2', side: 'sell', type: 'limit', limitPrice: 10050 }));
      v.onBar(bar(ALPHA, T0 + MIN, { open: 10000, high: 10049, low: 9990 }));
      expect(kinds(poll(v, T0 + MIN))).toEqual(['ack', 'ack']);
      v.onBar(bar(ALPHA, T0 + 2 * MIN, { open: 10100, high: 10120, low: 10080 }));
      expect(poll(v, T0 + 2 * MIN).map((e) => e.payload)).toMatchObject([
        { kind: 'fill', clientOrderId: 'ls', lastPrice: '101.00', side: 'sell' },
        { kind: 'fill', clientOrderId: 'ls2', lastPrice: '101.00', side: 'sell' },
      ]);
      expect(v.positions(T0 + 2 * MIN, 'A1')).toEqual([{ account: 'A1', instrument: 'FIX-ALPHA', position: -20 }]);
    });
  });

  describe('given IOC orders', () => {
    it('when one bar can fill only part, then the remainder is expired on that bar', () => {
      const v = new SimVenue(config({ participation: { num: 1, den: 10 } }));
      v.onBar(bar(ALPHA, T0, { open: 10000 }));
      v.submit(T0, order({ clientOrderId: 'ioc', quantity: 300, timeInForce: 'IOC' }));
      v.onBar(bar(ALPHA, T0 + MIN, { open: 10000, volume: 1000 }));
      v.onBar(bar(ALPHA, T0 + 2 * MIN, { open: 10000, volume: 1000 }));
      expect(poll(v, T0 + 2 * MIN).map((e) => [e.ts, e.payload])).toMatchObject([
        [T0 + 100, { kind: 'ack' }],
        [T0 + MIN, { kind: 'partial_fill', lastQty: '100', cumQty: '100', leavesQty: '200' }],
        [T0 + MIN, { kind: 'expired', cumQty: '100', leavesQty: '0', reason: 'IOC remainder cancelled' }],
      ]);
      expect(v.queryOrder(T0 + 2 * MIN, 'A1', 'ioc')).toMatchObject({ status: 'expired', cumQty: 100, leavesQty: 0 });
    });

    it('when the limit is not reached on its bar, then the whole order expires', () => {
      const v = new SimVenue(config());
      v.onBar(bar(ALPHA, T0, { open: 10000 }));
      v.submit(T0, order({ clientOrderId: 'ioc', type: 'limit', limitPrice: 9000, timeInForce: 'IOC' }));
      v.onBar(bar(ALPHA, T0 + MIN, { open: 10000 }));
      expect(poll(v, T0 + MIN).map((e) => e.payload)).toMatchObject([
        { kind: 'ack' },
        { kind: 'expired', cumQty: '0', leavesQty: '0', reason: 'IOC remainder cancelled' },
      ]);
    });
  });

  describe('given a DAY and a GTC limit order that do not cross before midnight UTC', () => {
    it('when the first bar of the next UTC day arrives, then the DAY order expires and the GTC order keeps working', () => {
      const v = new SimVenue(config());
      v.onBar(bar(ALPHA, T0, { open: 10000 }));
      v.submit(T0, order({ clientOrderId: 'day', type: 'limit', limitPrice: 9000, timeInForce: 'DAY' }));
      v.submit(T0, order({ clientOrderId: 'gtc', type: 'limit', limitPrice: 9000, timeInForce: 'GTC' }));
      v.onBar(bar(ALPHA, NEXT_DAY - MIN, { open: 10000 }));
      expect(kinds(poll(v, NEXT_DAY - MIN))).toEqual(['ack', 'ack']);
      v.onBar(bar(ALPHA, NEXT_DAY, { open: 8900, low: 8800 }));
      expect(poll(v, NEXT_DAY)).toMatchObject([
        { ts: NEXT_DAY, payload: { kind: 'expired', clientOrderId: 'day', reason: 'DAY order expired at end of day', cumQty: '0', leavesQty: '0' } },
        { ts: NEXT_DAY, payload: { kind: 'fill', clientOrderId: 'gtc', lastPrice: '89.00' } },
      ]);
    });
  });

  describe('rejects', () => {
    const setup = (over: Partial<SimVenueConfig> = {}): SimVenue => {
      const v = new SimVenue(config(over));
      v.onBar(bar(ALPHA, T0, { open: 10000 }));
      v.onBar(bar(DELTA, T0, { open: 12000 }));
      return v;
    };
    const rejectOf = (v: SimVenue, req: SubmitRequest, now = T0): unknown => {
      v.submit(now, req);
      const evs = poll(v, now + 100);
      expect(kinds(evs)).toEqual(['reject']);
      return evs[0]!.payload;
    };

    it('given quantity 600 above the venue maximum 500, then it is rejected naming both', () => {
      const v = setup();
      expect(rejectOf(v, order({ clientOrderId: 'r1', quantity: 600 }))).toEqual({
        kind: 'reject',
        clientOrderId: 'r1',
        providerOrderId: 'P00000001',
        execId: 'E00000001',
        origClientOrderId: null,
        reason: 'quantity 600 above venue maximum 500',
        raw: { MsgType: '8', ExecType: '8', OrdStatus: '8', ClOrdID: 'r1', OrderID: 'P00000001', ExecID: 'E00000001', Account: 'A1', Symbol: 'FIX-ALPHA', Side: '1',
          OrderQty: '600', CumQty: '0', LeavesQty: '0', OrdRejReason: '99', Text: 'quantity 600 above venue maximum 500' },
      });
      expect(v.queryOrder(T0 + 100, 'A1', 'r1')).toMatchObject({ status: 'rejected', cumQty: 0, leavesQty: 0 });
    });

    it('given a quantity off the lot (150 on lot 100), zero, or a limit price off the tick / missing, then each is rejected', () => {
      const v = setup();
      expect(rejectOf(v, order({ clientOrderId: 'r1', instrument: DELTA, quantity: 150 }))).toMatchObject({
        reason: 'quantity 150 is not a multiple of lot 100',
      });
      expect(rejectOf(v, order({ clientOrderId: 'r2', quantity: 0 }))).toMatchObject({ reason: 'quantity 0 must be positive' });
      expect(rejectOf(v, order({ clientOrderId: 'r3', instrument: BRAVO, type: 'limit', limitPrice: 25001 }))).toMatchObject({
        reason: 'limit price 250.01 not on tick 0.05',
      });
      expect(rejectOf(v, order({ clientOrderId: 'r4', type: 'limit', limitPrice: null }))).toMatchObject({
        reason: 'limit order without limit price',
      });
      expect(rejectOf(v, order({ account: 'NOPE', clientOrderId: 'r5' }))).toMatchObject({ reason: 'unknown account NOPE' });
    });

    it('given cash 1000.00 at leverage 2, then a buy above 2000.00 gross exposure is rejected naming both values; a reducing sell is not', () => {
      const v = setup({ accounts: [{ id: 'A1', startingCash: 1000 * MONEY }], leverage: 2, maxOrderQty: new Map() });
      v.submit(T0, order({ clientOrderId: 'ok', quantity: 15 })); // 1500.00 at last close 100.00
      v.submit(T0, order({ clientOrderId: 'big', quantity: 6 })); // processed before any fill: 600.00 alone is fine
      expect(kinds(poll(v, T0 + 100))).toEqual(['ack', 'ack']);
      v.onBar(bar(ALPHA, T0 + MIN, { open: 10000 }));
      poll(v, T0 + MIN);
      // Now long 21 @ 100.00: cash -1100.00, equity 1000.00, buying power 2000.00, gross 2100.00.
      expect(rejectOf(v, order({ clientOrderId: 'more', type: 'limit', limitPrice: 10000, quantity: 1 }), T0 + MIN)).toMatchObject({
        reason: 'insufficient buying power: gross exposure 2200.000000 above buying power 2000.000000',
      });
      v.submit(T0 + MIN, order({ clientOrderId: 'reduce', side: 'sell', quantity: 5 }));
      expect(kinds(poll(v, T0 + MIN + 100))).toEqual(['ack']);
      expect(v.cash('A1')).toBe(-1100 * MONEY);
    });

    it('given a clOrdID the venue already accepted, then a second submit with it is rejected as duplicate and the first order is untouched', () => {
      const v = setup();
      v.submit(T0, order({ clientOrderId: 'dup', quantity: 10 }));
      v.submit(T0, order({ clientOrderId: 'dup', quantity: 20 }));
      expect(poll(v, T0 + 100).map((e) => e.payload)).toMatchObject([
        { kind: 'ack', clientOrderId: 'dup', providerOrderId: 'P00000001' },
        { kind: 'reject', clientOrderId: 'dup', providerOrderId: null, reason: 'duplicate clOrdID', raw: { OrdRejReason: '6' } },
      ]);
      expect(v.queryOrder(T0 + 100, 'A1', 'dup')).toMatchObject({ status: 'new', quantity: 10 });
      // Another account may use the same text.
      v.submit(T0 + 100, order({ account: 'A2', clientOrderId: 'dup' }));
      expect(kinds(poll(v, T0 + 200))).toEqual(['ack']);
    });
  });

  describe('cancel', () => {
    it('given an open partially filled order, when cancelled, then "cancelled" carries cumQty and leaves 0', () => {
      const v = new SimVenue(config({ participation: { num: 1, den: 10 } }));
      v.onBar(bar(ALPHA, T0, { open: 10000 }));
      v.submit(T0, order({ clientOrderId: 'c1', quantity: 300 }));
      v.onBar(bar(ALPHA, T0 + MIN, { open: 10000, volume: 1000 }));
      v.cancel(T0 + MIN, { account: 'A1', instrument: ALPHA, clientOrderId: 'c1' });
      v.onBar(bar(ALPHA, T0 + 2 * MIN, { open: 10000, volume: 1000 }));
      const evs = poll(v, T0 + 2 * MIN);
      expect(evs.map((e) => [e.ts, e.payload])).toMatchObject([
        [T0 + 100, { kind: 'ack' }],
        [T0 + MIN, { kind: 'partial_fill', cumQty: '100' }],
        [T0 + MIN + 100, { kind: 'cancelled', clientOrderId: 'c1', providerOrderId: 'P00000001', cumQty: '100', leavesQty: '0', raw: { ExecType: '4', OrdStatus: '4' } }],
      ]);
      expect(v.openOrders(T0 + 2 * MIN, 'A1')).toEqual([]);
    });

    it('given a filled order and an unknown id, when cancelled, then each gets a cancel_reject with the reason', () => {
      const v = new SimVenue(config());
      v.onBar(bar(ALPHA, T0, { open: 10000 }));
      v.submit(T0, order({ clientOrderId: 'c1' }));
      v.onBar(bar(ALPHA, T0 + MIN, { open: 10000 }));
      v.cancel(T0 + MIN, { account: 'A1', instrument: ALPHA, clientOrderId: 'c1' });
      v.cancel(T0 + MIN, { account: 'A1', instrument: ALPHA, clientOrderId: 'ghost' });
      expect(poll(v, T0 + MIN + 100).map((e) => e.payload)).toMatchObject([
        { kind: 'ack' },
        { kind: 'fill' },
        { kind: 'cancel_reject', clientOrderId: 'c1', providerOrderId: 'P00000001', reason: 'order already filled', raw: { MsgType: '9', CxlRejResponseTo: '1' } },
        { kind: 'cancel_reject', clientOrderId: 'ghost', providerOrderId: null, reason: 'unknown order' },
      ]);
    });
  });

  describe('replace (new total quantity)', () => {
    it('given a GTC limit order of 300 with 100 filled, when replaced up to 400, down to 150 and then to 100, then replaced, replaced, cancel_reject', () => {
      const v = new SimVenue(config({ participation: { num: 1, den: 10 } }));
      v.onBar(bar(ALPHA, T0, { open: 10000 }));
      v.submit(T0, order({ clientOrderId: 'o1', quantity: 300, type: 'limit', limitPrice: 10000, timeInForce: 'GTC' }));
      v.onBar(bar(ALPHA, T0 + MIN, { open: 10000, volume: 1000 }));
      expect(kinds(poll(v, T0 + MIN))).toEqual(['ack', 'partial_fill']);

      v.replace(T0 + MIN, { account: 'A1', instrument: ALPHA, origClientOrderId: 'o1', clientOrderId: 'o2', quantity: 400, limitPrice: 9900 });
      v.replace(T0 + MIN, { account: 'A1', instrument: ALPHA, origClientOrderId: 'o2', clientOrderId: 'o3', quantity: 150, limitPrice: 9900 });
      v.replace(T0 + MIN, { account: 'A1', instrument: ALPHA, origClientOrderId: 'o3', clientOrderId: 'o4', quantity: 100, limitPrice: 9900 });
      const common = { MsgType: '8', ExecType: '5', OrdStatus: '1', OrderID: 'P00000001', Account: 'A1', Symbol: 'FIX-ALPHA', Side: '1', CumQty: '100', AvgPx: '100.00' };
      expect(poll(v, T0 + MIN + 100).map((e) => e.payload)).toEqual([
        {
          kind: 'replaced', clientOrderId: 'o2', providerOrderId: 'P00000001', execId: 'E00000003', cumQty: '100', leavesQty: '300', reason: null, origClientOrderId: 'o1',
          raw: { ...common, ClOrdID: 'o2', ExecID: 'E00000003', OrderQty: '400', LeavesQty: '300', OrigClOrdID: 'o1' },
        },
        {
          kind: 'replaced', clientOrderId: 'o3', providerOrderId: 'P00000001', execId: 'E00000004', cumQty: '100', leavesQty: '50', reason: null, origClientOrderId: 'o2',
          raw: { ...common, ClOrdID: 'o3', ExecID: 'E00000004', OrderQty: '150', LeavesQty: '50', OrigClOrdID: 'o2' },
        },
        {
          kind: 'cancel_reject', clientOrderId: 'o4', providerOrderId: 'P00000001', execId: 'E00000005', reason: 'new quantity 100 not above filled quantity 100', origClientOrderId: 'o3',
          raw: { MsgType: '9', ClOrdID: 'o4', OrigClOrdID: 'o3', OrderID: 'P00000001', OrdStatus: '1', CxlRejResponseTo: '2', ExecID: 'E00000005', Account: 'A1', Symbol: 'FIX-ALPHA',
            Side: '1', CxlRejReason: '0', Text: 'new quantity 100 not above filled quantity 100' },
        },
      ]);
      // The new price applies; the order completes with its new total.
      v.onBar(bar(ALPHA, T0 + 2 * MIN, { open: 9950, low: 9890, high: 9960, volume: 1000 }));
      expect(poll(v, T0 + 2 * MIN).map((e) => e.payload)).toMatchObject([
        { kind: 'fill', clientOrderId: 'o3', lastQty: '50', lastPrice: '99.00', cumQty: '150', leavesQty: '0' },
      ]);
      // Found by the current and by the original clOrdID.
      expect(v.queryOrder(T0 + 2 * MIN, 'A1', 'o1')).toMatchObject({ clientOrderId: 'o3', status: 'filled', quantity: 150, cumQty: 150 });
      expect(v.queryOrder(T0 + 2 * MIN, 'A1', 'o4')).toBeNull();
    });

    it('given replaces above the maximum, on an unknown order and to a used clOrdID, then each is a cancel_reject', () => {
      const v = new SimVenue(config());
      v.onBar(bar(ALPHA, T0, { open: 10000 }));
      v.submit(T0, order({ clientOrderId: 'o1', type: 'limit', limitPrice: 9000 }));
      v.submit(T0, order({ clientOrderId: 'x1', type: 'limit', limitPrice: 9000 }));
      v.replace(T0, { account: 'A1', instrument: ALPHA, origClientOrderId: 'o1', clientOrderId: 'o2', quantity: 501, limitPrice: 9000 });
      v.replace(T0, { account: 'A1', instrument: ALPHA, origClientOrderId: 'zz', clientOrderId: 'o3', quantity: 20, limitPrice: 9000 });
      v.replace(T0, { account: 'A1', instrument: ALPHA, origClientOrderId: 'o1', clientOrderId: 'x1', quantity: 20, limitPrice: 9000 });
      expect(poll(v, T0 + 100).map((e) => e.payload)).toMatchObject([
        { kind: 'ack' },
        { kind: 'ack' },
        { kind: 'cancel_reject', reason: 'quantity 501 above venue maximum 500' },
        { kind: 'cancel_reject', reason: 'unknown order' },
        { kind: 'cancel_reject', reason: 'duplicate clOrdID' },
      ]);
    });
  });

  describe('given a fee of 0.5 bp (50 centi-bps) and slippage 5 bps', () => {
    it('when 37 are bought at 100.05 and 10 sold at 99.95, then fees round half away from zero to the money unit and cash/positions follow', () => {
      const v = new SimVenue(config({ feeCentiBps: 50, slippageBps: 5 }));
      v.onBar(bar(ALPHA, T0, { open: 10000 }));
      v.onBar(bar(BRAVO, T0, { open: 25000 }));
      v.submit(T0, order({ clientOrderId: 'b', quantity: 37 }));
      v.submit(T0, order({ clientOrderId: 'flat', instrument: BRAVO, type: 'limit', limitPrice: 20000, timeInForce: 'GTC' }));
      v.onBar(bar(ALPHA, T0 + MIN, { open: 10000, close: 10100 }));
      v.submit(T0 + MIN, order({ clientOrderId: 's', side: 'sell', quantity: 10 }));
      v.onBar(bar(ALPHA, T0 + 2 * MIN, { open: 10000 }));
      const fills = poll(v, T0 + 2 * MIN).filter((e) => e.payload.kind === 'fill').map((e) => e.payload);
      // 37 * 100.05 = 3701.85; fee 3701.85 * 0.00005 = 0.1850925 -> 0.185093
      // 10 * 99.95 = 999.50;  fee 999.50 * 0.00005 = 0.049975
      expect(fills).toMatchObject([
        { lastQty: '37', lastPrice: '100.05', fee: '0.185093', raw: { Commission: '0.185093' } },
        { lastQty: '10', lastPrice: '99.95', fee: '0.049975' },
      ]);
      expect(v.cash('A1')).toBe(CASH - 3_701_850_000 - 185_093 + 999_500_000 - 49_975);
      expect(v.cash('A2')).toBe(CASH);
      expect(v.positions(T0 + 2 * MIN, 'A1')).toEqual([
        { account: 'A1', instrument: 'FIX-ALPHA', position: 27 },
        { account: 'A1', instrument: 'FIX-BRAVO', position: 0 },
      ]);
      expect(v.positions(T0 + 2 * MIN, 'A2')).toEqual([]);
      expect(v.openOrders(T0 + 2 * MIN, 'A1')).toEqual([
        { account: 'A1', instrument: 'FIX-BRAVO', clientOrderId: 'flat', providerOrderId: 'P00000002', side: 'buy', status: 'new', quantity: 10, cumQty: 0, leavesQty: 10, avgPrice: 0 },
      ]);
      expect(v.lastPrice('FIX-ALPHA')).toBe(10000);
      expect(v.lastPrice('FIX-CHARLIE')).toBeUndefined();
    });
  });

  describe('queries', () => {
    it('given nothing was ever sent, then queryOrder is not_found and positions are empty', () => {
      const v = new SimVenue(config());
      expect(v.queryOrder(T0, 'A1', 'nope')).toBeNull();
      expect(v.positions(T0, 'A1')).toEqual([]);
      expect(v.openOrders(T0, 'A1')).toEqual([]);
      expect(() => v.cash('NOPE')).toThrow(/unknown account/);
    });
  });

  describe('config', () => {
    it('given a malformed config, then construction fails with CONFIG_INVALID', () => {
      expect(() => new SimVenue(config({ leverage: 0 }))).toThrow(/leverage/);
      expect(() => new SimVenue(config({ participation: { num: 2, den: 1 } }))).toThrow(/participation/);
      expect(() => new SimVenue(config({ latencyMs: -1 }))).toThrow(/latencyMs/);
    });
  });

  describe('determinism', () => {
    it('given two venues fed the same calls, then their event streams are deepEqual, however often they are polled', () => {
      const run = (pollEveryBar: boolean): ProviderEvent[] => {
        const v = new SimVenue(config({ participation: { num: 1, den: 4 }, slippageBps: 7, feeCentiBps: 35, latencyMs: 250 }));
        const out: ProviderEvent[] = [];
        for (let k = 0; k < 60; k++) {
          const ts = T0 + k * MIN;
          const open = 10000 + ((k * 37) % 50) - 25;
          v.onBar(bar(ALPHA, ts, { open, high: open + 20, low: open - 20, close: open + 3, volume: 100 + ((k * 13) % 200) }));
          v.onBar(bar(BRAVO, ts, { open: 25000 + (k % 7) * 5, volume: 50 }));
          if (pollEveryBar) out.push(...poll(v, ts));
          if (k % 5 === 1) v.submit(ts, order({ clientOrderId: `m${k}`, side: k % 2 ? 'buy' : 'sell', quantity: 40 + k }));
          if (k % 7 === 2) v.submit(ts, order({ clientOrderId: `l${k}`, instrument: BRAVO, type: 'limit', limitPrice: 25010, quantity: 30, timeInForce: 'GTC' }));
          if (k % 11 === 3) v.cancel(ts, { account: 'A1', instrument: BRAVO, clientOrderId: `l${k - 1}` });
        }
        out.push(...poll(v, T0 + 61 * MIN));
        return out;
      };
      const a = run(true);
      expect(a.length).toBeGreaterThan(20);
      expect(run(true)).toEqual(a);
      expect(run(false)).toEqual(a);
    });
  });

  describe('property: for random submits, replaces, cancels and bars', () => {
    type Cmd =
      | { t: 'submit'; acct: number; ins: number; side: Side; type: OrderType; tif: TimeInForce; qty: number; px: number }
      | { t: 'cancel'; misaddressed: boolean; ref: number }
      | { t: 'replace'; misaddressed: boolean; ref: number; qty: number; px: number }
      | { t: 'bar'; ins: number; open: number; range: number; volume: number; gapMs: number }
      | { t: 'poll' };
    const INS = [ALPHA, BRAVO, DELTA];
    const priceBase = [10000, 25000, 12000];
    const cmd: fc.Arbitrary<Cmd> = fc.oneof(
      { weight: 3, arbitrary: fc.record({
        t: fc.constant('submit' as const),
        acct: fc.integer({ min: 0, max: 1 }),
        ins: fc.integer({ min: 0, max: 2 }),
        side: fc.constantFrom<Side>('buy', 'sell'),
        type: fc.constantFrom<OrderType>('market', 'limit'),
        tif: fc.constantFrom<TimeInForce>('DAY', 'GTC', 'IOC'),
        qty: fc.integer({ min: -1, max: 8 }),
        px: fc.integer({ min: -30, max: 30 }),
      }) },
      // Cancels and replaces mostly target one of the last few orders, sometimes with the wrong account.
      fc.record({ t: fc.constant('cancel' as const), misaddressed: fc.constantFrom(false, false, false, true), ref: fc.nat(4) }),
      { weight: 2, arbitrary: fc.record({
        t: fc.constant('replace' as const), misaddressed: fc.constantFrom(false, false, false, true),
        ref: fc.nat(4), qty: fc.integer({ min: 0, max: 12 }), px: fc.integer({ min: -30, max: 30 }),
      }) },
      { weight: 4, arbitrary: fc.record({
        t: fc.constant('bar' as const), ins: fc.integer({ min: 0, max: 2 }), open: fc.integer({ min: -50, max: 50 }),
        range: fc.integer({ min: 0, max: 40 }), volume: fc.integer({ min: 0, max: 150 }),
        gapMs: fc.constantFrom(0, 50, 100, MIN, MIN, MIN, 6 * 3_600_000),
      }) },
      fc.constant({ t: 'poll' as const }),
    );

    it('then cumQty <= quantity, cumQty never decreases, terminal statuses never change and positions equal the signed sum of fills', () => {
      const seen = new Map<string, number>();
      fc.assert(
        fc.property(fc.array(cmd, { minLength: 20, maxLength: 120 }), fc.integer({ min: 0, max: 200 }), (cmds, latencyMs) => {
          const v = new SimVenue(config({ latencyMs, participation: { num: 1, den: 3 }, slippageBps: 3, feeCentiBps: 20, leverage: 3 }));
          const accounts = ['A1', 'A2'];
          let ts = T0;
          let n = 0;
          const sent: { id: string; acct: number; ins: number; type: OrderType }[] = [];
          const events: ProviderEvent[] = [];
          for (const [k, ins] of INS.entries()) v.onBar(bar(ins, ts, { open: priceBase[k]! }));
          for (const c of cmds) {
            if (c.t === 'bar') {
              ts += c.gapMs;
              const ins = INS[c.ins]!;
              const open = (priceBase[c.ins]! + c.open * ins.tick);
              v.onBar(bar(ins, ts, { open, high: open + c.range * ins.tick, low: Math.max(ins.tick, open - c.range * ins.tick), volume: c.volume * ins.lot }));
            } else if (c.t === 'submit') {
              const ins = INS[c.ins]!;
              const id = `c${n++}`;
              sent.push({ id, acct: c.acct, ins: c.ins, type: c.type });
              v.submit(ts, {
                account: accounts[c.acct]!, instrument: ins, clientOrderId: id, side: c.side, type: c.type, timeInForce: c.tif,
                quantity: c.qty * ins.lot * 10, limitPrice: c.type === 'limit' ? priceBase[c.ins]! + c.px * ins.tick : null,
              });
            } else if (c.t === 'cancel') {
              const o = sent[sent.length - 1 - c.ref] ?? { id: 'none', acct: 0, ins: 0, type: 'market' };
              v.cancel(ts, { account: accounts[c.misaddressed ? 1 - o.acct : o.acct]!, instrument: INS[o.ins]!, clientOrderId: o.id });
            } else if (c.t === 'replace') {
              const o = sent[sent.length - 1 - c.ref] ?? { id: 'none', acct: 0, ins: 0, type: 'market' };
              const ins = INS[o.ins]!;
              const id = `c${n++}`;
              sent.push({ ...o, id });
              v.replace(ts, {
                account: accounts[c.misaddressed ? 1 - o.acct : o.acct]!, instrument: ins, origClientOrderId: o.id, clientOrderId: id,
                quantity: c.qty * ins.lot * 10, limitPrice: o.type === 'limit' ? priceBase[o.ins]! + c.px * ins.tick : null,
              });
            } else {
              events.push(...poll(v, ts));
            }
          }
          events.push(...poll(v, ts + 1_000_000));
          for (const e of events) seen.set(e.payload.kind, (seen.get(e.payload.kind) ?? 0) + 1);

          // Per provider order: quantity (latest total), cumQty, terminal.
          const state = new Map<string, { qty: number; cum: number; terminal: string | null }>();
          const pos = new Map<string, number>();
          const qtyOf = (s: string): number => Number(s.replace('.', ''));
          for (const e of events) {
            const p = e.payload;
            // reject / cancel_reject do not change an order; a duplicate reject even names another order's clOrdID.
            if (!('cumQty' in p)) continue;
            const id = p.providerOrderId!;
            const before = state.get(id);
            if (before?.terminal) throw new Error(`${p.kind} after terminal ${before.terminal} on ${id}`);
            const cum = qtyOf(p.cumQty);
            const leaves = qtyOf(p.leavesQty);
            if (before && cum < before.cum) throw new Error(`cumQty decreased on ${id}`);
            const qty = p.kind === 'ack' || p.kind === 'replaced' || p.kind === 'partial_fill' || p.kind === 'fill' ? cum + leaves : (before?.qty ?? cum);
            if (cum > qty) throw new Error(`cumQty ${cum} above quantity ${qty} on ${id}`);
            const terminal = p.kind === 'fill' || p.kind === 'cancelled' || p.kind === 'expired' ? p.kind : null;
            if (p.kind === 'fill' && leaves !== 0) throw new Error('fill with leaves');
            if (p.kind === 'partial_fill' && leaves === 0) throw new Error('partial_fill without leaves');
            state.set(id, { qty, cum, terminal });
            if (p.kind === 'fill' || p.kind === 'partial_fill') {
              const k = e.account + '|' + e.instrument;
              const last = qtyOf(p.lastQty);
              if (last <= 0 || cum !== (before?.cum ?? 0) + last) throw new Error(`lastQty ${last} inconsistent with cumQty on ${id}`);
              pos.set(k, (pos.get(k) ?? 0) + (p.side === 'buy' ? last : -last));
            }
          }
          for (const a of accounts) {
            for (const snap of v.positions(ts + 1_000_000, a)) {
              if (snap.position !== (pos.get(a + '|' + snap.instrument) ?? 0)) {
                throw new Error(`${a} ${snap.instrument}: venue ${snap.position}, fills ${pos.get(a + '|' + snap.instrument) ?? 0}`);
              }
            }
            for (const [k, q] of pos) {
              if (k.startsWith(a + '|') && q !== 0 && !v.positions(ts + 1_000_000, a).some((s) => a + '|' + s.instrument === k)) {
                throw new Error(`position ${k} missing from snapshot`);
              }
            }
          }
          // Every order ends consistent with its last event.
          for (const a of accounts) {
            for (const o of v.openOrders(ts + 1_000_000, a)) {
              const s = state.get(o.providerOrderId);
              if (!s || s.terminal || s.cum !== o.cumQty || s.qty !== o.quantity) throw new Error(`open order ${o.providerOrderId} disagrees with its events`);
            }
          }
        }),
        { numRuns: 300 },
      );
      // The generator really exercises every path.
      for (const k of ['ack', 'reject', 'partial_fill', 'fill', 'cancelled', 'expired', 'replaced', 'cancel_reject']) {
        expect(seen.get(k) ?? 0, k).toBeGreaterThan(10);
      }
    });
  });
});
