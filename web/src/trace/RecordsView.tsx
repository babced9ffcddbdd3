/** Every journal record, virtualised, with a type filter; selecting one shows it in full (`#tab=records&seq=N`). */
import { useMemo, useState, type ReactNode } from 'react';
import type { FailureEntry } from '../../../src/operator/catalog';
import { StageBadge } from '../components/Badges';
import { NotFound } from '../components/NotFound';
import { VirtualList } from '../components/VirtualList';
import { isoTs } from '../lib/format';
import type { TraceModel } from './model';
import { RecordCard } from './RecordCard';

const TYPES = ['S00.run', 'S01.intent', 'S02.desired', 'S03.risk', 'S04.order', 'S05.provider', 'S06.reconciliation', 'S07.operator'];

interface Props {
  readonly model: TraceModel;
  readonly catalog: ReadonlyMap<string, FailureEntry>;
  readonly onIntent: (id: string) => void;
  readonly onIncident: (key: string) => void;
  readonly onSeq: (s: number) => void;
  /** The selected record's seq (from the URL), or null. */
  readonly seq: number | null;
  readonly onSelectSeq: (s: number | null) => void;
  /** A seq from the URL that the journal does not have. */
  readonly missing: string | null;
  readonly untrustedFrom: number | null;
}

export function RecordsView({ model, catalog, onIntent, onIncident, onSeq, seq, onSelectSeq, missing, untrustedFrom }: Props) {
  const [type, setType] = useState('');
  const rows = useMemo(() => {
    const t = TYPES.indexOf(type);
    const all = model.data.records.type;
    const out = new Int32Array(all.length);
    let n = 0;
    for (let i = 0; i < all.length; i++) if (t < 0 || all[i] === t) out[n++] = i;
    return out.subarray(0, n);
  }, [model, type]);
  const r = model.data.records;
  const sel = useMemo(() => {
    if (seq === null || !model.hasSeq(seq)) return -1;
    const i = model.indexOfSeq(seq);
    let lo = 0, hi = rows.length - 1;
    while (lo <= hi) { const mid = (lo + hi) >> 1; if (rows[mid] === i) return mid; if (rows[mid] < i) lo = mid + 1; else hi = mid - 1; }
    return -1;
  }, [model, rows, seq]);
  const setSel = (i: number) => onSelectSeq(i >= 0 && i < rows.length ? r.seq[rows[i]] : null);
  const renderRow = (i: number): ReactNode => {
    const k = rows[i];
    return (
      <div className="rec-row" style={{ display: 'flex', alignItems: 'center', gap: 8, width: '100%' }}>
        <span className="mono num" style={{ width: 64 }}>{r.seq[k]}</span>
        <StageBadge type={model.typeOf(k)} />
        <span style={{ width: 130 }}>{model.str(r.kind[k])}</span>
        <span className="muted" style={{ width: 96 }}>{model.str(r.instrument[k]) ?? ''}</span>
        <span className="mono muted grow">{model.str(r.corr[k]) ?? ''}</span>
        <span className="mono muted">{isoTs(model.ts[k])}</span>
      </div>
    );
  };
  const rec = sel >= 0 && sel < rows.length ? model.record(rows[sel]) : null;
  const incident = rec && rec.type === 'S07.operator' && (rec.kind === 'flag' || rec.kind === 'incident_opened')
    ? (typeof rec.payload.incidentId === 'string' ? rec.payload.incidentId : String(rec.seq)) : null;
  return (
    <div className="split">
      <aside className="side panel wide">
        <div className="filters">
          <select className="input" value={type} onChange={(e) => setType(e.target.value)} aria-label="Record type">
            <option value="">All record types</option>
            {TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
          <div className="list-count muted">{rows.length.toLocaleString('en-US')} records</div>
        </div>
        <VirtualList count={rows.length} selected={sel} onSelect={setSel} label="Records" renderRow={renderRow} testId="record-list" />
      </aside>
      <section className="main panel">
        {missing !== null && !rec ? <NotFound what="seq" id={missing} /> : rec ? (
          <div className="chain" data-testid="record-detail" data-seq={rec.seq}>
            <p className="records-chain">
              {rec.correlationId && <>Chain: <button className="linkbtn mono" onClick={() => onIntent(rec.correlationId!)}>{rec.correlationId}</button> </>}
              {incident && <button className="linkbtn" onClick={() => onIncident(incident)} data-testid="open-incident">open in incidents →</button>}
            </p>
            <ol className="timeline"><RecordCard r={rec} catalog={catalog} onSeq={onSeq} untrusted={untrustedFrom !== null && rec.seq >= untrustedFrom} /></ol>
          </div>
        ) : <div className="empty">Select a record.</div>}
      </section>
    </div>
  );
}
