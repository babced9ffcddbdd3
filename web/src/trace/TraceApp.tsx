/** The static trace: intents and their chains, state at any seq, all records, playbooks. */
import { useEffect, useMemo, useState } from 'react';
import type { TraceData } from '../../../src/web/data-types';
import { Tabs } from '../components/Tabs';
import { hashOf, readHash, writeHash } from '../lib/hash-route';
import { isoTs } from '../lib/format';
import { IntentsView } from './IntentsView';
import { EMPTY_FILTER, TraceModel, type IntentFilter } from './model';
import { PlaybooksView } from './PlaybooksView';
import { RecordsView } from './RecordsView';
import { StateIndex } from './state-index';
import { StateView } from './StateView';

type Tab = 'intents' | 'state' | 'records' | 'playbooks';
const TABS: readonly { id: Tab; label: string }[] = [
  { id: 'intents', label: 'Intents' }, { id: 'state', label: 'State at seq' }, { id: 'records', label: 'Records' }, { id: 'playbooks', label: 'Playbooks' },
];

export function TraceApp({ data }: { data: TraceData }) {
  const model = useMemo(() => new TraceModel(data), [data]);
  const stateIndex = useMemo(() => new StateIndex(data.state, data.strings), [data]);
  const catalog = useMemo(() => new Map(data.catalog.map((e) => [e.code, e])), [data]);
  const init = useMemo(() => readHash(), []);
  const [tab, setTab] = useState<Tab>(TABS.some((t) => t.id === init.tab) ? (init.tab as Tab) : 'intents');
  const [filter, setFilter] = useState<IntentFilter>({
    ...EMPTY_FILTER, instrument: init.instrument ?? '', strategy: init.strategy ?? '', status: init.status ?? '', code: init.code ?? '', query: init.q ?? '',
  });
  const [selected, setSelected] = useState(() => {
    if (init.intent) return model.intentIndex(init.intent);
    const first = model.filter(filter);
    return first.length ? first[0] : -1;
  });
  const [seq, setSeq] = useState(() => (init.seq ? Number(init.seq) : data.head.lastSeq));

  useEffect(() => {
    writeHash({
      tab: tab === 'intents' ? null : tab, intent: selected >= 0 ? model.intentId(selected) : null, seq: tab === 'state' ? String(seq) : null,
      instrument: filter.instrument, strategy: filter.strategy, status: filter.status, code: filter.code, q: filter.query,
    });
  }, [tab, selected, seq, filter, model]);

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

  const codeCounts = useMemo(() => {
    const m = new Map<string, number>();
    for (let i = 0; i < model.intentCount; i++) for (const c of model.intentCodes(i)) m.set(c, (m.get(c) ?? 0) + 1);
    return m;
  }, [model]);

  const showSeq = (s: number) => { setSeq(s); setTab('state'); };
  const showIntent = (id: string) => { const i = model.intentIndex(id); if (i >= 0) { setSelected(i); setTab('intents'); } };
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
          {data.head.count > 0 && <span>{isoTs(data.head.firstTs).slice(0, 10)} → {isoTs(data.head.lastTs).slice(0, 10)}</span>}
        </div>
      </header>
      <main className="content">
        {tab === 'intents' && (
          <IntentsView model={model} filter={filter} onFilter={setFilter} selected={selected} onSelect={setSelected} catalog={catalog} onSeq={showSeq} />
        )}
        {tab === 'state' && <StateView model={model} index={stateIndex} seq={seq} onSeq={setSeq} onIntent={showIntent} />}
        {tab === 'records' && <RecordsView model={model} catalog={catalog} onIntent={showIntent} onSeq={showSeq} />}
        {tab === 'playbooks' && (
          <PlaybooksView catalog={data.catalog} counts={codeCounts} onCode={(code) => { setFilter({ ...EMPTY_FILTER, code }); setTab('intents'); }} />
        )}
      </main>
      <footer className="footbar muted">
        <span><span className="kbd">/</span> search · <span className="kbd">↑</span><span className="kbd">↓</span> move · <span className="kbd">1</span>–<span className="kbd">4</span> views · <span className="kbd">←</span><span className="kbd">→</span> seq · <span className="kbd">⇧←</span><span className="kbd">⇧→</span> change</span>
        <span className="spacer" />
        <span>{data.source}</span>
        <span title={data.head.headHash}>seq {data.head.lastSeq} · head <b className="mono">{data.head.headHash.slice(0, 16)}</b></span>
        <a href={hashOf({ tab: 'playbooks' })} onClick={(e) => { e.preventDefault(); setTab('playbooks'); }}>failure catalog</a>
      </footer>
    </div>
  );
}
