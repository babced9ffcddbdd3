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
