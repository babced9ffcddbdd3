/**
 * Folds journal records into desired / expected / confirmed / working per (account, instrument)
 * and reports every change, exactly (BigInt decimals, never floats):
 * - desired: the last S02 desired position;
 * - expected: signed fill quantities (S05 fill / partial_fill, de-duplicated by execId), set to the
 *   confirmed value by an S06 adjustment (the recovery rule: expected := confirmed);
 * - confirmed: the last S05 position report;
 * - working: signed leaves of open orders (an S04 submit counts until the provider answers; an
 *   order that ended never works again: status does not regress);
 * - residual = desired − confirmed, drift = expected − confirmed.
 */
import { isOrderReport, type JournalRecord } from '../records/records.js';
import { STATE_FIELDS, type StateField } from './data-types.js';
import { add, dec, fmt, isZero, mul, sub, ZERO, type Dec } from '../domain/decimal.js';

export interface PositionState {
  readonly account: string;
  readonly instrument: string;
  desired: Dec;
  expected: Dec;
  confirmed: Dec;
  working: Dec;
  /** Last formatted value per field, to emit only real changes. */
  readonly shown: string[];
}

interface OrderState {
  readonly key: PositionState;
  readonly sign: 1n | -1n;
  leaves: Dec;
  open: boolean;
  /** Ended (filled, cancelled, expired, rejected, not found): status never regresses from here. */
  terminal: boolean;
}

export type ChangeSink = (seq: number, key: number, field: number, value: string) => void;

export class StateFolder {
  readonly keys: PositionState[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly orders = new Map<string, OrderState>();
  private readonly execIds = new Set<string>();

  constructor(private readonly sink: ChangeSink = () => {}) {}

  private key(account: string, instrument: string): PositionState {
    const k = account + '\u0000' + instrument;
    let i = this.byKey.get(k);
    if (i === undefined) {
      i = this.keys.length;
      this.byKey.set(k, i);
      this.keys.push({ account, instrument, desired: ZERO, expected: ZERO, confirmed: ZERO, working: ZERO, shown: STATE_FIELDS.map(() => '0') });
    }
    return this.keys[i]!;
  }

  private setLeaves(o: OrderState, leaves: Dec, open: boolean): void {
    const before = o.open ? o.leaves : ZERO;
    const after = open ? leaves : ZERO;
    o.key.working = add(o.key.working, mul({ units: o.sign, scale: 0 }, sub(after, before)));
    o.leaves = leaves;
    o.open = open;
  }

  /** Ends an order: no later ack or status report puts it back to work. */
  private end(o: OrderState): void {
    this.setLeaves(o, ZERO, false);
    o.terminal = true;
  }

  /** Applies one record and emits the fields it changed. */
  apply(r: JournalRecord): void {
    if (r.instrument === null) return;
    const s = this.key(r.account, r.instrument);
    switch (r.type) {
      case 'S02.desired':
        s.desired = dec(r.payload.desired);
        break;
      case 'S04.order': {
        const p = r.payload;
        if (p.kind === 'submit') {
          const o: OrderState = { key: s, sign: p.side === 'buy' ? 1n : -1n, leaves: ZERO, open: false, terminal: false };
          this.orders.set(p.clientOrderId, o);
          this.setLeaves(o, dec(p.quantity), true);
        } else if (p.kind === 'replace') {
          // Working changes only when the provider confirms the replace.
          this.orders.set(p.clientOrderId, { key: s, sign: p.side === 'buy' ? 1n : -1n, leaves: ZERO, open: false, terminal: false });
        }
        break;
      }
      case 'S05.provider':
        this.provider(r as Extract<JournalRecord, { type: 'S05.provider' }>, s);
        break;
      case 'S06.reconciliation':
        if (r.payload.kind === 'adjustment') s.expected = dec(r.payload.confirmed);
        break;
      default:
        return;
    }
    this.emit(r.seq, s);
  }

  private provider(r: Extract<JournalRecord, { type: 'S05.provider' }>, s: PositionState): void {
    const p = r.payload;
    if (p.kind === 'position_report') {
      if (!p.stale) s.confirmed = dec(p.position);
      return;
    }
    if (!isOrderReport(p)) return;
    const o = this.orders.get(p.clientOrderId);
    switch (p.kind) {
      case 'partial_fill':
      case 'fill': {
        if (this.execIds.has(p.execId)) return;
        this.execIds.add(p.execId);
        const signed = p.side === 'buy' ? dec(p.lastQty) : mul({ units: -1n, scale: 0 }, dec(p.lastQty));
        s.expected = add(s.expected, signed);
        const leaves = dec(p.leavesQty);
        // A fill after a cancel counts toward expected but does not reopen the order.
        const order = o ?? this.track(p.clientOrderId, s, p.side === 'buy' ? 1n : -1n);
        if (order.terminal) break;
        if (isZero(leaves)) this.end(order);
        else this.setLeaves(order, leaves, true);
        break;
      }
      case 'ack':
      case 'replaced': {
        if (!o || o.terminal) return;
        const leaves = dec(p.leavesQty);
        this.setLeaves(o, leaves, !isZero(leaves));
        if (p.kind === 'replaced' && p.origClientOrderId) {
          const orig = this.orders.get(p.origClientOrderId);
          if (orig) this.end(orig);
        }
        break;
      }
      case 'status': {
        if (!o || o.terminal) return;
        const leaves = dec(p.leavesQty);
        if (p.ordStatus === 'new' || p.ordStatus === 'partially_filled') this.setLeaves(o, leaves, !isZero(leaves));
        else this.end(o);
        break;
      }
      case 'cancelled':
      case 'expired':
      case 'reject':
        if (o) this.end(o);
        break;
      default:
        break;
    }
  }

  private track(clientOrderId: string, s: PositionState, sign: 1n | -1n): OrderState {
    const o: OrderState = { key: s, sign, leaves: ZERO, open: false, terminal: false };
    this.orders.set(clientOrderId, o);
    return o;
  }

  private emit(seq: number, s: PositionState): void {
    const values: Record<StateField, Dec> = {
      desired: s.desired, expected: s.expected, confirmed: s.confirmed, working: s.working,
      residual: sub(s.desired, s.confirmed), drift: sub(s.expected, s.confirmed),
    };
    const k = this.byKey.get(s.account + '\u0000' + s.instrument)!;
    STATE_FIELDS.forEach((f, i) => {
      const text = fmt(values[f]);
      if (text !== s.shown[i]) {
        s.shown[i] = text;
        this.sink(seq, k, i, text);
      }
    });
  }
}
