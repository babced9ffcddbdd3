/**
 * An intent's chain S01→S07 as a timeline, under a summary of what happened to it. `ChainBody`
 * takes the records themselves, so the live console's intent drawer shows the same view.
 */
import { useMemo, type ReactNode } from 'react';
import type { FailureEntry } from '../../../src/operator/catalog';
import type { IntentStatus } from '../../../src/web/data-types';
import { StatusBadge } from '../components/Badges';
import { isZeroDec, signedQty } from '../lib/decimal';
import { summarizeChain } from './chain-summary';
import type { RecordView, TraceModel } from './model';
import { RecordCard } from './RecordCard';

function Cell({ label, value, tone, testId }: { label: string; value: string; tone?: string; testId: string }) {
  return (
    <div className={`sum-cell ${tone ?? ''}`} data-testid={testId}>
      <span>{label}</span><b>{value}</b>
    </div>
  );
}

interface BodyProps {
  readonly id: string;
  readonly status: IntentStatus | null;
  /** "instrument · strategy · account". */
  readonly meta: string;
  readonly records: readonly RecordView[];
  readonly catalog: ReadonlyMap<string, FailureEntry>;
  readonly onSeq?: (seq: number) => void;
  /** Rendered at the right of the title (e.g. a close button). */
  readonly actions?: ReactNode;
  /** First seq that fails verification: records from it on are marked; null or absent for none. */
  readonly untrustedFrom?: number | null;
}

export function ChainBody({ id, status, meta, records, catalog, onSeq, actions, untrustedFrom = null }: BodyProps) {
  const s = useMemo(() => summarizeChain(records), [records]);
  return (
    <div className="chain" data-testid="chain" data-intent={id}>
      <div className="chain-head">
        <div className="chain-title">
          <h2 className="mono">{id}</h2>
          {status && <StatusBadge status={status} />}
          <span className="muted">{meta}</span>
          {actions && <><span className="spacer" />{actions}</>}
        </div>
        <div className="summary" data-testid="chain-summary">
          <Cell label="desired" value={s.desired === null ? '—' : signedQty(s.desired)} testId="sum-desired" />
          <Cell label="risk" value={s.risk === null ? '—' : s.riskRule ? `${s.risk} (${s.riskRule})` : s.risk} tone={s.risk === 'rejected' ? 'bad' : s.risk ? 'good' : ''} testId="sum-risk" />
          <Cell label="fills" value={s.fills ? `${s.fills.label} ${signedQty(s.fills.qty)}` : '—'} testId="sum-fills" />
          <Cell label="order" value={s.orderOutcome ?? '—'} testId="sum-order" />
          <Cell label="confirmed" value={s.confirmed === null ? '—' : signedQty(s.confirmed)} testId="sum-confirmed" />
          <Cell label="residual" value={s.residual === null ? '—' : signedQty(s.residual)} tone={s.residual && !isZeroDec(s.residual) ? 'warn' : ''} testId="sum-residual" />
          <Cell label="drift" value={s.drift === null ? '—' : signedQty(s.drift)} tone={s.drift && !isZeroDec(s.drift) ? 'bad' : ''} testId="sum-drift" />
          <Cell label="flags" value={s.codes.length ? s.codes.join(', ') : 'none'} tone={s.codes.length ? 'warn' : ''} testId="sum-flags" />
        </div>
      </div>
      <ol className="timeline">
        {records.map((r) => <RecordCard key={r.index} r={r} catalog={catalog} onSeq={onSeq} untrusted={untrustedFrom !== null && r.seq >= untrustedFrom} />)}
      </ol>
    </div>
  );
}

interface ViewProps {
  readonly model: TraceModel;
  readonly intent: number;
  readonly catalog: ReadonlyMap<string, FailureEntry>;
  readonly onSeq: (seq: number) => void;
  readonly untrustedFrom: number | null;
}

export function ChainView({ model, intent, catalog, onSeq, untrustedFrom }: ViewProps) {
  const records = useMemo(() => model.chain(intent).map((i) => model.record(i)), [model, intent]);
  const it = model.data.intents;
  const meta = `${model.str(it.instrument[intent])} · ${model.str(it.strategy[intent]) ?? 'no strategy'} · ${model.str(it.account[intent])}`;
  return <ChainBody id={model.intentId(intent)} status={model.intentStatus(intent)} meta={meta} records={records} catalog={catalog} onSeq={onSeq} untrustedFrom={untrustedFrom} />;
}
