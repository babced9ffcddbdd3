/**
 * B02 risk gate: owns what must not happen. Every proposed submit/replace gets exactly one S03
 * record — accepted or rejected with the rule id, the limit and the observed value — written
 * before anything is routed. Rejections are records, never exceptions. Risk never changes a
 * target; trading state (active / reducing / halted) and the kill switch live here.
 */

import { fmtMoney, fmtPrice, fmtQty, notional } from '../domain/instrument.js';
import { signOf, type Instrument, type OrderType, type Side, type TimeInForce, type TradingState } from '../domain/types.js';
import type { Draft, JournalRecord, RiskCheck, RiskRuleId } from '../records/records.js';

export interface RiskLimits {
  readonly maxPosition: number;
  readonly maxOrderQty: number;
  /** Money units. */
  readonly maxOrderNotional: number;
  readonly maxGrossExposure: number;
  readonly orderRate: { readonly maxOrders: number; readonly windowMs: number };
  readonly priceCollarBps: number;
}

export interface RiskState {
  readonly tradingState: Map<string, TradingState>;
  killSwitch: boolean;
  /** Times of accepted orders per account, oldest first (order-rate window). */
  readonly orderTimes: Map<string, number[]>;
}

export function initialRiskState(tradingStates: Iterable<[string, TradingState]> = [], killSwitch = false): RiskState {
  return { tradingState: new Map(tradingStates), killSwitch, orderTimes: new Map() };
}

export const tradingStateOf = (s: RiskState, instrument: string): TradingState => s.tradingState.get(instrument) ?? 'active';

/** What execution proposes, with the exposure picture the gate needs. */
export interface RiskRequest {
  readonly ts: number;
  readonly account: string;
  readonly instrument: Instrument;
  readonly correlationId: string;
  readonly causationSeq: number;
  readonly action: 'submit' | 'replace';
  readonly clientOrderId: string;
  readonly origClientOrderId: string | null;
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  /** Quantity this order adds to the book: the whole order, or for a replace the new leaves. */
  readonly quantity: number;
  /** The quantity printed on the order (for a replace: the new total). */
  readonly orderQuantity: number;
  readonly limitPrice: number | null;
  readonly lastPrice: number | undefined;
  /** Confirmed + working of this pair, without the order being replaced. */
  readonly projectedBefore: number;
  /** Gross exposure of the account (money) without this pair's projected position. */
  readonly grossOthers: number;
}

/**
 * Runs every pre-trade check and returns the S03 record.
 *
 * @example
 * // Given maxOrderQty 300; When a buy of 500 is proposed
 * decideRisk(state, req, limits).payload // { decision: 'rejected', ruleId: 'MAX_ORDER_QTY', limit: '300', observed: '500', ... }
 */
