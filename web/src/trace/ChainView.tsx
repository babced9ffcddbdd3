/** An intent's chain S01→S07 as a timeline, under a summary of what happened to it. */
import { useMemo } from 'react';
import type { FailureEntry } from '../../../src/operator/catalog';
import { StatusBadge } from '../components/Badges';
import { isZeroDec, signedQty } from '../lib/decimal';
import { summarizeChain } from './chain-summary';
import type { TraceModel } from './model';
import { RecordCard } from './RecordCard';

function Cell({ label, value, tone, testId }: { label: string; value: string; tone?: string; testId: string }) {
  return (
    <div className={`sum-cell ${tone ?? ''}`} data-testid={testId}>
      <span>{label}</span><b>{value}</b>
    </div>
  );
}

export function ChainView({ model, intent, catalog, onSeq }: { model: TraceModel; intent: number; catalog: ReadonlyMap<string, FailureEntry>; onSeq: (seq: number) => void }) {
  const records = useMemo(() => model.chain(intent).map((i) => model.record(i)), [model, intent]);
  const s = useMemo(() => summarizeChain(records), [records]);
  const id = model.intentId(intent);
  const status = model.intentStatus(intent);
  const it = model.data.intents;
  return (
    <div className="chain" data-testid="chain" data-intent={id}>
      <div className="chain-head">
        <div className="chain-title">
          <h2 className="mono">{id}</h2>
          <StatusBadge status={status} />
          <span className="muted">{model.str(it.instrument[intent])} · {model.str(it.strategy[intent]) ?? 'no strategy'} · {model.str(it.account[intent])}</span>
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
        {records.map((r) => <RecordCard key={r.index} r={r} catalog={catalog} onSeq={onSeq} />)}
      </ol>
    </div>
  );
}
