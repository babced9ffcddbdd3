/**
 * The simulated venue's wire format: what the matching engine did, as the provider gateway
 * messages a real venue would send — integers at the instrument's scales plus the raw message in
 * FIX 4.4 tag names, so a sim journal reads like a FIX one.
 */
import { fmtMoney, fmtPrice, fmtQty } from '../../domain/instrument.js';
import type { Instrument, Side } from '../../domain/types.js';
import type {
  ExecutionKind, ExecutionReportMessage, MassStatusMessage, OrderStatusMessage, OrderStatusReport, PositionSnapshot, PositionsMessage, ProviderOrderStatus,
} from '../gateway.js';
import type { VenueExecution } from './venue.js';

const EXEC_TYPE: Readonly<Record<ExecutionKind, string>> = {
  ack: '0', partial_fill: 'F', fill: 'F', cancelled: '4', replaced: '5', reject: '8', expired: 'C', restated: 'D', cancel_reject: '',
};
export const FIX_ORD_STATUS: Readonly<Record<ProviderOrderStatus, string>> = {
  new: '0', partially_filled: '1', filled: '2', cancelled: '4', rejected: '8', expired: 'C',
};
export const fixSide = (s: Side): string => (s === 'buy' ? '1' : '2');

/**
 * An execution report message with its raw FIX-style body.
 *
 * @example
 * sink(executionMessage(venueExecution)); // { type: 'execution_report', dedupeKey: 'E00000007', report, raw: { MsgType: '8', ... } }
 */
export function executionMessage(ev: VenueExecution): ExecutionReportMessage {
  const r = ev.report;
  const ins = ev.instrument;
  const raw: Record<string, string> = r.kind === 'cancel_reject'
    ? { MsgType: '9', ClOrdID: r.clientOrderId, OrigClOrdID: r.origClientOrderId ?? r.clientOrderId, OrderID: r.providerOrderId ?? 'NONE',
        OrdStatus: FIX_ORD_STATUS[r.ordStatus ?? 'rejected'], CxlRejResponseTo: ev.cancelRejectResponseTo === 'replace' ? '2' : '1' }
    : { MsgType: '8', ExecType: EXEC_TYPE[r.kind], OrdStatus: FIX_ORD_STATUS[r.ordStatus ?? 'new'], ClOrdID: r.clientOrderId, OrderID: r.providerOrderId ?? 'NONE' };
  raw.ExecID = r.execId;
  raw.Account = ev.account;
  raw.Symbol = ins.id;
  if (r.side !== null) raw.Side = fixSide(r.side);
  if (r.kind !== 'cancel_reject') {
    if (r.orderQty !== null) raw.OrderQty = fmtQty(ins, r.orderQty);
    raw.CumQty = fmtQty(ins, r.cumQty);
    raw.LeavesQty = fmtQty(ins, r.leavesQty);
    if (r.avgPrice !== null) raw.AvgPx = fmtPrice(ins, r.avgPrice);
  }
  if (r.kind === 'fill' || r.kind === 'partial_fill') {
    raw.LastQty = fmtQty(ins, r.lastQty);
    raw.LastPx = fmtPrice(ins, r.lastPrice);
    raw.Commission = fmtMoney(r.fee);
  }
  if (r.origClientOrderId !== null && r.kind !== 'cancel_reject') raw.OrigClOrdID = r.origClientOrderId;
  if (ev.rejectCode !== null) raw[r.kind === 'cancel_reject' ? 'CxlRejReason' : 'OrdRejReason'] = ev.rejectCode;
  if (r.reason !== null) raw.Text = r.reason;
  return { type: 'execution_report', ts: ev.ts, dedupeKey: r.execId, account: ev.account, instrument: ins.id, report: r, raw };
}

function statusRaw(o: OrderStatusReport, ins: Instrument | undefined): Record<string, string> {
  const q = (n: number) => (ins ? fmtQty(ins, n) : String(n));
  return {
    MsgType: '8', ExecType: 'I', OrdStatus: FIX_ORD_STATUS[o.status], ClOrdID: o.clientOrderId, OrderID: o.providerOrderId, Side: fixSide(o.side),
    Symbol: o.instrument, OrderQty: q(o.quantity), CumQty: q(o.cumQty), LeavesQty: q(o.leavesQty), AvgPx: ins ? fmtPrice(ins, o.avgPrice) : String(o.avgPrice),
  };
}

/** The answer to a status query: the order, or null when the venue does not know it. */
export function orderStatusMessage(ts: number, requestId: string, account: string, instrument: Instrument, clientOrderId: string, order: OrderStatusReport | null): OrderStatusMessage {
  return {
    type: 'order_status', ts, dedupeKey: `status:${requestId}`, requestId, account, instrument: instrument.id, clientOrderId, order,
    raw: order === null ? { MsgType: '8', ExecType: 'I', OrdStatus: '8', ClOrdID: clientOrderId, OrdRejReason: '5', Text: 'unknown order' } : statusRaw(order, instrument),
  };
}

/** The answer to a mass status request: every open order of the account. */
export function massStatusMessage(ts: number, requestId: string, account: string, orders: readonly OrderStatusReport[]): MassStatusMessage {
  return { type: 'mass_status', ts, dedupeKey: `mass:${requestId}`, requestId, account, orders, raw: { MsgType: '8', ExecType: 'I', MassStatusReqID: requestId, TotNumReports: orders.length } };
}

/** The answer to a positions request, valid as of `asOf`. */
export function positionsMessage(ts: number, requestId: string, account: string, asOf: number, positions: readonly PositionSnapshot[]): PositionsMessage {
  return {
    type: 'positions', ts, dedupeKey: `positions:${requestId}`, requestId, account, asOf, positions,
    raw: { MsgType: 'AP', PosReqID: requestId, Account: account, TotalNumPosReports: positions.length },
  };
}
