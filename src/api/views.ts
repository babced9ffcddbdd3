/**
 * What the console shows, computed from the engine's folded state (positions, orders) or read
 * back from the journal (an intent's chain). Quantities are exact decimal strings.
 */
import { formatSigned } from '../domain/fixed-point.js';
import { fmtPrice, fmtQty } from '../domain/instrument.js';
import { positionKey } from '../domain/types.js';
import { OPEN } from '../execution/order-lifecycle.js';
import { workingOf } from '../execution/state.js';
import type { LiveRunner } from '../live/live-runner.js';
import { tradingStateOf } from '../risk/risk.js';

/** Every configured (account, instrument), flat ones included. */
export function positionsView(live: LiveRunner) {
  const { engine, config } = live;
  const rows = [];
  for (const a of config.accounts) for (const i of config.instruments) {
    const key = positionKey(a.id, i.id);
    const p = engine.state.execution.positions.get(key);
    const desired = engine.state.portfolio.positions.get(key)?.desired ?? 0;
    const expected = p?.expected ?? 0;
    const confirmed = p?.confirmed ?? 0;
    const f = (v: number) => formatSigned(v, i.sizeScale);
    const last = engine.lastPrice[i.index];
    const recon = engine.state.recon.positions.get(key);
    rows.push({
      account: a.id, instrument: i.id, desired: f(desired), expected: f(expected), confirmed: f(confirmed), working: f(workingOf(p)),
      residual: f(desired - confirmed), drift: f(expected - confirmed), classification: recon?.classification ?? 'IN_SYNC',
      tradingState: tradingStateOf(engine.state.risk, i.id), lastPrice: last === undefined ? null : fmtPrice(i, last),
    });
  }
  return rows;
}

/** Open orders first, then the most recent finished ones (at most 200 in all). */
export function ordersView(live: LiveRunner) {
  const { engine, config } = live;
  const seen = new Set<object>();
  const all = [];
  for (const o of engine.state.execution.orders.values()) {
    if (seen.has(o)) continue;
    seen.add(o);
    all.push(o);
  }
  all.sort((a, b) => Number(OPEN.has(b.status)) - Number(OPEN.has(a.status)) || b.submitSeq - a.submitSeq);
  return all.slice(0, 200).map((o) => {
    const i = config.instrumentById.get(o.instrument)!;
    return {
      clientOrderId: o.clientOrderId, intentId: o.intentId, account: o.account, instrument: o.instrument, side: o.side, type: o.type,
      timeInForce: o.timeInForce, quantity: fmtQty(i, o.quantity), filled: fmtQty(i, o.cumQty), leaves: fmtQty(i, Math.max(0, o.quantity - o.cumQty)),
      limitPrice: o.limitPrice === null ? null : fmtPrice(i, o.limitPrice),
      avgPrice: o.cumQty > 0 ? fmtPrice(i, Math.round(o.fillValue / o.cumQty)) : null,
      status: o.status, open: OPEN.has(o.status), providerOrderId: o.providerOrderId, submitSeq: o.submitSeq,
    };
  });
}
