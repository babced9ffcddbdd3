/**
 * B03 order planner: turns (desired − confirmed − working) into order actions. It decides HOW to
 * move toward the desired position — never the target itself, and it never overrides risk:
 * every submit/replace it proposes goes through the risk gate before an S04 is written.
 *
 * Client order ids are `<intentId>.<attempt>`: a restart re-derives the same ids, so nothing is
 * ever sent twice under a new name.
 */

import { positionKey, sideOf, signOf, type Instrument, type OrderType, type Side, type TimeInForce } from '../domain/types.js';
import type { ExecutionState, OrderState } from './state.js';

export interface ExecutionSettings {
  readonly orderType: OrderType;
  readonly timeInForce: TimeInForce;
  readonly limitOffsetTicks: number;
}

export type PlannedAction =
  | {
      readonly kind: 'submit';
      readonly clientOrderId: string;
      readonly attempt: number;
      readonly side: Side;
      readonly type: OrderType;
      readonly timeInForce: TimeInForce;
      readonly quantity: number;
      readonly limitPrice: number | null;
    }
  | {
      readonly kind: 'replace';
      readonly order: OrderState;
      readonly clientOrderId: string;
      readonly attempt: number;
      /** New total quantity (includes what is filled). */
      readonly quantity: number;
      readonly limitPrice: number | null;
    }
  | { readonly kind: 'cancel'; readonly order: OrderState; readonly reason: string };

/**
 * Plans the actions that bring working orders in line with desired − confirmed.
 *
 * @example
 * // Given confirmed +1, one open buy of 1 left; When desired becomes +4
 * planOrders(...) // -> [{ kind: 'replace', quantity: cumQty + 3, ... }]
 */
export function planOrders(
  state: ExecutionState,
  account: string,
  instrument: Instrument,
  desired: number,
  lastPrice: number,
  intentId: string,
  settings: ExecutionSettings,
): PlannedAction[] {
  const pos = state.positions.get(positionKey(account, instrument.id));
  const confirmed = pos?.confirmed ?? 0;
  const need = desired - confirmed;
  const actions: PlannedAction[] = [];
  let attempt = state.attempts.get(intentId) ?? 1;
  const nextId = () => ({ clientOrderId: `${intentId}.${attempt}`, attempt: attempt++ });

  // Orders already being cancelled are on their way out and are not planned around.
  const active = (pos?.open ?? []).filter((o) => o.status !== 'pending_cancel');
  const wantSide = sideOf(need);
  let keep: OrderState | null = null;
  for (const o of active) {
    if (need === 0 || o.side !== wantSide) {
      actions.push({ kind: 'cancel', order: o, reason: need === 0 ? 'desired position reached without it' : 'desired position changed side' });
    } else if (keep === null) {
      keep = o;
    } else {
      actions.push({ kind: 'cancel', order: o, reason: 'consolidating working orders' });
    }
  }
  if (need === 0) return actions;

  const qty = Math.abs(need);
  const limitPrice = settings.orderType === 'limit'
    ? Math.max(instrument.tick, lastPrice + signOf(wantSide) * settings.limitOffsetTicks * instrument.tick)
    : null;
  if (keep) {
    const pendingQty = keep.pending ? keep.pending.quantity : keep.quantity;
    const leaves = pendingQty - keep.cumQty;
    if (leaves === qty) return actions;
    if (keep.status === 'new' || keep.status === 'partially_filled') {
      actions.push({ kind: 'replace', order: keep, ...nextId(), quantity: keep.cumQty + qty, limitPrice: limitPrice ?? keep.limitPrice });
      return actions;
    }
    // Not yet acknowledged or already being replaced: cancel it and send a fresh order.
    actions.push({ kind: 'cancel', order: keep, reason: 'superseded by a new desired position' });
  }
  actions.push({ kind: 'submit', ...nextId(), side: wantSide, type: settings.orderType, timeInForce: settings.timeInForce, quantity: qty, limitPrice });
  return actions;
}

