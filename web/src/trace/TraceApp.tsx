/**
 * The static trace: intents and their chains, incidents and flags with their causes, state at
 * any seq, all records, playbooks. What the page shows lives in the URL fragment (see
 * docs/trace.md: `#intent=`, `#incident=`, `#view=incidents`, `#tab=state&seq=` …); an id the
 * journal does not have shows a "not found" state.
 */
import { useEffect, useMemo, useState } from 'react';
import type { TraceData } from '../../../src/web/data-types';
import { IntegrityBanner, IntegrityMark } from '../components/IntegrityBanner';
import { Tabs } from '../components/Tabs';
import { hashOf, readHash, writeHash } from '../lib/hash-route';
import { isoTs } from '../lib/format';
import { IntentsView, type ListMode, type Missing } from './IntentsView';
import { EMPTY_FILTER, TraceModel, type IntentFilter } from './model';
import { PlaybooksView } from './PlaybooksView';
import { RecordsView } from './RecordsView';
import { StateIndex } from './state-index';
import { StateView } from './StateView';

type Tab = 'intents' | 'state' | 'records' | 'playbooks';
const TABS: readonly { id: Tab; label: string }[] = [
  { id: 'intents', label: 'Intents' }, { id: 'state', label: 'State at seq' }, { id: 'records', label: 'Records' }, { id: 'playbooks', label: 'Playbooks' },
];

/** The page state the URL fragment asked for, resolved against the journal. */
function initialState(model: TraceModel, h: Record<string, string>) {
  const filter: IntentFilter = {
    ...EMPTY_FILTER, instrument: h.instrument ?? '', strategy: h.strategy ?? '', status: h.status ?? '', code: h.code ?? '', query: h.q ?? '',
    state: h.istate ?? '', link: h.link ?? '',
  };
  const tab: Tab = TABS.some((t) => t.id === h.tab) ? (h.tab as Tab) : 'intents';
  // A code only incidents carry (a drift found by an interval check) opens the incidents list.
  const codeOnlyOnIncidents = filter.code !== '' && model.filter(filter).length === 0 && model.filterIncidents(filter).length > 0;
  const mode: ListMode = h.view === 'incidents' || h.incident !== undefined || codeOnlyOnIncidents ? 'incidents' : 'intents';
  let missing: Missing | null = null;
  // The id the URL asks for (or the first row of the filtered list); an unknown id is "missing".
  const pick = (what: Missing['what'], asked: string | undefined, find: (id: string) => number, rows: () => Int32Array): number => {
    if (asked === undefined) { const r = rows(); return r.length ? r[0] : -1; }
    const i = find(asked);
    if (i < 0) missing = { what, id: asked };
    return i;
  };
  const intent = pick('intent', h.intent, (id) => model.intentIndex(id), () => model.filter(filter));
  const incident = pick('incident', h.incident, (id) => model.incidentIndex(id), () => model.filterIncidents(filter));
  const seqAsked = h.seq !== undefined && (tab === 'state' || tab === 'records') ? h.seq : null;
  const seqOk = seqAsked !== null && /^\d+$/.test(seqAsked) && model.hasSeq(Number(seqAsked));
  return {
    filter, tab, mode, missing, intent, incident,
    seq: seqOk ? Number(seqAsked) : model.data.head.lastSeq,
    recordSeq: seqOk && tab === 'records' ? Number(seqAsked) : null,
    seqMissing: seqAsked !== null && !seqOk ? seqAsked : null,
  };
}

