/**
 * Market data staleness (B02): an instrument without a bar for `staleAfterMs` has no fresh
 * reference price for the price collar, so it goes reducing-only with a STALE_MARKET_DATA
 * incident — once per episode (an incident opened after its last bar is the episode's), released
 * by acknowledging the incident like any restriction the engine sets.
 */
import type { Instrument } from '../domain/types.js';
import { DraftList, type DecideContext } from '../domain/decider.js';
import type { KernelState } from '../engine/kernel-state.js';
import { incidentDraft } from '../operator/drafts.js';
import { tradingStateOf } from './risk.js';

export interface MarketDataView {
  readonly staleAfterMs: number;
  /** Event time of the instrument's last bar, undefined before its first. */
  readonly lastBarTs: (instrument: Instrument) => number | undefined;
}

/**
 * @example
 * // Given FIX-ALPHA's last bar 12 s ago and staleAfterMs 10 000; When a timer fires
 * decideStaleMarketData(state, view, ctx) // -> [incident STALE_MARKET_DATA, trading_state_changed active -> reducing]
 */
export function decideStaleMarketData(state: Readonly<KernelState>, view: MarketDataView, ctx: DecideContext): DraftList {
  const out = new DraftList(ctx.nextSeq);
  for (const inst of ctx.cfg.instruments) {
    const last = view.lastBarTs(inst);
    if (last === undefined || ctx.now - last < view.staleAfterMs) continue;
    let flagged = false;
    for (const inc of state.incidents.incidents.values()) {
      if (inc.code === 'STALE_MARKET_DATA' && inc.instrument === inst.id && inc.openedTs >= last) { flagged = true; break; }
    }
    if (flagged) continue;
    const incidentId = `INC-${out.nextSeq}-STALE_MARKET_DATA`;
    const base = { ts: ctx.now, account: '*', instrument: inst.id, correlationId: null, causationSeq: null };
    const seq = out.push(incidentDraft(base, incidentId, 'STALE_MARKET_DATA', `no market data for ${inst.id} for ${ctx.now - last} ms`, { lastBarTs: last, lastBarAgeMs: ctx.now - last }));
    const from = tradingStateOf(state.risk, inst.id);
    if (from === 'active') {
      out.push({ ...base, causationSeq: seq, type: 'S07.operator', payload: { kind: 'trading_state_changed', from, to: 'reducing', actor: 'system:market-data', reason: 'stale market data: no fresh reference price', incidentId } });
    }
  }
  return out;
}
