/** Every journal record, virtualised, with a type filter; selecting one shows it in full. */
import { useMemo, useState, type ReactNode } from 'react';
import type { FailureEntry } from '../../../src/operator/catalog';
import { StageBadge } from '../components/Badges';
import { VirtualList } from '../components/VirtualList';
import { isoTs } from '../lib/format';
import type { TraceModel } from './model';
import { RecordCard } from './RecordCard';

const TYPES = ['S00.run', 'S01.intent', 'S02.desired', 'S03.risk', 'S04.order', 'S05.provider', 'S06.reconciliation', 'S07.operator'];

export function RecordsView({ model, catalog, onIntent, onSeq }: { model: TraceModel; catalog: ReadonlyMap<string, FailureEntry>; onIntent: (id: string) => void; onSeq: (s: number) => void }) {
  const [type, setType] = useState('');
  const [sel, setSel] = useState(-1);
  const rows = useMemo(() => {
    const t = TYPES.indexOf(type);
    const all = model.data.records.type;
    const out = new Int32Array(all.length);
    let n = 0;
    for (let i = 0; i < all.length; i++) if (t < 0 || all[i] === t) out[n++] = i;
    return out.subarray(0, n);
  }, [model, type]);
  const r = model.data.records;
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
  return (
    <div className="split">
      <aside className="side panel wide">
        <div className="filters">
          <select className="input" value={type} onChange={(e) => { setType(e.target.value); setSel(-1); }} aria-label="Record type">
            <option value="">All record types</option>
            {TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
          <div className="list-count muted">{rows.length.toLocaleString('en-US')} records</div>
        </div>
        <VirtualList count={rows.length} selected={sel} onSelect={setSel} label="Records" renderRow={renderRow} testId="record-list" />
      </aside>
      <section className="main panel">
        {rec ? (
          <div className="chain">
            {rec.correlationId && <p className="records-chain">Chain: <button className="linkbtn mono" onClick={() => onIntent(rec.correlationId!)}>{rec.correlationId}</button></p>}
            <ol className="timeline"><RecordCard r={rec} catalog={catalog} onSeq={onSeq} /></ol>
          </div>
        ) : <div className="empty">Select a record.</div>}
      </section>
    </div>
  );
}