export function TraceApp({ data }: { data: TraceData }) {
  const model = useMemo(() => new TraceModel(data), [data]);
  const stateIndex = useMemo(() => new StateIndex(data.state, data.strings), [data]);
  const catalog = useMemo(() => new Map(data.catalog.map((e) => [e.code, e])), [data]);
  const init = useMemo(() => initialState(model, readHash()), [model]);
  const [tab, setTab] = useState<Tab>(init.tab);
  const [mode, setMode] = useState<ListMode>(init.mode);
  const [filter, setFilter] = useState<IntentFilter>(init.filter);
  const [selected, setSelectedIntent] = useState(init.intent);
  const [selectedIncident, setSelectedIncidentRaw] = useState(init.incident);
  const [missing, setMissing] = useState<Missing | null>(init.missing);
  const [seq, setSeqRaw] = useState(init.seq);
  const [recordSeq, setRecordSeqRaw] = useState<number | null>(init.recordSeq);
  const [seqMissing, setSeqMissing] = useState<string | null>(init.seqMissing);
  const v = data.integrity.verification;
  const untrustedFrom = v !== null && !v.ok ? v.firstBadSeq : null;

  const setSelected = (i: number) => { setSelectedIntent(i); setMissing(null); };
  const setSelectedIncident = (k: number) => { setSelectedIncidentRaw(k); setMissing(null); };
  const setSeq = (s: number) => { setSeqRaw(s); setSeqMissing(null); };
  const setRecordSeq = (s: number | null) => { setRecordSeqRaw(s); setSeqMissing(null); };

  useEffect(() => {
    const intentId = missing?.what === 'intent' ? missing.id : selected >= 0 ? model.intentId(selected) : null;
    const incidentKey = missing?.what === 'incident' ? missing.id : selectedIncident >= 0 ? model.incidentKey(selectedIncident) : null;
    const seqParam = seqMissing ?? (tab === 'state' ? String(seq) : tab === 'records' && recordSeq !== null ? String(recordSeq) : null);
    writeHash({
      tab: tab === 'intents' ? null : tab, view: mode === 'incidents' ? 'incidents' : null,
      intent: mode === 'intents' ? intentId : null, incident: mode === 'incidents' ? incidentKey : null,
      seq: tab === 'state' || tab === 'records' ? seqParam : null,
      instrument: filter.instrument, strategy: filter.strategy, status: filter.status, code: filter.code, q: filter.query,
      istate: filter.state, link: filter.link,
    });
  }, [tab, mode, selected, selectedIncident, missing, seq, recordSeq, seqMissing, filter, model]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t.tagName === 'INPUT' || t.tagName === 'SELECT' || e.ctrlKey || e.metaKey || e.altKey) return;
      const n = Number(e.key);
      if (n >= 1 && n <= TABS.length) setTab(TABS[n - 1].id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const showSeq = (s: number) => { setSeq(s); setTab('state'); };
  const showIntent = (id: string) => { const i = model.intentIndex(id); if (i >= 0) { setSelected(i); setMode('intents'); setTab('intents'); } };
  const showIncident = (key: string) => { const k = model.incidentIndex(key); if (k >= 0) { setSelectedIncident(k); setMode('incidents'); setTab('intents'); } };
  const byCode = (m: ListMode) => (code: string) => {
    const f = { ...EMPTY_FILTER, code };
    setFilter(f);
    setMode(m);
    setTab('intents');
    if (m === 'incidents') { const rows = model.filterIncidents(f); setSelectedIncident(rows.length ? rows[0] : -1); }
    else { const rows = model.filter(f); setSelected(rows.length ? rows[0] : -1); }
  };
  const run = data.run;

  return (
    <div className="app" data-testid="trace-app">
      <header className="topbar">
        <div className="brand"><span className="logo" />Reckon <small>trace</small></div>
        <Tabs tabs={TABS} value={tab} onChange={setTab} />
        <span className="spacer" />
        <div className="facts">
          {run?.runId && <span>run <b className="mono">{run.runId}</b></span>}
          {run?.dataName && <span>data <b>{run.dataName}</b></span>}
          <span><b>{data.head.count.toLocaleString('en-US')}</b> records</span>
          <span><b>{model.intentCount.toLocaleString('en-US')}</b> intents</span>
          <span data-testid="fact-incidents"><b>{model.incidentCount.toLocaleString('en-US')}</b> flags &amp; incidents</span>
          {data.head.count > 0 && <span>{isoTs(data.head.firstTs).slice(0, 10)} → {isoTs(data.head.lastTs).slice(0, 10)}</span>}
        </div>
      </header>
      <IntegrityBanner integrity={data.integrity} source={data.source} marks />
      <main className="content">
        {tab === 'intents' && (
          <IntentsView model={model} mode={mode} onMode={setMode} filter={filter} onFilter={setFilter}
            selected={selected} onSelect={setSelected} selectedIncident={selectedIncident} onSelectIncident={setSelectedIncident}
            missing={missing} catalog={catalog} onSeq={showSeq} onIntent={showIntent} untrustedFrom={untrustedFrom} />
        )}
        {tab === 'state' && <StateView model={model} index={stateIndex} seq={seq} onSeq={setSeq} onIntent={showIntent} missing={seqMissing} />}
        {tab === 'records' && (
          <RecordsView model={model} catalog={catalog} onIntent={showIntent} onIncident={showIncident} onSeq={showSeq}
            seq={recordSeq} onSelectSeq={setRecordSeq} missing={seqMissing} untrustedFrom={untrustedFrom} />
        )}
        {tab === 'playbooks' && <PlaybooksView model={model} catalog={data.catalog} onIncidents={byCode('incidents')} onIntents={byCode('intents')} />}
      </main>
      <footer className="footbar muted">
        <span><span className="kbd">/</span> search · <span className="kbd">↑</span><span className="kbd">↓</span> move · <span className="kbd">1</span>–<span className="kbd">4</span> views · <span className="kbd">←</span><span className="kbd">→</span> seq · <span className="kbd">⇧←</span><span className="kbd">⇧→</span> change</span>
        <span className="spacer" />
        <span>{data.source}</span>
        <IntegrityMark integrity={data.integrity} />
        <span title={data.head.headHash}>seq {data.head.lastSeq} · head <b className="mono">{data.head.headHash.slice(0, 16)}</b></span>
        <a href={hashOf({ tab: 'playbooks' })} onClick={(e) => { e.preventDefault(); setTab('playbooks'); }}>failure catalog</a>
      </footer>
    </div>
  );
}
