/** The headline of an intent chain: desired, risk, fills, order outcome, confirmed, residual, flags. */
import type { RecordView } from './model';

export interface ChainSummary {
  readonly desired: string | null;
  readonly risk: string | null;
  readonly riskRule: string | null;
  /** label "partial" / "filled" and the signed filled quantity; null without fills. */
  readonly fills: { readonly label: string; readonly qty: string } | null;
  readonly orderOutcome: string | null;
  readonly confirmed: string | null;
  readonly residual: string | null;
  readonly drift: string | null;
  readonly classification: string | null;
  readonly codes: readonly string[];
}

/** Provider events that end an order (or replace it): the chain's order outcome. */
const OUTCOMES = new Set(['reject', 'cancelled', 'expired', 'replaced']);

/** Sums decimal strings exactly (BigInt at the widest scale). */
export function sumDec(values: readonly string[]): string {
  let scale = 0;
  for (const v of values) { const d = v.indexOf('.'); if (d >= 0) scale = Math.max(scale, v.length - d - 1); }
  let total = 0n;
  for (const v of values) {
    const neg = v.startsWith('-');
    const [i, f = ''] = v.replace(/^[+-]/, '').split('.');
    const units = BigInt((i || '0') + f.padEnd(scale, '0'));
    total += neg ? -units : units;
  }
  const negT = total < 0n;
  let s = (negT ? -total : total).toString().padStart(scale + 1, '0');
  if (scale > 0) s = s.slice(0, -scale) + '.' + s.slice(-scale);
  return (negT ? '-' : '') + s;
}

export function summarizeChain(records: readonly RecordView[]): ChainSummary {
  let desired: string | null = null, risk: string | null = null, riskRule: string | null = null;
  let orderOutcome: string | null = null, confirmed: string | null = null;
  let residual: string | null = null, drift: string | null = null, classification: string | null = null;
  let lastFillKind: string | null = null;
  const fills: string[] = [];
  const execIds = new Set<string>();
  const codes: string[] = [];
  for (const r of records) {
    const p = r.payload;
    switch (r.type) {
      case 'S02.desired': desired = String(p.desired); break;
      case 'S03.risk': risk = String(p.decision); riskRule = p.decision === 'rejected' ? String(p.ruleId) : null; break;
      case 'S05.provider':
        if (p.kind === 'position_report') { if (!p.stale) confirmed = String(p.position); }
        else if (p.kind === 'fill' || p.kind === 'partial_fill') {
          if (execIds.has(String(p.execId))) break;
          execIds.add(String(p.execId));
          fills.push((p.side === 'sell' ? '-' : '') + String(p.lastQty));
          lastFillKind = p.kind;
          orderOutcome = p.kind === 'fill' ? 'filled' : orderOutcome;
        } else if (OUTCOMES.has(String(p.kind))) orderOutcome = String(p.kind);
        else if (p.kind === 'status' && p.ordStatus !== 'new' && p.ordStatus !== 'partially_filled') orderOutcome = String(p.ordStatus);
        break;
      case 'S06.reconciliation':
        if (p.kind === 'reconciliation') {
          residual = String(p.residual); drift = String(p.drift); classification = String(p.classification);
        }
        break;
      case 'S07.operator':
        if ((p.kind === 'flag' || p.kind === 'incident_opened') && !codes.includes(String(p.code))) codes.push(String(p.code));
        break;
      default: break;
    }
  }
  const fillText = fills.length ? { label: lastFillKind === 'fill' ? 'filled' : 'partial', qty: sumDec(fills) } : null;
  return { desired, risk, riskRule, fills: fillText, orderOutcome, confirmed, residual, drift, classification, codes };
}
