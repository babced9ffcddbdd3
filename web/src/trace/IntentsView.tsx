/** Filterable, searchable, virtualised intent list beside the selected intent's chain. */
import { useMemo, useRef, useEffect, type ReactNode } from 'react';
import type { FailureEntry } from '../../../src/operator/catalog';
import { INTENT_STATUSES, STATUS_LABELS } from '../../../src/web/data-types';
import { StatusBadge } from '../components/Badges';
import { VirtualList } from '../components/VirtualList';
import { ChainView } from './ChainView';
import type { IntentFilter, TraceModel } from './model';

interface Props {
  readonly model: TraceModel;
  readonly filter: IntentFilter;
  readonly onFilter: (f: IntentFilter) => void;
  readonly selected: number;
  readonly onSelect: (intent: number) => void;
  readonly catalog: ReadonlyMap<string, FailureEntry>;
  readonly onSeq: (seq: number) => void;
}

function Select({ label, value, options, onChange, testId }: { label: string; value: string; options: readonly (string | [string, string])[]; onChange: (v: string) => void; testId: string }) {
  return (
    <select className="input" aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      <option value="">{label}: all</option>
      {options.map((o) => {
        const [v, l] = typeof o === 'string' ? [o, o] : o;
        return <option key={v} value={v}>{l}</option>;
      })}
    </select>
  );
}

export function IntentsView({ model, filter, onFilter, selected, onSelect, catalog, onSeq }: Props) {
  const rows = useMemo(() => model.filter(filter), [model, filter]);
  const searchRef = useRef<HTMLInputElement>(null);
  const listRow = useMemo(() => {
    const pos = new Map<number, number>();
    rows.forEach((v, i) => pos.set(v, i));
    return pos;
  }, [rows]);
  const counts = useMemo(() => model.statusCounts(), [model]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.key === '/' && t.tagName !== 'INPUT' && t.tagName !== 'SELECT') { e.preventDefault(); searchRef.current?.focus(); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const it = model.data.intents;
  const renderRow = (i: number): ReactNode => {
    const k = rows[i];
    return (
      <>
        <StatusBadge status={model.intentStatus(k)} />
        <span className="mono intent-id">{model.intentId(k)}</span>
        <span className="spacer" />
        <span className="muted">{model.str(it.instrument[k])}</span>
        <span className="mono ask">{it.ask[k]}</span>
      </>
    );
  };
  const setF = (patch: Partial<IntentFilter>) => onFilter({ ...filter, ...patch });
  const sel = listRow.get(selected) ?? -1;

  return (
    <div className="split">
      <aside className="side panel">
        <div className="filters">
          <input ref={searchRef} className="input search" type="search" placeholder="Search intent, client or provider order id  ( / )"
            value={filter.query} onChange={(e) => setF({ query: e.target.value })} data-testid="search"
            onKeyDown={(e) => { if (e.key === 'Escape') setF({ query: '' }); if (e.key === 'ArrowDown' || e.key === 'Enter') { e.preventDefault(); if (rows.length) onSelect(rows[0]); (document.querySelector('[data-testid="intent-list"]') as HTMLElement | null)?.focus(); } }} />
          <div className="filter-row">
            <Select label="Instrument" value={filter.instrument} options={model.instruments} onChange={(v) => setF({ instrument: v })} testId="f-instrument" />
            <Select label="Strategy" value={filter.strategy} options={model.strategies} onChange={(v) => setF({ strategy: v })} testId="f-strategy" />
          </div>
          <div className="filter-row">
            <Select label="Status" value={filter.status} options={INTENT_STATUSES.map((s, i) => [s, `${STATUS_LABELS[s]} (${counts[i]})`] as [string, string])} onChange={(v) => setF({ status: v })} testId="f-status" />
            <Select label="Failure code" value={filter.code} options={model.codes} onChange={(v) => setF({ code: v })} testId="f-code" />
          </div>
          <div className="list-count muted" data-testid="intent-count">{rows.length.toLocaleString('en-US')} of {model.intentCount.toLocaleString('en-US')} intents</div>
        </div>
        <VirtualList count={rows.length} selected={sel} label="Intents" testId="intent-list" className="intent-list"
          onSelect={(i) => onSelect(rows[i])} renderRow={renderRow} />
      </aside>
      <section className="main panel" data-testid="chain-panel">
        {selected >= 0 ? <ChainView model={model} intent={selected} catalog={catalog} onSeq={onSeq} />
          : <div className="empty">Select an intent on the left (↑/↓, Enter) to see its chain S01→S07.</div>}
      </section>
    </div>
  );
}
