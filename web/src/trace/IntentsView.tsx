/**
 * The Intents view: a filterable, searchable, virtualised list beside the selected item. Two
 * lists share the instrument, failure-code and search filters: intents (their chain S01→S07) and
 * incidents & flags (every S07 flag or incident, tied to an intent or not, grouped by code and
 * instrument, each with its causes, automatic actions and operator actions).
 */
import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import type { FailureEntry } from '../../../src/operator/catalog';
import { INCIDENT_STATES, INTENT_STATUSES, STATUS_LABELS } from '../../../src/web/data-types';
import { IncidentStatusBadge, StatusBadge } from '../components/Badges';
import { NotFound } from '../components/NotFound';
import { VirtualList } from '../components/VirtualList';
import { isoTs } from '../lib/format';
import { ChainView } from './ChainView';
import { IncidentView } from './IncidentView';
import type { IntentFilter, TraceModel } from './model';

export type ListMode = 'intents' | 'incidents';

/** An id from the URL fragment that the journal does not have. */
export interface Missing {
  readonly what: 'intent' | 'incident';
  readonly id: string;
}

interface Props {
  readonly model: TraceModel;
  readonly mode: ListMode;
  readonly onMode: (m: ListMode) => void;
  readonly filter: IntentFilter;
  readonly onFilter: (f: IntentFilter) => void;
  readonly selected: number;
  readonly onSelect: (intent: number) => void;
  readonly selectedIncident: number;
  readonly onSelectIncident: (k: number) => void;
  readonly missing: Missing | null;
  readonly catalog: ReadonlyMap<string, FailureEntry>;
  readonly onSeq: (seq: number) => void;
  readonly onIntent: (id: string) => void;
  readonly untrustedFrom: number | null;
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

const fmtN = (n: number) => n.toLocaleString('en-US');
const STATE_LABELS: Record<string, string> = { open: 'open', acknowledged: 'acknowledged', resolved: 'resolved', flag: 'flags' };

export function IntentsView(props: Props) {
  const { model, mode, onMode, filter, onFilter, selected, onSelect, selectedIncident, onSelectIncident, missing, catalog, onSeq, onIntent, untrustedFrom } = props;
  const intentRows = useMemo(() => model.filter(filter), [model, filter]);
  const incidentRows = useMemo(() => model.filterIncidents(filter), [model, filter]);
  const groups = useMemo(() => (mode === 'incidents' ? model.incidentGroups(incidentRows) : []), [model, mode, incidentRows]);
  const rows = mode === 'intents' ? intentRows : incidentRows;
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
  const inc = model.data.incidents;
  const recs = model.data.records;
  const renderIntent = (i: number): ReactNode => {
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
  const renderIncident = (i: number): ReactNode => {
    const k = rows[i];
    const r = inc.record[k];
    return (
      <>
        <IncidentStatusBadge status={model.incidentState(k)} />
        <span className="inc-code">{model.incidentCode(k)}</span>
        <span className="muted">{model.str(recs.instrument[r]) ?? ''}</span>
        <span className="inc-msg">{inc.intent[k] >= 0 ? model.intentId(inc.intent[k]) : `seq ${recs.seq[r]}`}</span>
        <span className="mono muted">{isoTs(model.ts[r]).slice(5, 16)}</span>
      </>
    );
  };
  const setF = (patch: Partial<IntentFilter>) => onFilter({ ...filter, ...patch });
  const sel = listRow.get(mode === 'intents' ? selected : selectedIncident) ?? -1;
  const listId = mode === 'intents' ? 'intent-list' : 'incident-list';
  const select = (i: number) => (mode === 'intents' ? onSelect(rows[i]) : onSelectIncident(rows[i]));
  const codeOptions = model.codes.map((c) => {
    const n = model.codeCount(c);
    return [c, n ? `${c} (${fmtN(n.incidents + n.flags)})` : c] as [string, string];
  });
  // A code no intent carries (a drift found by an interval check): point to the incidents list.
  const onlyIncidents = mode === 'intents' && intentRows.length === 0 && incidentRows.length > 0;

  let main: ReactNode;
  if (missing && ((missing.what === 'intent' && mode === 'intents' && selected < 0) || (missing.what === 'incident' && mode === 'incidents' && selectedIncident < 0))) {
    main = (
      <NotFound what={missing.what} id={missing.id}>
        <p className="muted">{missing.what === 'intent'
          ? `The journal has ${fmtN(model.intentCount)} intents; search the list on the left by intent, client or provider order id.`
          : `The journal has ${fmtN(model.incidentCount)} flags and incidents; an incident is named by its incident id, a flag by its seq.`}</p>
      </NotFound>
    );
  } else if (mode === 'intents') {
    main = selected >= 0 ? <ChainView model={model} intent={selected} catalog={catalog} onSeq={onSeq} untrustedFrom={untrustedFrom} />
      : <div className="empty">Select an intent on the left (↑/↓, Enter) to see its chain S01→S07.</div>;
  } else {
    main = selectedIncident >= 0 ? <IncidentView model={model} k={selectedIncident} catalog={catalog} onSeq={onSeq} onIntent={onIntent} untrustedFrom={untrustedFrom} />
      : <div className="empty">Select a flag or incident on the left (↑/↓, Enter) to see what detected it, what ran automatically and what the operator did.</div>;
  }

  return (
    <div className="split">
      <aside className="side panel">
        <div className="filters">
          <div className="mode-switch" role="group" aria-label="List">
            <button aria-pressed={mode === 'intents'} onClick={() => onMode('intents')} data-testid="mode-intents">Intents ({fmtN(intentRows.length)})</button>
            <button aria-pressed={mode === 'incidents'} onClick={() => onMode('incidents')} data-testid="mode-incidents">Incidents &amp; flags ({fmtN(incidentRows.length)})</button>
          </div>
          <input ref={searchRef} className="input search" type="search"
            placeholder={mode === 'intents' ? 'Search intent, client or provider order id  ( / )' : 'Search incident id, code, intent, message  ( / )'}
            value={filter.query} onChange={(e) => setF({ query: e.target.value })} data-testid="search"
            onKeyDown={(e) => { if (e.key === 'Escape') setF({ query: '' }); if (e.key === 'ArrowDown' || e.key === 'Enter') { e.preventDefault(); if (rows.length) select(0); (document.querySelector(`[data-testid="${listId}"]`) as HTMLElement | null)?.focus(); } }} />
          <div className="filter-row">
            <Select label="Instrument" value={filter.instrument} options={model.instruments} onChange={(v) => setF({ instrument: v })} testId="f-instrument" />
            <Select label="Failure code" value={filter.code} options={codeOptions} onChange={(v) => setF({ code: v })} testId="f-code" />
          </div>
          {mode === 'intents' ? (
            <div className="filter-row">
              <Select label="Status" value={filter.status} options={INTENT_STATUSES.map((s, i) => [s, `${STATUS_LABELS[s]} (${counts[i]})`] as [string, string])} onChange={(v) => setF({ status: v })} testId="f-status" />
              <Select label="Strategy" value={filter.strategy} options={model.strategies} onChange={(v) => setF({ strategy: v })} testId="f-strategy" />
            </div>
          ) : (
            <div className="filter-row">
              <Select label="State" value={filter.state} options={INCIDENT_STATES.map((s) => [s, STATE_LABELS[s]] as [string, string])} onChange={(v) => setF({ state: v })} testId="f-state" />
              <Select label="Intent" value={filter.link} options={[['none', 'without an intent'], ['intent', 'tied to an intent']]} onChange={(v) => setF({ link: v })} testId="f-link" />
            </div>
          )}
          <div className="list-count muted" data-testid={mode === 'intents' ? 'intent-count' : 'incident-count'}>
            {mode === 'intents' ? `${fmtN(rows.length)} of ${fmtN(model.intentCount)} intents` : `${fmtN(rows.length)} of ${fmtN(model.incidentCount)} flags and incidents`}
          </div>
          {mode === 'incidents' && groups.length > 0 && (
            <div className="groups" data-testid="incident-groups" aria-label="By code and instrument">
              {groups.map((g) => (
                <button key={g.code + g.instrument} className="group-chip" data-code={g.code} data-instrument={g.instrument} data-count={g.count}
                  title={`Show only ${g.code} on ${g.instrument || 'no instrument'}`} onClick={() => setF({ code: g.code, instrument: g.instrument })}>
                  {g.code} · {g.instrument || 'no instrument'}<b>{fmtN(g.count)}</b>
                </button>
              ))}
            </div>
          )}
        </div>
        {onlyIncidents && (
          <div className="hint-box" data-testid="incidents-hint">
            No intent matches, but {fmtN(incidentRows.length)} flags and incidents do{filter.code ? ` (${filter.code} raised outside any intent's chain, e.g. by an interval check)` : ''}.{' '}
            <button className="linkbtn" onClick={() => onMode('incidents')}>Show them →</button>
          </div>
        )}
        <VirtualList count={rows.length} selected={sel} label={mode === 'intents' ? 'Intents' : 'Incidents and flags'} testId={listId}
          className="intent-list" onSelect={select} renderRow={mode === 'intents' ? renderIntent : renderIncident} />
      </aside>
      <section className="main panel" data-testid="chain-panel">{main}</section>
    </div>
  );
}
