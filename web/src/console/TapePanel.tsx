/**
 * Live record tape: the last records of the journal as they are written (newest on top),
 * virtualised; filter by stage, pause to read. Enter or a click opens the record's intent chain.
 */
import { useMemo, useState } from 'react';
import { StageBadge } from '../components/Badges';
import { VirtualList } from '../components/VirtualList';
import { recordHeadline } from '../trace/RecordCard';
import { clockTime } from './clock';
import { IntentLink, useDrawer } from './intents';
import type { JournalRecord } from './types';

const STAGES = ['S00', 'S01', 'S02', 'S03', 'S04', 'S05', 'S06', 'S07'] as const;
const STAGE_NAMES: Record<string, string> = {
  S00: 'run', S01: 'intent', S02: 'desired', S03: 'risk', S04: 'order', S05: 'provider', S06: 'reconciliation', S07: 'operator',
};

export function TapePanel({ tape, size }: { tape: readonly JournalRecord[]; size: number }) {
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [paused, setPaused] = useState<readonly JournalRecord[] | null>(null);
  const [selSeq, setSelSeq] = useState(-1);
  const openDrawer = useDrawer();
  const source = paused ?? tape;
  const rows = useMemo(() => (hidden.size ? source.filter((r) => !hidden.has(r.type.slice(0, 3))) : source), [source, hidden]);
  const selected = rows.findIndex((r) => r.seq === selSeq);
  const activate = (r: JournalRecord) => openDrawer(r.correlationId ? { kind: 'intent', id: r.correlationId } : { kind: 'record', record: r });
  const toggle = (s: string) => setHidden((h) => { const n = new Set(h); if (n.has(s)) n.delete(s); else n.add(s); return n; });

  return (
    <section className="panel cpanel tape-panel" aria-label="Record tape" data-testid="tape-panel">
      <header className="panel-h">
        <span className="panel-title">Record tape</span>
        <span className="muted small">last {Math.min(size, tape.length)}</span>
        <span className="spacer" />
        <div className="stage-filter" aria-label="Stages shown">
          {STAGES.map((s) => (
            <button key={s} type="button" className={`stage-chip ${hidden.has(s) ? 'off' : ''}`} aria-pressed={!hidden.has(s)} title={`${s} ${STAGE_NAMES[s]}: ${hidden.has(s) ? 'hidden' : 'shown'}`}
              style={{ ['--c' as string]: `var(--${s.toLowerCase()})` }} onClick={() => toggle(s)}>{s}</button>
          ))}
        </div>
        <button type="button" className={`btn btn-sm ${paused ? 'btn-primary' : ''}`} onClick={() => setPaused(paused ? null : tape)} data-testid="tape-pause" title="Freeze the tape to read it (space)">
          {paused ? `▶ resume (${tape.filter((r) => r.seq > (paused[0]?.seq ?? 0)).length} new)` : '❚❚ pause'}
        </button>
      </header>
      <VirtualList count={rows.length} rowHeight={24} selected={selected} label="Record tape" testId="tape" className="tape panel-scroll"
        onSelect={(i) => setSelSeq(rows[i]?.seq ?? -1)} onActivate={(i) => { const r = rows[i]; if (r) activate(r); }}
        renderRow={(i) => {
          const r = rows[i];
          const kind = String(r.payload.kind);
          const head = recordHeadline({ type: r.type, payload: r.payload as unknown as Record<string, unknown> });
          const alarm = r.type === 'S07.operator' && (kind === 'incident_opened' || kind === 'kill_switch' || kind === 'trading_state_changed');
          return (
            <div className={`tape-row ${alarm ? 'tape-alarm' : ''}`} data-seq={r.seq} data-type={r.type} data-kind={kind}>
              <span className="mono muted t-seq">{r.seq}</span>
              <span className="mono muted t-time">{clockTime(r.ts)}</span>
              <StageBadge type={r.type} />
              <span className="mono t-kind">{kind}</span>
              <span className="t-inst">{r.instrument ?? <span className="muted">—</span>}</span>
              <span className="t-corr">{r.correlationId ? <IntentLink id={r.correlationId} /> : null}</span>
              <span className="t-head" title={head}>{head}</span>
            </div>
          );
        }} />
    </section>
  );
}
