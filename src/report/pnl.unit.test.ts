import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, ALPHA, CHARLIE, base, journal } from '../../test/support/records.js';
import { formatFixed, MONEY_SCALE, parseFixed } from '../domain/fixed-point.js';
import { fmtPrice, fmtQty } from '../domain/instrument.js';
import type { Instrument } from '../domain/types.js';
import { evolveExecution, initialExecutionState } from '../execution/state.js';
import { PnlBook } from './pnl.js';

const START = 1_000_000 * 10 ** MONEY_SCALE;
const scales = new Map([[ALPHA.id, ALPHA], [CHARLIE.id, CHARLIE]]);

/** Given: a journal of our orders and their fills (each fill its own order, as in the sim). */
function fills(list: readonly { inst?: Instrument; side: 'buy' | 'sell'; qty: number; price: number; fee?: string; execId?: string; ours?: boolean }[]) {
  const j = journal();
  list.forEach((f, n) => {
    const inst = f.inst ?? ALPHA;
    const coid = `intent-${n}-1`;
    if (f.ours !== false) {
      j.seal({ ...base(inst.id, `intent-${n}`), type: 'S04.order', payload: { kind: 'submit', clientOrderId: coid, attempt: 1, side: f.side, type: 'market', timeInForce: 'DAY', quantity: fmtQty(inst, f.qty), limitPrice: null } });
    }
    j.seal({ ...base(inst.id, `intent-${n}`), type: 'S05.provider', payload: {
      kind: 'fill', clientOrderId: coid, providerOrderId: `P-${n}`, execId: f.execId ?? `E-${n}`, side: f.side, lastQty: fmtQty(inst, f.qty),
      lastPrice: fmtPrice(inst, f.price), cumQty: fmtQty(inst, f.qty), leavesQty: fmtQty(inst, 0), fee: f.fee ?? '0.000000', raw: {},
    } });
  });
  return j;
}

const book = (records: Iterable<Parameters<PnlBook['add']>[0]>) => {
  const b = new PnlBook(new Map([[ACCOUNT, START]]), scales);
  for (const r of records) b.add(r);
  return b;
};

