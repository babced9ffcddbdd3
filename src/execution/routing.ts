/**
 * Routing (B03): a changed desired position becomes order commands. The planner decides how to
 * move (desired − confirmed − working ⇒ cancels, one replace or one submit); every submit or
 * replace goes through the risk gate (B02) first — an S03 record, accepted or rejected with rule,
 * limit and observed value — and only an accepted one becomes an S04 command. A rejection is a
 * record (plus a RISK_REJECTED flag), never an exception. While routing is paused (provider
 * unreachable, or a live session not yet reconciled) nothing is planned: the pair waits in the
 * deferred set and is re-planned when routing resumes.
 */
import type { RunConfig } from '../config/load.js';
import { fmtPrice, fmtQty, notional } from '../domain/instrument.js';
import { positionKey, signOf, type Instrument } from '../domain/types.js';
import { DraftList, type DecideContext } from '../domain/decider.js';
import type { KernelState } from '../engine/kernel-state.js';
import { desiredOf } from '../portfolio/portfolio.js';
import { flagDraft } from '../operator/drafts.js';
import { decideRisk, type RiskLimits } from '../risk/risk.js';
import { planOrders } from './planner.js';
import { workingOf, type OrderState } from './state.js';

export interface RoutingInput {
  readonly account: string;
  readonly instrument: Instrument;
  /** The intent whose desired position is being routed (client order ids derive from it). */
  readonly intentId: string;
  /** The S02 record (or operator action) that caused this routing. */
  readonly causationSeq: number;
}

/** The risk limits of one instrument (instrument limits plus the account-wide money limits). */
export function riskLimitsFor(cfg: RunConfig, inst: Instrument): RiskLimits {
  const l = cfg.limits.get(inst.id)!;
  return {
    maxPosition: l.maxPosition, maxOrderQty: l.maxOrderQty,
    maxOrderNotional: cfg.money.maxOrderNotional, maxGrossExposure: cfg.money.maxGrossExposure,
    orderRate: cfg.raw.risk.orderRate, priceCollarBps: cfg.raw.risk.priceCollarBps,
  };
}

/**
 * Plans, risk-checks and commands the move to the pair's desired position.
 *
 * @example
 * // Given desired +2, nothing confirmed or working; When routing runs
 * decideRouting(state, { account: 'A1', instrument: alpha, intentId: 'intent-001', causationSeq: 12 }, ctx)
 * // -> [S03 accepted, S04 submit intent-001.1 buy 2]
 */
export function decideRouting(state: Readonly<KernelState>, input: RoutingInput, ctx: DecideContext): DraftList {
  const out = new DraftList(ctx.nextSeq);
  if (state.provider.routing === 'paused') return out;
  const { account, instrument: inst, intentId, causationSeq } = input;
  const cfg = ctx.cfg;
  const ts = ctx.now;
  const desired = desiredOf(state.portfolio, account, inst.id);
  const last = ctx.lastPrice(inst);
  const actions = planOrders(state.execution, account, inst, desired, last ?? 0, intentId, cfg.raw.execution);
  const base = { ts, account, instrument: inst.id, correlationId: intentId };
  for (const a of actions) {
    if (a.kind === 'cancel') {
      out.push(cancelDraft(a.order, a.reason, causationSeq, ts, intentId));
      continue;
    }
    const pos = state.execution.positions.get(positionKey(account, inst.id));
    const confirmed = pos?.confirmed ?? 0;
    const working = workingOf(pos);
    const replaced = a.kind === 'replace' ? a.order : null;
    const replacedLeaves = replaced ? signOf(replaced.side) * (replaced.quantity - replaced.cumQty) : 0;
    const side = replaced ? replaced.side : a.kind === 'submit' ? a.side : 'buy';
    const decision = decideRisk(state.risk, {
      ts, account, instrument: inst, correlationId: intentId, causationSeq,
      action: a.kind, clientOrderId: a.clientOrderId, origClientOrderId: replaced ? replaced.clientOrderId : null,
      side, type: replaced ? replaced.type : a.kind === 'submit' ? a.type : 'market',
      timeInForce: replaced ? replaced.timeInForce : a.kind === 'submit' ? a.timeInForce : 'DAY',
      quantity: replaced ? a.quantity - replaced.cumQty : a.quantity, orderQuantity: a.quantity, limitPrice: a.limitPrice,
      lastPrice: last, projectedBefore: confirmed + working - replacedLeaves, grossOthers: grossExposure(state, cfg, account, inst, ctx),
    }, riskLimitsFor(cfg, inst));
    const riskSeq = out.push(decision);
    const p = decision.payload;
    if (p.decision === 'rejected') {
      out.push(flagDraft({ ...base, causationSeq: riskSeq }, 'RISK_REJECTED', `${p.ruleId}: ${p.reason} (limit ${p.limit}, observed ${p.observed})`,
        { rule: p.ruleId, limit: p.limit, observed: p.observed }));
      continue;
    }
    if (a.kind === 'submit') {
      out.push({ ...base, causationSeq: riskSeq, type: 'S04.order', payload: {
        kind: 'submit', clientOrderId: a.clientOrderId, attempt: a.attempt, side: a.side, type: a.type, timeInForce: a.timeInForce,
        quantity: fmtQty(inst, a.quantity), limitPrice: a.limitPrice === null ? null : fmtPrice(inst, a.limitPrice) } });
    } else {
      out.push({ ...base, causationSeq: riskSeq, type: 'S04.order', payload: {
        kind: 'replace', clientOrderId: a.clientOrderId, origClientOrderId: a.order.clientOrderId, attempt: a.attempt, side: a.order.side,
        quantity: fmtQty(inst, a.quantity), limitPrice: a.limitPrice === null ? null : fmtPrice(inst, a.limitPrice) } });
    }
  }
  return out;
}

/**
 * The S04 cancel of one open order: the planner's (in the chain of the intent being routed), an
 * operator's or the kill switch's (in the chain of the order's own intent).
 */
export function cancelDraft(o: OrderState, reason: string, causationSeq: number, ts: number, correlationId: string = o.intentId): DraftList['drafts'][number] {
  return { ts, type: 'S04.order', account: o.account, instrument: o.instrument, correlationId, causationSeq, payload: { kind: 'cancel', clientOrderId: o.clientOrderId, reason } };
}

/** Sum over the account's other instruments of |confirmed + working| at the last price (money). */
function grossExposure(state: Readonly<KernelState>, cfg: RunConfig, account: string, except: Instrument, ctx: DecideContext): number {
  let gross = 0;
  for (const inst of cfg.instruments) {
    if (inst === except) continue;
    const pos = state.execution.positions.get(positionKey(account, inst.id));
    const last = ctx.lastPrice(inst);
    if (!pos || last === undefined) continue;
    gross += notional(inst, last, Math.abs(pos.confirmed + workingOf(pos)));
  }
  return gross;
}
