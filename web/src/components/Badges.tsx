/** Small coloured labels: record stage, intent status, severity. */
import { STATUS_LABELS, type IntentStatus } from '../../../src/web/data-types';

const STATUS_TONE: Record<IntentStatus, string> = {
  filled: 'good', partial: 'warn', residual: 'warn', rejected_risk: 'bad', rejected_provider: 'bad', drift: 'drift', working: 'info', cancelled: '', no_order: '',
};

export function StatusBadge({ status }: { status: IntentStatus }) {
  return <span className={`badge ${STATUS_TONE[status]}`} data-status={status}>{STATUS_LABELS[status]}</span>;
}

export function StageBadge({ type }: { type: string }) {
  const stage = type.slice(0, 3);
  return <span className="stage" style={{ background: `var(--${stage.toLowerCase()})` }} title={type}>{stage}</span>;
}

const SEVERITY_TONE: Record<string, string> = { info: 'info', warning: 'warn', critical: 'bad' };

export function SeverityBadge({ severity }: { severity: string }) {
  return <span className={`badge ${SEVERITY_TONE[severity] ?? ''}`}>{severity}</span>;
}

const TRADING_TONE: Record<string, string> = { active: 'good', reducing: 'warn', halted: 'bad' };

/** Trading state of an instrument: active (green), reducing-only (amber), halted (red). */
export function TradingStateBadge({ state }: { state: string }) {
  return <span className={`badge ${TRADING_TONE[state] ?? ''}`} data-state={state} title={state === 'reducing' ? 'reducing-only: orders may only bring the position toward zero' : undefined}>{state}</span>;
}

const ORDER_TONE: Record<string, string> = {
  pending_new: 'info', new: 'info', partially_filled: 'warn', pending_cancel: 'info', pending_replace: 'info',
  filled: 'good', cancelled: '', expired: '', rejected: 'bad',
};

/** Order lifecycle status (src/execution/order-lifecycle.ts). */
export function OrderStatusBadge({ status }: { status: string }) {
  return <span className={`badge ${ORDER_TONE[status] ?? ''}`} data-status={status}>{status.replace(/_/g, ' ')}</span>;
}

const INCIDENT_TONE: Record<string, string> = { open: 'bad', acknowledged: 'warn', resolved: 'good' };

/** Incident lifecycle: open → acknowledged → resolved. */
export function IncidentStatusBadge({ status }: { status: string }) {
  return <span className={`badge ${INCIDENT_TONE[status] ?? ''}`} data-incident-status={status}>{status}</span>;
}
