/**
 * The order lifecycle as one explicit transition table (B03). Every change of an order's status
 * goes through `transition()`. What the table does not list is an illegal transition: the status
 * stays as it is and the engine raises ILLEGAL_ORDER_TRANSITION — never an exception.
 *
 * Status never regresses: terminal states stay terminal; a fill on a cancelled or expired order
 * is accepted as the real world (the quantity counts) but the status does not reopen.
 */
export type OrderStatus =
  | 'pending_new'
  | 'new'
  | 'partially_filled'
  | 'pending_cancel'
  | 'pending_replace'
  | 'filled'
  | 'cancelled'
  | 'expired'
  | 'rejected';

export type OrderEvent =
  | 'submit'
  | 'ack'
  | 'reject'
  | 'partial_fill'
  | 'fill'
  | 'cancel_request'
  | 'replace_request'
  | 'cancelled'
  | 'expired'
  | 'replaced'
  | 'cancel_reject';

/** `restore` returns to the open status held before a pending cancel/replace. */
type Target = OrderStatus | 'restore' | 'fill_after_cancel';

export const TERMINAL: ReadonlySet<OrderStatus> = new Set(['filled', 'cancelled', 'expired', 'rejected']);
export const OPEN: ReadonlySet<OrderStatus> = new Set(['pending_new', 'new', 'partially_filled', 'pending_cancel', 'pending_replace']);

export const TRANSITIONS: Readonly<Record<OrderStatus, Readonly<Partial<Record<OrderEvent, Target>>>>> = {
  pending_new: {
    ack: 'new', reject: 'rejected', partial_fill: 'partially_filled', fill: 'filled',
    cancel_request: 'pending_cancel', cancelled: 'cancelled', expired: 'expired',
  },
  new: {
    ack: 'new', partial_fill: 'partially_filled', fill: 'filled', cancel_request: 'pending_cancel',
    replace_request: 'pending_replace', cancelled: 'cancelled', expired: 'expired',
  },
  partially_filled: {
    partial_fill: 'partially_filled', fill: 'filled', cancel_request: 'pending_cancel',
    replace_request: 'pending_replace', cancelled: 'cancelled', expired: 'expired',
  },
  pending_cancel: {
    ack: 'pending_cancel', partial_fill: 'pending_cancel', fill: 'filled', cancelled: 'cancelled',
    expired: 'expired', cancel_reject: 'restore', replaced: 'restore',
  },
  pending_replace: {
    ack: 'pending_replace', partial_fill: 'pending_replace', fill: 'filled', replaced: 'restore',
    cancel_reject: 'restore', cancelled: 'cancelled', expired: 'expired', cancel_request: 'pending_cancel',
  },
  filled: { cancel_reject: 'filled' },
  cancelled: { partial_fill: 'fill_after_cancel', fill: 'fill_after_cancel', cancel_reject: 'cancelled' },
  expired: { partial_fill: 'fill_after_cancel', fill: 'fill_after_cancel', cancel_reject: 'expired' },
  rejected: {},
};

export type TransitionResult =
  | { readonly ok: true; readonly status: OrderStatus; readonly fillAfterCancel: boolean }
  | { readonly ok: false; readonly status: OrderStatus };

/**
 * Looks up the next status.
 *
 * @example
 * transition('new', 'partial_fill', 'new')  // { ok: true, status: 'partially_filled', ... }
 * transition('filled', 'ack', 'filled')     // { ok: false, status: 'filled' } -> incident
 */
export function transition(status: OrderStatus, event: OrderEvent, openStatus: OrderStatus): TransitionResult {
  const target = TRANSITIONS[status][event];
  if (target === undefined) return { ok: false, status };
  if (target === 'restore') return { ok: true, status: openStatus, fillAfterCancel: false };
  if (target === 'fill_after_cancel') return { ok: true, status, fillAfterCancel: true };
  return { ok: true, status: target, fillAfterCancel: false };
}
