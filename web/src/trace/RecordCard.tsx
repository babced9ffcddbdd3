/**
 * One journal record in a chain timeline: stage, kind, headline, every payload field, the
 * reconciliation values with gaps highlighted, and the playbook of a flag.
 */
import type { FailureEntry } from '../../../src/operator/catalog';
import { StageBadge } from '../components/Badges';
import { FieldGrid } from '../components/FieldGrid';
import { Playbook } from '../components/Playbook';
import { isZeroDec, signedQty, qty } from '../lib/decimal';
import { isoTs } from '../lib/format';
import type { RecordView } from './model';

const RECON_KEYS = ['desired', 'expected', 'confirmed', 'working', 'residual', 'drift'] as const;

/** One line saying what a record is (also the console's record tape). */
export function recordHeadline(r: Pick<RecordView, 'type' | 'payload'>): string {
  const p = r.payload;
  const s = (k: string): string => String(p[k] ?? '');
  switch (r.type) {
    case 'S00.run': return p.kind === 'run_started' ? `run ${s('runId')} started (${s('mode')})` : 'run completed';
    case 'S01.intent': return `${s('strategyId')} wants ${s('mode')} ${signedQty(s('quantity'))}`;
    case 'S02.desired': return `desired ${signedQty(s('desired'))} (was ${signedQty(s('previous'))})`;
    case 'S03.risk': return p.decision === 'accepted' ? 'accepted before routing' : `rejected by ${s('ruleId')}: ${s('reason')}`;
    case 'S04.order': return `${s('kind')} ${s('clientOrderId')}${p.quantity ? ` ${s('side')} ${qty(s('quantity'))}` : ''}`;
    case 'S05.provider':
      if (p.kind === 'position_report') return `position report: confirmed ${signedQty(s('position'))}`;
      if (p.kind === 'fault_injected') return `injected ${s('fault')} #${s('occurrence')}: ${s('detail')}`;
      if (p.kind === 'fill' || p.kind === 'partial_fill') return `${s('kind')} ${p.side === 'sell' ? '-' : '+'}${qty(s('lastQty'))} @ ${s('lastPrice')} (cum ${qty(s('cumQty'))}, leaves ${qty(s('leavesQty'))})`;
      return `${s('kind')} ${s('clientOrderId')}${p.reason ? ': ' + s('reason') : ''}`;
    case 'S06.reconciliation':
      return p.kind === 'adjustment' ? `adjustment ${signedQty(s('adjustment'))}: expected ${signedQty(s('expectedBefore'))} → ${signedQty(s('confirmed'))}` : `${s('classification')} (${s('trigger')})`;
    case 'S07.operator':
      if (p.kind === 'flag' || p.kind === 'incident_opened') return `${s('code')}: ${s('message')}`;
      if (p.kind === 'trading_state_changed') return `${s('from')} → ${s('to')} by ${s('actor')}: ${s('reason')}`;
      if (p.kind === 'kill_switch') return `kill switch ${p.engaged ? 'ENGAGED' : 'released'} by ${s('actor')}: ${s('reason')}`;
      if (p.kind === 'operator_action') return `${s('action')} ${s('target')} by ${s('actor')}: ${s('reason')}`;
      return `${s('kind')} by ${s('actor')}: ${s('reason')}`;
    default: return s('kind');
  }
}

function ReconValues({ p }: { p: Record<string, unknown> }) {
  return (
    <div className="recon" data-testid="recon-values">
      {RECON_KEYS.map((k) => {
        const v = String(p[k] ?? '0');
        const tone = (k === 'drift' || k === 'residual') && !isZeroDec(v) ? (k === 'drift' ? 'bad' : 'warn') : '';
        return (
          <div key={k} className={`recon-cell ${tone}`} data-recon={k} data-value={v}>
            <span>{k}</span><b className="mono">{signedQty(v)}</b>
          </div>
        );
      })}
    </div>
  );
}

interface CardProps {
  readonly r: RecordView;
  readonly catalog: ReadonlyMap<string, FailureEntry>;
  readonly onSeq?: (seq: number) => void;
  /** At or after the seq where the journal fails verification. */
  readonly untrusted?: boolean;
  /** The record the view is about (an incident's own record among its related ones). */
  readonly focus?: boolean;
}

export function RecordCard({ r, catalog, onSeq, untrusted = false, focus = false }: CardProps) {
  const p = r.payload;
  const code = typeof p.code === 'string' ? p.code : null;
  const hidden = r.type === 'S06.reconciliation' && p.kind === 'reconciliation' ? [...RECON_KEYS, 'kind', 'raw'] : ['kind', 'raw'];
  return (
    <li className={`rec rec-${r.type.slice(0, 3).toLowerCase()}${untrusted ? ' untrusted' : ''}${focus ? ' focus' : ''}`} data-seq={r.seq} data-type={r.type} data-kind={r.kind}
      data-untrusted={untrusted || undefined}>
      <div className="rec-dot" style={{ background: `var(--${r.type.slice(0, 3).toLowerCase()})` }} />
      <div className="rec-body">
        <div className="rec-head">
          <StageBadge type={r.type} />
          <span className="rec-kind">{r.kind}</span>
          <span className="rec-title">{recordHeadline(r)}</span>
          <span className="spacer" />
          {untrusted && <span className="badge bad" title="At or after the seq where the journal fails verification">unverified</span>}
          {onSeq ? <button className="linkbtn mono" title="Show state at this seq" onClick={() => onSeq(r.seq)}>seq {r.seq}</button> : <span className="mono">seq {r.seq}</span>}
          <span className="muted mono">{isoTs(r.ts)}</span>
        </div>
        {r.type === 'S06.reconciliation' && p.kind === 'reconciliation' && <ReconValues p={p} />}
        <FieldGrid fields={p} skip={hidden} />
        {code && <div className="rec-playbook"><Playbook entry={catalog.get(code)} compact /></div>}
        <details>
          <summary>envelope{'raw' in p ? ' and raw provider message' : ''}</summary>
          <FieldGrid fields={{ seq: r.seq, ts: r.ts, type: r.type, account: r.account, instrument: r.instrument, correlationId: r.correlationId, causationSeq: r.causationSeq, hash: r.hash + '…' }} />
          {'raw' in p && <pre className="json">{JSON.stringify(p.raw, null, 2)}</pre>}
        </details>
      </div>
    </li>
  );
}
