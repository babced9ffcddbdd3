/**
 * The order lifecycle as one explicit transition table (B03). Every change of an order's status
 * goes through `transition()`. What the table does not list is an illegal transition: the status
 * stays as it is and the engine raises ILLEGAL_ORDER_TRANSITION — never an exception.
 *
 * Status never regresses (FIX OrdStatus precedence): terminal states stay terminal; a late ack
 * (delivered after a fill, a cancel or an expiry — out-of-order delivery) is not in the table, so
 * the status stays as it is and the engine raises ILLEGAL_ORDER_TRANSITION; a fill on a cancelled
 * or expired order is accepted as the real world (the quantity counts) but the status does not
 * reopen. `not_found` is terminal: the provider confirmed it
 * does not know the order (never "unreachable", which changes nothing).
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
  | 'rejected'
  | 'not_found';

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
  | 'restated'
  | 'cancel_reject';

/** The lifecycle event each S05 provider payload kind drives (kinds not listed move no status). */
export const PROVIDER_EVENT: Readonly<Record<string, OrderEvent>> = {
  ack: 'ack', reject: 'reject', partial_fill: 'partial_fill', fill: 'fill', cancelled: 'cancelled',
  expired: 'expired', replaced: 'replaced', restated: 'restated', cancel_reject: 'cancel_reject',
};

/** `restore` returns to the open status held before a pending cancel/replace. */
type Target = OrderStatus | 'restore' | 'fill_after_cancel';

export const TERMINAL: ReadonlySet<OrderStatus> = new Set(['filled', 'cancelled', 'expired', 'rejected', 'not_found']);
export const OPEN: ReadonlySet<OrderStatus> = new Set(['pending_new', 'new', 'partially_filled', 'pending_cancel', 'pending_replace']);

export const TRANSITIONS: Readonly<Record<OrderStatus, Readonly<Partial<Record<OrderEvent, Target>>>>> = {
  // cancel_reject on an order with no request pending answers an earlier request (a replace and a
  // cancel both refused): the status stays.
  // A restatement (the venue changed the order on its own, FIX ExecType D) keeps an open order open
  // with the venue's quantities; on a pending_new order it also proves the venue has it.
  pending_new: {
    cancel_reject: 'pending_new', ack: 'new', reject: 'rejected', partial_fill: 'partially_filled', fill: 'filled',
    cancel_request: 'pending_cancel', cancelled: 'cancelled', expired: 'expired', restated: 'new',
  },
  new: {
    cancel_reject: 'new', ack: 'new', partial_fill: 'partially_filled', fill: 'filled', cancel_request: 'pending_cancel',
    replace_request: 'pending_replace', cancelled: 'cancelled', expired: 'expired', restated: 'restore',
  },
  partially_filled: {
    cancel_reject: 'partially_filled', partial_fill: 'partially_filled', fill: 'filled', cancel_request: 'pending_cancel',
    replace_request: 'pending_replace', cancelled: 'cancelled', expired: 'expired', restated: 'restore',
  },
  pending_cancel: {
    // A submit refused while our cancel was on its way: the refusal is definitive.
    ack: 'pending_cancel', reject: 'rejected', partial_fill: 'pending_cancel', fill: 'filled', cancelled: 'cancelled',
    expired: 'expired', cancel_reject: 'restore', replaced: 'restore', restated: 'pending_cancel',
  },
  pending_replace: {
    ack: 'pending_replace', partial_fill: 'pending_replace', fill: 'filled', replaced: 'restore',
    cancel_reject: 'restore', cancelled: 'cancelled', expired: 'expired', cancel_request: 'pending_cancel', restated: 'pending_replace',
  },
  filled: { cancel_reject: 'filled' },
  cancelled: { partial_fill: 'fill_after_cancel', fill: 'fill_after_cancel', cancel_reject: 'cancelled' },
  expired: { partial_fill: 'fill_after_cancel', fill: 'fill_after_cancel', cancel_reject: 'expired' },
  rejected: { cancel_reject: 'rejected' },
  not_found: { cancel_reject: 'not_found' },
};

/**
 * The status after a provider status report (query or mass order status), by FIX precedence:
 * a terminal status never changes on a report; otherwise the provider's answer wins — an open
 * report restores the open status (a pending cancel/replace it does not reflect was lost), a
 * terminal one (or not_found) ends the order.
 *
 * @example
 * statusAfterReport('filled', 'new', 'new')               // 'filled' (no regression)
 * statusAfterReport('pending_new', 'new', 'new')          // 'new' (the lost ack)
 * statusAfterReport('new', 'not_found', 'new')            // 'not_found'
 */
export function statusAfterReport(status: OrderStatus, reported: 'new' | 'partially_filled' | 'filled' | 'cancelled' | 'expired' | 'rejected' | 'not_found', openStatus: OrderStatus): OrderStatus {
  if (TERMINAL.has(status)) return status;
  if (reported === 'new' || reported === 'partially_filled') return openStatus;
  return reported;
}

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
