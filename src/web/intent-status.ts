/**
 * Derives an intent's status from its chain (S01..S07 records sharing a correlationId), one
 * record at a time. Precedence, strongest first: drift, rejected by risk, rejected by provider,
 * residual, partial, filled, working, cancelled (orders ended without a fill), no order.
 */
import type { IntentStatus } from './data-types.js';
import { isOrderReport, type JournalRecord } from '../records/records.js';
import { add, dec, isZero, sub, ZERO, type Dec } from '../domain/decimal.js';

interface OrderTrack {
  qty: Dec;
  cum: Dec;
  open: boolean;
  /** Replaced by a newer order: its fills carry over, its own status no longer counts. */
  superseded: boolean;
}

const DRIFT_CODES = new Set(['POSITION_DRIFT']);
const RESIDUAL_CODES = new Set(['RESIDUAL_UNEXPLAINED']);

export class IntentAccumulator {
  private riskRejected = false;
  private providerRejected = false;
  private drift = false;
  private residualFlag = false;
  private lastResidual: { residual: string; classification: string } | null = null;
  private fills = 0;
  private readonly orders = new Map<string, OrderTrack>();
  private readonly execIds = new Set<string>();
  readonly codes = new Set<string>();
  readonly orderIds = new Set<string>();

  add(r: JournalRecord): void {
    switch (r.type) {
      case 'S03.risk':
        if (r.payload.decision === 'rejected') this.riskRejected = true;
        break;
      case 'S04.order': {
        const p = r.payload;
        this.orderIds.add(p.clientOrderId);
        if (p.kind === 'submit' || p.kind === 'replace') {
          const prev = p.kind === 'replace' ? this.orders.get(p.origClientOrderId) : undefined;
          if (prev) { prev.open = false; prev.superseded = true; }
          this.orders.set(p.clientOrderId, { qty: dec(p.quantity), cum: prev?.cum ?? ZERO, open: true, superseded: false });
        }
        break;
      }
      case 'S05.provider':
        this.provider(r.payload);
        break;
      case 'S06.reconciliation': {
        const p = r.payload;
        if (p.kind === 'adjustment') this.drift = true;
        else if (p.kind === 'reconciliation') {
          if (p.classification === 'DRIFT') this.drift = true;
          this.lastResidual = { residual: p.residual, classification: p.classification };
        }
        break;
      }
      case 'S07.operator': {
        const p = r.payload;
        if (p.kind === 'flag' || p.kind === 'incident_opened') {
          this.codes.add(p.code);
          if (DRIFT_CODES.has(p.code)) this.drift = true;
          if (RESIDUAL_CODES.has(p.code)) this.residualFlag = true;
        }
        break;
      }
      default:
        break;
    }
  }

  private provider(p: Extract<JournalRecord, { type: 'S05.provider' }>['payload']): void {
    if (!isOrderReport(p)) return;
    this.orderIds.add(p.clientOrderId);
    if (p.providerOrderId) this.orderIds.add(p.providerOrderId);
    const o = this.orders.get(p.clientOrderId);
    switch (p.kind) {
      case 'reject':
        this.providerRejected = true;
        if (o) o.open = false;
        break;
      case 'partial_fill':
      case 'fill':
        if (this.execIds.has(p.execId)) return;
        this.execIds.add(p.execId);
        this.fills++;
        if (o) {
          o.cum = add(o.cum, dec(p.lastQty));
          o.open = o.open && !isZero(dec(p.leavesQty));
        }
        break;
      case 'cancelled':
      case 'expired':
        if (o) o.open = false;
        break;
      case 'ack':
      case 'replaced':
        if (o && o.open) o.open = !isZero(dec(p.leavesQty));
        break;
      case 'status':
        if (o && o.open) o.open = (p.ordStatus === 'new' || p.ordStatus === 'partially_filled') && !isZero(dec(p.leavesQty));
        break;
      default:
        break;
    }
  }

  status(): IntentStatus {
    if (this.drift) return 'drift';
    if (this.riskRejected) return 'rejected_risk';
    if (this.providerRejected) return 'rejected_provider';
    const lr = this.lastResidual;
    if (this.residualFlag || (lr && lr.classification.startsWith('RESIDUAL_') && !isZero(dec(lr.residual)))) return 'residual';
    const orders = [...this.orders.values()].filter((o) => !o.superseded);
    if (this.fills > 0) {
      const complete = orders.every((o) => !o.open && (isZero(o.cum) || isZero(sub(o.qty, o.cum))));
      return complete ? 'filled' : 'partial';
    }
    if (orders.some((o) => o.open)) return 'working';
    return orders.length > 0 ? 'cancelled' : 'no_order';
  }
}
