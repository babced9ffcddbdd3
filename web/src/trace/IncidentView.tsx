/**
 * One flag or incident with what an operator reviews it by: what detected it (the S06 check and
 * the provider report it compared), what ran automatically (adjustment, trading state change),
 * the operator's acknowledgement or resolution, its playbook, and the related records in seq order.
 */
import { useMemo, type ReactNode } from 'react';
import type { FailureEntry } from '../../../src/operator/catalog';
import { IncidentStatusBadge, SeverityBadge } from '../components/Badges';
import { Playbook } from '../components/Playbook';
import { isZeroDec, signedQty } from '../lib/decimal';
import { isoTs } from '../lib/format';
import type { RecordView, TraceModel } from './model';
import { RecordCard, recordHeadline } from './RecordCard';

interface Props {
  readonly model: TraceModel;
  readonly k: number;
  readonly catalog: ReadonlyMap<string, FailureEntry>;
  readonly onSeq: (seq: number) => void;
  readonly onIntent: (id: string) => void;
  /** First seq that fails verification, or null. */
  readonly untrustedFrom: number | null;
}

interface Review {
  readonly detectedBy: RecordView | null;
  readonly check: RecordView | null;
  readonly adjustment: RecordView | null;
  readonly tradingState: RecordView[];
  readonly operator: RecordView[];
}

/** Picks the records an operator looks at first out of an incident's related records. */
function review(rec: RecordView, related: readonly RecordView[]): Review {
  const bySeq = new Map(related.map((r) => [r.seq, r]));
  const detectedBy = rec.causationSeq === null ? null : bySeq.get(rec.causationSeq) ?? null;
  let check: RecordView | null = null;
  let adjustment: RecordView | null = null;
  const tradingState: RecordView[] = [];
  const operator: RecordView[] = [];
  for (const r of related) {
    const kind = r.payload.kind;
    if (r.type === 'S06.reconciliation' && kind === 'reconciliation' && r.seq <= rec.seq) check = r;
    if (r.type === 'S06.reconciliation' && kind === 'adjustment' && !adjustment) adjustment = r;
    if (r.type === 'S07.operator' && kind === 'trading_state_changed') tradingState.push(r);
    if (r.type === 'S07.operator' && (kind === 'incident_acknowledged' || kind === 'incident_resolved')) operator.push(r);
  }
  return { detectedBy, check, adjustment, tradingState, operator };
}

function Cell({ label, children, tone, testId }: { label: string; children: ReactNode; tone?: string; testId: string }) {
  return <div className={`sum-cell ${tone ?? ''}`} data-testid={testId}><span>{label}</span><b>{children}</b></div>;
}

export function IncidentView({ model, k, catalog, onSeq, onIntent, untrustedFrom }: Props) {
  const inc = model.data.incidents;
  const rec = useMemo(() => model.record(inc.record[k]), [model, inc, k]);
  const related = useMemo(() => model.incidentChain(k).map((i) => model.record(i)), [model, k]);
  const faults = useMemo(() => model.incidentFaults(k).map((i) => model.record(i)), [model, k]);
  const rv = useMemo(() => review(rec, related), [rec, related]);
  const code = model.incidentCode(k);
  const state = model.incidentState(k);
  const intentId = inc.intent[k] >= 0 ? model.intentId(inc.intent[k]) : null;
  const untrusted = (r: RecordView) => untrustedFrom !== null && r.seq >= untrustedFrom;
  const cp = rv.check?.payload;
  const drift = cp ? String(cp.drift ?? '0') : null;
  const residual = cp ? String(cp.residual ?? '0') : null;

  return (
    <div className="chain" data-testid="incident" data-incident={model.incidentKey(k)} data-code={code} data-state={state}>
      <div className="chain-head">
        <div className="chain-title">
          <h2 className="mono">{inc.incidentId[k] >= 0 ? model.incidentKey(k) : `flag at seq ${rec.seq}`}</h2>
          <IncidentStatusBadge status={state} />
          <SeverityBadge severity={model.str(inc.severity[k]) ?? 'warning'} />
          <span className="muted">{rec.instrument ?? 'no instrument'} · {rec.account} · {isoTs(rec.ts)}</span>
        </div>
        <p className="inc-message" data-testid="incident-message"><code>{code}</code> {String(rec.payload.message ?? '')}</p>
        <div className="summary inc-summary" data-testid="incident-summary">
          <Cell label="intent" testId="inc-intent">
            {intentId ? <button className="linkbtn mono" onClick={() => onIntent(intentId)}>{intentId}</button> : 'none'}
          </Cell>
          <Cell label="detected by" testId="inc-detected">
            {rv.detectedBy ? <button className="linkbtn" onClick={() => onSeq(rv.detectedBy!.seq)}>{rv.detectedBy.type.slice(0, 3)} seq {rv.detectedBy.seq}</button> : '—'}
          </Cell>
          <Cell label="expected → confirmed" testId="inc-positions">
            {cp ? `${signedQty(String(cp.expected))} → ${signedQty(String(cp.confirmed))}` : '—'}
          </Cell>
          <Cell label="drift" testId="inc-drift" tone={drift && !isZeroDec(drift) ? 'bad' : ''}>{drift === null ? '—' : signedQty(drift)}</Cell>
          <Cell label="residual" testId="inc-residual" tone={residual && !isZeroDec(residual) ? 'warn' : ''}>{residual === null ? '—' : signedQty(residual)}</Cell>
          <Cell label="adjustment" testId="inc-adjustment">{rv.adjustment ? signedQty(String(rv.adjustment.payload.adjustment)) : '—'}</Cell>
          <Cell label="trading state" testId="inc-trading" tone={rv.tradingState.length ? 'warn' : ''}>
            {rv.tradingState.length ? rv.tradingState.map((r) => `${String(r.payload.from)} → ${String(r.payload.to)}`).join(', ') : '—'}
          </Cell>
          <Cell label="operator" testId="inc-operator" tone={state === 'open' ? 'bad' : ''}>
            {rv.operator.length
              ? rv.operator.map((r) => `${r.payload.kind === 'incident_resolved' ? 'resolved' : 'acknowledged'} by ${String(r.payload.actor)}: ${String(r.payload.reason)}`).join(' · ')
              : state === 'flag' ? 'a flag needs no acknowledgement' : 'not acknowledged'}
          </Cell>
        </div>
      </div>
      <div className="rec-playbook"><Playbook entry={catalog.get(code)} /></div>
      <div className="section-title" style={{ marginTop: 12 }}>related records: causes, automatic actions, operator actions</div>
      <ol className="timeline" data-testid="incident-records">
        {related.map((r) => <RecordCard key={r.index} r={r} catalog={catalog} onSeq={onSeq} untrusted={untrusted(r)} focus={r.index === rec.index} />)}
      </ol>
      {faults.length > 0 && (
        <div className="context" data-testid="incident-faults">
          <div className="section-title">simulated faults on {rec.instrument} before this check (simulation metadata, not a causal link)</div>
          <ul>
            {faults.map((f) => (
              <li key={f.index}><button className="linkbtn mono" onClick={() => onSeq(f.seq)}>seq {f.seq}</button> {recordHeadline(f)}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
