/**
 * CSV exports of a run beside its report: orders.csv (one row per client order id), fills.csv
 * (one row per fill, de-duplicated by execId) and positions.csv (summary.json positions, else the
 * last S06 reconciliation per account and instrument). Quantities and prices stay exact decimal
 * strings; the average fill price is rounded half away from zero to 8 decimals.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOrderReport, type JournalRecord } from '../records/records.js';
import type { PositionRow, RunSummary } from '../web/data-types.js';
import { add, dec, div, fmt, isZero, mul, ZERO, type Dec } from '../domain/decimal.js';

interface OrderRow {
  clientOrderId: string;
  submittedTs: number;
  intentId: string;
  account: string;
  instrument: string;
  side: string;
  type: string;
  tif: string;
  quantity: string;
  limitPrice: string;
  status: string;
  cumQty: Dec;
  notional: Dec;
  providerOrderId: string;
}

const STATUS_OF: Readonly<Record<string, string>> = {
  ack: 'working', partial_fill: 'partially_filled', fill: 'filled', cancelled: 'cancelled', expired: 'expired',
  reject: 'rejected', replaced: 'working', cancel_reject: '',
};

/** Order statuses never left again (FIX OrdStatus precedence: status does not regress). */
const TERMINAL = new Set(['filled', 'cancelled', 'expired', 'rejected', 'replaced', 'not_found']);

/** Quotes a CSV field when it holds a comma, quote or line break. */
export function csvField(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return [header.join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\n') + '\n';
}

export interface CsvExports {
  readonly orders: string;
  readonly fills: string;
  readonly positions: string;
}

/** The three CSV texts of a journal (and summary.json when there is one). */
export function buildCsvExports(records: Iterable<JournalRecord>, summary: RunSummary | null = null): CsvExports {
  const orders = new Map<string, OrderRow>();
  const execIds = new Set<string>();
  const fills: (string | number | null)[][] = [];
  const lastRecon = new Map<string, PositionRow>();
  for (const r of records) {
    if (r.type === 'S04.order') {
      const p = r.payload;
      if (p.kind === 'cancel') continue;
      const orig = p.kind === 'replace' ? orders.get(p.origClientOrderId) : undefined;
      orders.set(p.clientOrderId, {
        clientOrderId: p.clientOrderId, submittedTs: r.ts, intentId: r.correlationId ?? '', account: r.account, instrument: r.instrument ?? '',
        side: p.side, type: p.kind === 'submit' ? p.type : orig?.type ?? '', tif: p.kind === 'submit' ? p.timeInForce : orig?.tif ?? '',
        quantity: p.quantity, limitPrice: p.limitPrice ?? '', status: 'pending_new', cumQty: orig?.cumQty ?? ZERO, notional: orig?.notional ?? ZERO,
        providerOrderId: orig?.providerOrderId ?? '',
      });
    } else if (r.type === 'S05.provider') {
      const p = r.payload;
      if (!isOrderReport(p)) continue;
      const o = orders.get(p.clientOrderId);
      if (p.kind === 'replaced' && p.origClientOrderId) {
        const orig = orders.get(p.origClientOrderId);
        if (orig) orig.status = 'replaced';
      }
      if (o) {
        const st = p.kind === 'status' ? (p.ordStatus === 'new' ? 'working' : p.ordStatus) : STATUS_OF[p.kind];
        if (st && !TERMINAL.has(o.status)) o.status = st;
        if (p.providerOrderId) o.providerOrderId = p.providerOrderId;
      }
      if (p.kind === 'fill' || p.kind === 'partial_fill') {
        if (execIds.has(p.execId)) continue;
        execIds.add(p.execId);
        if (o) { o.cumQty = add(o.cumQty, dec(p.lastQty)); o.notional = add(o.notional, mul(dec(p.lastQty), dec(p.lastPrice))); }
        fills.push([r.ts, r.correlationId ?? o?.intentId ?? '', p.clientOrderId, p.providerOrderId, p.execId, r.account, r.instrument ?? '', p.side, p.lastQty, p.lastPrice, p.fee, p.kind]);
      }
    } else if (r.type === 'S06.reconciliation' && r.payload.kind === 'reconciliation' && r.instrument) {
      const p = r.payload;
      lastRecon.set(r.account + '\u0000' + r.instrument, {
        account: r.account, instrument: r.instrument, desired: p.desired, expected: p.expected, confirmed: p.confirmed,
        working: p.working, residual: p.residual, drift: p.drift,
      });
    }
  }
  const orderRows = [...orders.values()].map((o) => [
    o.clientOrderId, o.submittedTs, o.intentId, o.account, o.instrument, o.side, o.type, o.tif, o.quantity, o.limitPrice, o.status,
    fmt(o.cumQty), isZero(o.cumQty) ? '' : fmt(div(o.notional, o.cumQty, 8)), o.providerOrderId,
  ]);
  const positions = summary?.positions ?? [...lastRecon.values()].sort((a, b) => (a.instrument + a.account < b.instrument + b.account ? -1 : 1));
  return {
    orders: csv(['client_order_id', 'submitted_ts', 'intent_id', 'account', 'instrument', 'side', 'type', 'time_in_force', 'quantity', 'limit_price', 'status', 'cum_qty', 'avg_price', 'provider_order_id'], orderRows),
    fills: csv(['ts', 'intent_id', 'client_order_id', 'provider_order_id', 'exec_id', 'account', 'instrument', 'side', 'qty', 'price', 'fee', 'kind'], fills),
    positions: csv(['account', 'instrument', 'desired', 'expected', 'confirmed', 'working', 'residual', 'drift'],
      positions.map((p) => [p.account, p.instrument, p.desired, p.expected, p.confirmed, p.working, p.residual, p.drift])),
  };
}

/** Writes orders.csv, fills.csv and positions.csv into `dir`; returns their paths. */
export function writeCsvExports(records: Iterable<JournalRecord>, dir: string, summary: RunSummary | null = null): string[] {
  const out = buildCsvExports(records, summary);
  mkdirSync(dir, { recursive: true });
  const files = [['orders.csv', out.orders], ['fills.csv', out.fills], ['positions.csv', out.positions]] as const;
  return files.map(([name, text]) => { const f = join(dir, name); writeFileSync(f, text); return f; });
}
