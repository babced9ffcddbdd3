import { describe, expect, it } from 'vitest';
import { MemoryJournal } from '../journal/memory.js';
import type { AnyDraft } from '../records/records.js';
import { equityStatistics, r6, tradeStatistics } from './statistics.js';

const DAY = 86_400_000;
const T = Date.UTC(2024, 0, 1);

describe('equityStatistics', () => {
  const points = [
    { ts: T, equity: 1_000_000 }, { ts: T + DAY / 2, equity: 1_100_000 },
    { ts: T + DAY + DAY / 2, equity: 990_000 }, { ts: T + 2 * DAY + DAY / 2, equity: 1_089_000 },
  ];
  const s = equityStatistics(points, 1_000_000);

  it('measures return, drawdown and its duration', () => {
    expect(s.totalReturnPct).toBe(8.9);
    expect(s.maxDrawdownPct).toBe(10);
    expect(s.maxDrawdownDurationMs).toBe(2 * DAY);
    expect(s.cagrPct).toBe(r6((1.089 ** (365 / 2.5) - 1) * 100));
  });

  it('annualises daily Sharpe and Sortino with sqrt(365)', () => {
    // daily returns +10 %, -10 %, +10 %
    expect(s.sharpe).toBeCloseTo(5.51513, 4);
    expect(s.sortino).toBeCloseTo(11.03026, 4);
  });

  it('is defined on degenerate input', () => {
    expect(equityStatistics([], 1_000_000)).toMatchObject({ totalReturnPct: 0, sharpe: 0, sortino: null, cagrPct: null });
    const flat = equityStatistics([{ ts: T, equity: 5 }, { ts: T + 3 * DAY, equity: 5 }], 5);
    expect(flat).toMatchObject({ totalReturnPct: 0, sharpe: 0, sortino: null, maxDrawdownPct: 0, maxDrawdownDurationMs: 0 });
  });
});

describe('tradeStatistics', () => {
  const j = new MemoryJournal();
  const put = (type: AnyDraft['type'], payload: unknown) =>
    j.append({ ts: T, type, account: 'a', instrument: 'X', correlationId: 'i', causationSeq: null, payload } as AnyDraft);
  const order = (coid: string, side: string, ref: string) => put('S03.risk', {
    kind: 'risk_decision', decision: 'accepted', ruleId: 'ALL', reason: '', limit: '', observed: '', checks: [],
    order: { clientOrderId: coid, action: 'submit', origClientOrderId: null, side, type: 'market', timeInForce: 'DAY', quantity: '1', limitPrice: null, referencePrice: ref },
  });
  const fill = (coid: string, execId: string, side: string, qty: string, price: string, fee: string) => put('S05.provider', {
    kind: 'fill', clientOrderId: coid, providerOrderId: 'p', execId, side, lastQty: qty, lastPrice: price, cumQty: qty, leavesQty: '0', fee, raw: null,
  });
  order('c1', 'buy', '9.9');
  fill('c1', 'e1', 'buy', '2', '10', '0.02');
  fill('c1', 'e1', 'buy', '2', '10', '0.02'); // duplicate: ignored
  order('c2', 'sell', '12.1');
  fill('c2', 'e2', 'sell', '1', '12', '0.01');
  fill('c3', 'e3', 'sell', '2', '9', '0.02');
  const s = tradeStatistics(j.all(), { averageEquity: 100_000_000 });

  it('closes round trips FIFO, net of pro-rata fees', () => {
    expect(s.trades).toBe(3);
    expect(s.roundTrips).toBe(2);
    expect(s.winRate).toBe(0.5);
    expect(s.realizedPnl).toBe('0.960000');
    expect(s.profitFactor).toBe(r6(1.98 / 1.02));
  });

  it('sums notional, fees, turnover and side-signed slippage against arrival', () => {
    expect(s.notional).toBe('50.000000');
    expect(s.fees).toBe('0.050000');
    expect(s.turnover).toBe(0.5);
    expect(s.slippageVsArrival).toBe('0.300000');
    expect(s.perInstrument).toHaveLength(1);
    expect(s.perInstrument[0]).toMatchObject({ instrument: 'X', fills: 3, buyQty: '2', sellQty: '3', roundTrips: 2 });
  });
});
