/** Positions per instrument at any seq of the journal: slider, seq input, steps between changes. */
import { useEffect, useMemo } from 'react';
import { PositionsTable } from '../components/PositionsTable';
import { StageBadge } from '../components/Badges';
import { NotFound } from '../components/NotFound';
import { isoTs } from '../lib/format';
import type { TraceModel } from './model';
import type { StateIndex } from './state-index';

interface Props {
  readonly model: TraceModel;
  readonly index: StateIndex;
  readonly seq: number;
  readonly onSeq: (s: number) => void;
  readonly onIntent: (id: string) => void;
  /** A seq from the URL that the journal does not have (shown instead of the state until another is chosen). */
  readonly missing: string | null;
}

export function StateView({ model, index, seq, onSeq, onIntent, missing }: Props) {
  const seqs = model.data.records.seq;
  const minSeq = seqs.length ? seqs[0] : 0;
  const maxSeq = seqs.length ? seqs[seqs.length - 1] : 0;
  const changes = useMemo(() => index.changeSeqs(), [index]);
  const { rows, changed } = useMemo(() => index.at(seq), [index, seq]);
  const ri = model.indexOfSeq(seq);
  const rec = ri >= 0 ? model.record(ri) : null;
  const around: number[] = [];
  for (let k = Math.max(0, ri - 8); k <= Math.min(model.recordCount - 1, ri + 8); k++) around.push(k);

  const step = (dir: 1 | -1) => {
    let lo = 0, hi = changes.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (changes[mid] <= seq) lo = mid + 1; else hi = mid; }
    const next = dir > 0 ? changes[lo] : changes[(changes[lo - 1] === seq ? lo - 2 : lo - 1)];
    if (next !== undefined) onSeq(next);
  };

  // ←/→ step one seq, Shift+←/→ jump to the previous/next change (unless typing in a field).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t.tagName === 'INPUT' || t.tagName === 'SELECT' || (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight')) return;
      e.preventDefault();
      const dir = e.key === 'ArrowRight' ? 1 : -1;
      if (e.shiftKey) step(dir);
      else onSeq(Math.min(maxSeq, Math.max(minSeq, seq + dir)));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <div className="state-view panel" data-testid="state-view">
      <div className="state-controls">
        <label className="muted" htmlFor="seq-slider">seq</label>
        <input id="seq-slider" type="range" min={minSeq} max={maxSeq} step={1} value={seq} data-testid="seq-slider"
          onChange={(e) => onSeq(Number(e.target.value))} aria-label="Journal seq" />
        <input className="input mono seq-input" type="number" min={minSeq} max={maxSeq} value={seq} data-testid="seq-input"
          onChange={(e) => { const v = Number(e.target.value); if (Number.isFinite(v)) onSeq(Math.min(maxSeq, Math.max(minSeq, Math.trunc(v)))); }} aria-label="Seq" />
        <span className="muted">/ {maxSeq.toLocaleString('en-US')}</span>
        <button className="btn" onClick={() => step(-1)} title="Previous position change">◀ change</button>
        <button className="btn" onClick={() => step(1)} title="Next position change">change ▶</button>
      </div>
      {missing !== null && (
        <NotFound what="seq" id={missing}>
          <p className="muted">This journal has seq {minSeq.toLocaleString('en-US')} to {maxSeq.toLocaleString('en-US')}{model.recordCount !== maxSeq - minSeq + 1 ? ', with gaps' : ''}.</p>
          <button className="btn" onClick={() => onSeq(maxSeq)}>Show the state at the last seq</button>
        </NotFound>
      )}
      {missing === null && rec && (
        <div className="state-at" data-testid="state-record">
          <StageBadge type={rec.type} /> <b>{rec.kind}</b>
          <span className="muted mono">seq {rec.seq} · {isoTs(rec.ts)} · {rec.instrument ?? 'no instrument'}</span>
          {rec.correlationId && <button className="linkbtn mono" onClick={() => onIntent(rec.correlationId!)}>{rec.correlationId}</button>}
        </div>
      )}
      {missing === null && <div className="state-table">
        <PositionsTable rows={rows} changed={changed} testId="state-table" />
        <div className="around">
          <div className="section-title">journal around seq {seq}</div>
          <table className="grid around-table">
            <tbody>
              {around.map((k) => {
                const r = model.record(k);
                return (
                  <tr key={k} className={r.seq === seq ? 'current' : ''} onClick={() => onSeq(r.seq)}>
                    <td className="num" style={{ width: 80 }}>{r.seq}</td>
                    <td style={{ width: 44 }}><StageBadge type={r.type} /></td>
                    <td style={{ width: 150 }} className="mono">{r.kind}</td>
                    <td style={{ width: 110 }}>{r.instrument ?? ''}</td>
                    <td className="mono muted">{r.correlationId ?? ''}</td>
                    <td className="mono muted num">{isoTs(r.ts)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </div>}
      <p className="muted hint">
        desired: last S02 · expected: own fills (de-duplicated by execId), set to confirmed by an S06 adjustment · confirmed: last S05 position report ·
        working: open order leaves · residual = desired − confirmed · drift = expected − confirmed. Exact decimals; a marked cell changed at this seq.
      </p>
    </div>
  );
}