describe('P&L fold (average cost)', () => {
  it('adds at average cost, realises a reduction against it, fees net in realised, unrealised at the last price', () => {
    // Given buys of 10 @ 100.00 and 10 @ 110.00 (avg 105), then a sale of 15 @ 120.00, fees 1 + 1 + 2
    const j = fills([
      { side: 'buy', qty: 10, price: 10_000, fee: '1.000000' }, { side: 'buy', qty: 10, price: 11_000, fee: '1.000000' },
      { side: 'sell', qty: 15, price: 12_000, fee: '2.000000' },
    ]);
    // When folded and valued at a last price of 130.00
    const v = book(j.records()).view(() => '130.00');
    // Then realised = 15 × (120 − 105) − 4 = 221, unrealised = 5 × 130 − 525 = 125
    expect(v.rows).toEqual([{
      account: ACCOUNT, instrument: 'FIX-ALPHA', position: '+5', averagePrice: '105.0000', lastPrice: '130.00', fills: 3,
      realized: '221.000000', unrealized: '125.000000', fees: '4.000000', total: '346.000000', marketValue: '650.000000',
    }]);
    expect(v.total).toMatchObject({ startingCash: '1000000.000000', cash: '999696.000000', equity: '1000346.000000', total: '346.000000' });
  });

  it('a fill through zero closes the long and opens the rest short at the fill price', () => {
    const v = book(fills([{ side: 'buy', qty: 5, price: 10_000 }, { side: 'sell', qty: 8, price: 9_000 }]).records()).view(() => '80.00');
    expect(v.rows[0]).toMatchObject({ position: '-3', averagePrice: '90.0000', realized: '-50.000000', unrealized: '30.000000', total: '-20.000000' });
  });

  it('ignores a duplicate execution id and fills of orders we never sent (the engine ignores them too)', () => {
    const v = book(fills([
      { side: 'buy', qty: 5, price: 10_000 }, { side: 'buy', qty: 5, price: 10_000, execId: 'E-0' }, { side: 'buy', qty: 7, price: 10_000, ours: false },
    ]).records()).view(() => null);
    expect(v.rows[0]).toMatchObject({ position: '+5', fills: 1, lastPrice: null, unrealized: '0.000000', marketValue: '500.000000' });
  });

  it('an adjustment (provider truth wins) moves the book at price 0: the vanished position is a realised loss, cash unchanged', () => {
    const j = fills([{ side: 'buy', qty: 4, price: 10_000 }]);
    j.seal({ ...base('FIX-ALPHA', null), type: 'S06.reconciliation', payload: { kind: 'adjustment', expectedBefore: '+4', confirmed: '0', adjustment: '-4', reason: 'provider truth wins' } });
    const v = book(j.records()).view(() => '101.00');
    expect(v.rows[0]).toMatchObject({ position: '0', realized: '-400.000000', unrealized: '0.000000', averagePrice: null });
    expect(v.total.equity).toBe('999600.000000');
  });

  it('without starting cash (a journal read alone) the P&L is there, cash and equity are unknown', () => {
    const b = new PnlBook();
    for (const r of fills([{ side: 'buy', qty: 1_500, price: 1_200, inst: CHARLIE }]).records()) b.add(r);
    const v = b.view(() => '121.0');
    expect(v.rows[0]).toMatchObject({ instrument: 'FIX-CHARLIE', position: '+1.500', unrealized: '1.500000' });
    expect(v.total).toMatchObject({ cash: null, equity: null, startingCash: null });
  });

  it('a position that only an adjustment made (no fill yet) takes the price scale from the last price', () => {
    const j = journal();
    j.seal({ ...base('FIX-DELTA', null), type: 'S06.reconciliation', payload: { kind: 'adjustment', expectedBefore: '0', confirmed: '-900', adjustment: '-900', reason: 'external' } });
    const b = new PnlBook();
    for (const r of j.records()) b.add(r);
    expect(b.view(() => '1.2521').rows[0]).toMatchObject({ position: '-900', lastPrice: '1.2521', marketValue: '-1126.890000', unrealized: '-1126.890000' });
  });

  it('property: equity = starting cash + realised + unrealised exactly, and cash equals the engine\'s expected cash', () => {
    const fill = fc.record({ buy: fc.boolean(), qty: fc.integer({ min: 1, max: 2_000 }), price: fc.integer({ min: 1, max: 400 }), fee: fc.integer({ min: 0, max: 9_999 }), charlie: fc.boolean() });
    fc.assert(fc.property(fc.array(fill, { maxLength: 40 }), fc.integer({ min: 1, max: 400 }), (list, last) => {
      const j = fills(list.map((f) => {
        const inst = f.charlie ? CHARLIE : ALPHA;
        return { inst, side: f.buy ? 'buy' as const : 'sell' as const, qty: f.qty * inst.lot, price: f.price * inst.tick, fee: formatFixed(f.fee, MONEY_SCALE) };
      }));
      const v = book(j.records()).view((id) => (id === CHARLIE.id ? fmtPrice(CHARLIE, last * CHARLIE.tick) : fmtPrice(ALPHA, last * ALPHA.tick)));
      const exec = initialExecutionState(new Map([[ACCOUNT, START]]));
      for (const r of j.records()) evolveExecution(exec, r, scales.get(r.instrument ?? '') as Instrument);
      const m = (t: string) => parseFixed(t, MONEY_SCALE);
      return m(v.total.equity!) === START + m(v.total.realized) + m(v.total.unrealized) && m(v.total.cash!) === exec.cash.get(ACCOUNT);
    }), { numRuns: 200 });
  });
});