export function decideRisk(state: RiskState, req: RiskRequest, limits: RiskLimits): Draft<'S03.risk'> {
  const inst = req.instrument;
  const checks: RiskCheck[] = [];
  const check = (rule: RiskRuleId, limit: string, observed: string, pass: boolean) => { checks.push({ rule, limit, observed, pass }); };
  const sign = signOf(req.side);
  const after = req.projectedBefore + sign * req.quantity;
  const reduces = Math.abs(after) < Math.abs(req.projectedBefore);

  check('KILL_SWITCH', 'off', state.killSwitch ? 'on' : 'off', !state.killSwitch);
  const ts = tradingStateOf(state, inst.id);
  check('TRADING_STATE', ts === 'reducing' ? 'reducing: only orders toward flat' : ts, ts === 'reducing' ? (reduces ? 'reduces position' : 'increases position') : ts,
    ts === 'active' || (ts === 'reducing' && reduces && Math.sign(after) * Math.sign(req.projectedBefore) >= 0));
  const last = req.lastPrice;
  check('NO_MARKET_PRICE', 'a last price', last === undefined ? 'none' : fmtPrice(inst, last), last !== undefined);
  const ref = req.limitPrice ?? last ?? 0;
  if (last !== undefined) {
    const devBps = last > 0 ? Math.floor((Math.abs(ref - last) * 10_000) / last) : 0;
    check('PRICE_COLLAR', `${limits.priceCollarBps} bps from ${fmtPrice(inst, last)}`, `${devBps} bps`, devBps <= limits.priceCollarBps);
  }
  check('MAX_ORDER_QTY', fmtQty(inst, limits.maxOrderQty), fmtQty(inst, req.orderQuantity), req.orderQuantity <= limits.maxOrderQty);
  const orderNotional = notional(inst, ref, req.quantity);
  check('MAX_ORDER_NOTIONAL', fmtMoney(limits.maxOrderNotional), fmtMoney(orderNotional), orderNotional <= limits.maxOrderNotional);
  check('MAX_POSITION', fmtQty(inst, limits.maxPosition), fmtQty(inst, Math.abs(after)), Math.abs(after) <= limits.maxPosition || reduces);
  const grossBefore = req.grossOthers + notional(inst, ref, Math.abs(req.projectedBefore));
  const grossAfter = req.grossOthers + notional(inst, ref, Math.abs(after));
  check('MAX_GROSS_EXPOSURE', fmtMoney(limits.maxGrossExposure), fmtMoney(grossAfter), grossAfter <= limits.maxGrossExposure || grossAfter <= grossBefore);
  const times = state.orderTimes.get(req.account) ?? [];
  const windowStart = req.ts - limits.orderRate.windowMs;
  let inWindow = 0;
  for (let i = times.length - 1; i >= 0 && times[i]! > windowStart; i--) inWindow++;
  check('ORDER_RATE', `${limits.orderRate.maxOrders} per ${limits.orderRate.windowMs} ms`, `${inWindow + 1}`, inWindow + 1 <= limits.orderRate.maxOrders);

  const failed = checks.find((c) => !c.pass);
  return {
    ts: req.ts, type: 'S03.risk', account: req.account, instrument: inst.id,
    correlationId: req.correlationId, causationSeq: req.causationSeq,
    payload: {
      kind: 'risk_decision',
      decision: failed ? 'rejected' : 'accepted',
      ruleId: failed ? failed.rule : 'ALL',
      reason: failed ? REASONS[failed.rule] : 'all pre-trade checks passed; accepted before provider routing',
      limit: failed ? failed.limit : '',
      observed: failed ? failed.observed : '',
      checks,
      order: {
        clientOrderId: req.clientOrderId, action: req.action, origClientOrderId: req.origClientOrderId,
        side: req.side, type: req.type, timeInForce: req.timeInForce, quantity: fmtQty(inst, req.orderQuantity),
        limitPrice: req.limitPrice === null ? null : fmtPrice(inst, req.limitPrice),
        referencePrice: fmtPrice(inst, ref),
      },
    },
  };
}

const REASONS: Readonly<Record<RiskRuleId, string>> = {
  KILL_SWITCH: 'kill switch engaged: no new orders',
  TRADING_STATE: 'instrument trading state does not allow this order',
  NO_MARKET_PRICE: 'no market price seen yet for the instrument',
  PRICE_COLLAR: 'price outside the collar around the last price',
  MAX_ORDER_QTY: 'order quantity above the maximum',
  MAX_ORDER_NOTIONAL: 'order notional above the maximum',
  MAX_POSITION: 'resulting position above the maximum',
  MAX_GROSS_EXPOSURE: 'gross exposure of the account would exceed the maximum',
  ORDER_RATE: 'order rate limit reached',
};

/** Folds accepted S03 records (order-rate window), trading-state changes and the kill switch. */
export function evolveRisk(state: RiskState, record: JournalRecord, windowMs: number): RiskState {
  if (record.type === 'S03.risk' && record.payload.decision === 'accepted') {
    let times = state.orderTimes.get(record.account);
    if (!times) state.orderTimes.set(record.account, (times = []));
    times.push(record.ts);
    // Keep only the window: the array stays small however long the run.
    let drop = 0;
    while (drop < times.length && times[drop]! <= record.ts - windowMs) drop++;
    if (drop > 0) times.splice(0, drop);
  } else if (record.type === 'S07.operator') {
    const p = record.payload;
    if (p.kind === 'trading_state_changed' && record.instrument) state.tradingState.set(record.instrument, p.to);
    else if (p.kind === 'kill_switch') state.killSwitch = p.engaged;
  }
  return state;
}

