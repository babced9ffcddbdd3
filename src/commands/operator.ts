/**
 * Operator commands (S07): what an operator may do from the console, the API or the CLI, decided
 * like any other input. Every accepted command is journaled with its actor and reason; a refused
 * one journals nothing and says why (404 unknown target, 409 wrong state). Orders an action
 * implies (the kill switch's cancels, an operator cancel, a flatten's closing orders) are S04
 * commands or S01 intents that pass the risk gate like any other.
 */
import { formatSigned } from '../domain/fixed-point.js';
import type { TradingState } from '../domain/types.js';
import { DraftList, type DecideContext } from '../domain/decider.js';
import type { KernelState } from '../engine/kernel-state.js';
import { OPEN } from '../execution/order-lifecycle.js';
import { cancelDraft } from '../execution/routing.js';
import { tradingStateOf } from '../risk/risk.js';
import { decideIncident } from '../operator/incidents.js';

interface Who { readonly actor: string; readonly reason: string; readonly ts: number }

export type OperatorCommand =
  | (Who & { readonly action: 'ack' | 'resolve'; readonly incidentId: string })
  | (Who & { readonly action: 'kill_switch'; readonly engaged: boolean })
  | (Who & { readonly action: 'trading_state'; readonly instrument: string; readonly state: TradingState })
  | (Who & { readonly action: 'cancel_order'; readonly clientOrderId: string })
  | (Who & { readonly action: 'flatten'; readonly instrument: string });

export type OperatorDecision =
  | { readonly ok: true; readonly drafts: DraftList }
  | { readonly ok: false; readonly status: 404 | 409; readonly code: string; readonly message: string };

const refuse = (status: 404 | 409, code: string, message: string): OperatorDecision => ({ ok: false, status, code, message });

/**
 * @example
 * decideOperator(state, { action: 'ack', incidentId: 'INC-41-POSITION_DRIFT', actor: 'ana', reason: 'external trade confirmed', ts }, ctx)
 * // -> ok, [S07 incident_acknowledged, S07 trading_state_changed reducing -> active]
 */
export function decideOperator(state: Readonly<KernelState>, cmd: OperatorCommand, ctx: DecideContext): OperatorDecision {
  const out = new DraftList(ctx.nextSeq);
  const ts = ctx.now;
  const firstAccount = ctx.cfg.accounts[0]?.id ?? '*';
  if (!cmd.actor.trim()) return refuse(409, 'ACTOR_REQUIRED', 'an actor is required');
  if (!cmd.reason.trim()) return refuse(409, 'REASON_REQUIRED', 'a reason is required');
  switch (cmd.action) {
    case 'ack':
    case 'resolve': {
      const d = decideIncident(state.incidents, { action: cmd.action, incidentId: cmd.incidentId, actor: cmd.actor, reason: cmd.reason, ts }, (i) => tradingStateOf(state.risk, i));
      if (!d.ok) return d.error.startsWith('unknown') ? refuse(404, 'INCIDENT_NOT_FOUND', d.error) : refuse(409, 'INCIDENT_STATE', d.error);
      for (const r of d.records) out.push(r);
      return { ok: true, drafts: out };
    }
    case 'kill_switch': {
      const kill = out.push({ ts, type: 'S07.operator', account: '*', instrument: null, correlationId: null, causationSeq: null,
        payload: { kind: 'kill_switch', engaged: cmd.engaged, actor: cmd.actor, reason: cmd.reason } });
      if (cmd.engaged) {
        // Engaging halts new orders at the risk gate and cancels every open order.
        for (const pos of state.execution.positions.values()) {
          for (const o of pos.open) if (o.status !== 'pending_cancel') out.push(cancelDraft(o, `kill switch: ${cmd.reason}`, kill, ts));
        }
      }
      return { ok: true, drafts: out };
    }
    case 'trading_state': {
      if (!ctx.cfg.instrumentById.has(cmd.instrument)) return refuse(404, 'INSTRUMENT_NOT_FOUND', `unknown instrument "${cmd.instrument}"`);
      const from = tradingStateOf(state.risk, cmd.instrument);
      out.push({ ts, type: 'S07.operator', account: firstAccount, instrument: cmd.instrument, correlationId: null, causationSeq: null,
        payload: { kind: 'trading_state_changed', from, to: cmd.state, actor: cmd.actor, reason: cmd.reason, incidentId: null } });
      return { ok: true, drafts: out };
    }
    case 'cancel_order': {
      const o = state.execution.orders.get(cmd.clientOrderId);
      if (!o) return refuse(404, 'ORDER_NOT_FOUND', `unknown client order id "${cmd.clientOrderId}"`);
      if (!OPEN.has(o.status) || o.status === 'pending_cancel') return refuse(409, 'ORDER_NOT_OPEN', `order ${cmd.clientOrderId} is ${o.status}`);
      const action = out.push({ ts, type: 'S07.operator', account: o.account, instrument: o.instrument, correlationId: o.intentId, causationSeq: null,
        payload: { kind: 'operator_action', action: 'cancel_order', actor: cmd.actor, reason: cmd.reason, target: cmd.clientOrderId } });
      out.push(cancelDraft(o, `operator ${cmd.actor}: ${cmd.reason}`, action, ts));
      return { ok: true, drafts: out };
    }
    case 'flatten': {
      // The operator takes over the instrument's desired position: an S01 intent of strategy
      // `operator` nets every pair to zero, and the instrument goes reducing so strategies cannot add.
      const inst = ctx.cfg.instrumentById.get(cmd.instrument);
      if (!inst) return refuse(404, 'INSTRUMENT_NOT_FOUND', `unknown instrument "${cmd.instrument}"`);
      const base = { ts, account: firstAccount, instrument: inst.id, correlationId: null, causationSeq: null };
      const action = out.push({ ...base, type: 'S07.operator', payload: { kind: 'operator_action', action: 'flatten', actor: cmd.actor, reason: cmd.reason, target: inst.id } });
      const from = tradingStateOf(state.risk, inst.id);
      if (from === 'active') {
        out.push({ ...base, causationSeq: action, type: 'S07.operator', payload: { kind: 'trading_state_changed', from, to: 'reducing', actor: cmd.actor, reason: `flatten: ${cmd.reason}`, incidentId: null } });
      }
      for (const account of ctx.cfg.accounts) {
        const pos = state.portfolio.positions.get(`${account.id}|${inst.id}`);
        if (!pos) continue;
        let others = 0;
        for (const [sid, t] of pos.targets) if (sid !== 'operator') others += t.target;
        const intentId = `op-intent-${out.nextSeq}`;
        out.push({ ...base, account: account.id, correlationId: intentId, causationSeq: action, type: 'S01.intent', payload: {
          kind: 'intent', intentId, strategyId: 'operator', mode: 'target', quantity: formatSigned(-others, inst.sizeScale),
          signal: { action: 'flatten', actor: cmd.actor, reason: cmd.reason }, bar: null } });
      }
      return { ok: true, drafts: out };
    }
  }
}
