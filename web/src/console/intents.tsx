/**
 * The intent trace drawer: any intent id anywhere in the console opens it. It reads the chain
 * S01→S07 from /api/intents/:id and renders it with the static trace's own components, and reads
 * it again when a streamed record of that intent arrives.
 */
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { IntentAccumulator } from '../../../src/web/intent-status';
import { ChainBody } from '../trace/ChainView';
import type { RecordView } from '../trace/model';
import { RecordCard } from '../trace/RecordCard';
import { ApiError, type Api } from './api';
import type { ConsoleStore } from './store';
import type { FailureEntry, JournalRecord } from './types';

type Target = { readonly kind: 'intent'; readonly id: string } | { readonly kind: 'record'; readonly record: JournalRecord };

const Ctx = createContext<(t: Target) => void>(() => {});

/** Opens the drawer on an intent (or, for a record without one, on the record). */
export const useDrawer = () => useContext(Ctx);

export function IntentLink({ id, children }: { id: string | null | undefined; children?: ReactNode }) {
  const open = useDrawer();
  if (!id) return <span className="muted">—</span>;
  return (
    <button type="button" className="linkbtn mono intent-link" data-intent-link={id} title={`Trace ${id} (S01→S07)`}
      onClick={(e) => { e.stopPropagation(); open({ kind: 'intent', id }); }}>
      {children ?? id}
    </button>
  );
}

export function toRecordView(r: JournalRecord, index: number): RecordView {
  return {
    index, seq: r.seq, ts: r.ts, type: r.type, kind: String(r.payload.kind), account: r.account, instrument: r.instrument,
    correlationId: r.correlationId, causationSeq: r.causationSeq, hash: r.hash.slice(0, 16), payload: r.payload as unknown as Record<string, unknown>,
  };
}

export function DrawerProvider({ api, store, children }: { api: Api; store: ConsoleStore; children: ReactNode }) {
  const [target, setTarget] = useState<Target | null>(null);
  const opener = useRef<HTMLElement | null>(null);
  const open = useMemo(() => (t: Target) => { opener.current = document.activeElement as HTMLElement | null; setTarget(t); }, []);
  const close = () => { setTarget(null); opener.current?.focus?.(); };
  return (
    <Ctx.Provider value={open}>
      {children}
      {target && <Drawer key={target.kind === 'intent' ? target.id : target.record.seq} api={api} store={store} target={target} catalog={store.data.catalog} onClose={close} />}
    </Ctx.Provider>
  );
}

function Drawer({ api, store, target, catalog, onClose }: { api: Api; store: ConsoleStore; target: Target; catalog: ReadonlyMap<string, FailureEntry>; onClose: () => void }) {
  const [records, setRecords] = useState<JournalRecord[] | null>(target.kind === 'record' ? [target.record] : null);
  const [error, setError] = useState<string | null>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const intentId = target.kind === 'intent' ? target.id : null;
  const onRecord = store.onRecord;

  useEffect(() => { closeRef.current?.focus(); }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape' && !document.querySelector('dialog[open]')) { e.preventDefault(); onClose(); } };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  useEffect(() => {
    if (!intentId) return;
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () => {
      timer = undefined;
      api.get<{ records: JournalRecord[] }>(`/api/intents/${encodeURIComponent(intentId)}`, ctl.signal).then(
        (r) => { setRecords(r.records); setError(null); },
        (e: unknown) => { if (!ctl.signal.aborted) setError(e instanceof ApiError && e.status === 404 ? `No records for intent "${intentId}".` : String((e as Error).message)); },
      );
    };
    load();
    const off = onRecord((r) => { if (r.correlationId === intentId && !timer) timer = setTimeout(load, 300); });
    return () => { ctl.abort(); off(); if (timer) clearTimeout(timer); };
  }, [api, onRecord, intentId]);

  const views = useMemo(() => (records ?? []).map(toRecordView), [records]);
  const status = useMemo(() => {
    if (!records || !intentId) return null;
    const acc = new IntentAccumulator();
    for (const r of records) acc.add(r);
    return acc.status();
  }, [records, intentId]);

  const first = records?.[0];
  const strategy = first?.type === 'S01.intent' ? String(first.payload.strategyId) : 'no strategy';
  const closeBtn = <button ref={closeRef} type="button" className="btn btn-sm" onClick={onClose} title="Close (Esc)" data-testid="drawer-close">Close <span className="kbd">Esc</span></button>;

  return (
    <>
      <div className="drawer-scrim" onClick={onClose} />
      <aside className="drawer" role="dialog" aria-label={intentId ? `Intent ${intentId}` : 'Record'} data-testid="intent-drawer">
        {error && <div className="drawer-msg"><div className="drawer-top">{closeBtn}</div><div className="empty">{error}</div></div>}
        {!error && records === null && <div className="drawer-msg"><div className="drawer-top">{closeBtn}</div><div className="empty">Reading the chain of {intentId}…</div></div>}
        {!error && records && intentId && (
          <ChainBody id={intentId} status={status} meta={`${first?.instrument ?? ''} · ${strategy} · ${first?.account ?? ''} · ${records.length} records`}
            records={views} catalog={catalog} actions={closeBtn} />
        )}
        {!error && records && !intentId && (
          <div className="chain">
            <div className="chain-head"><div className="chain-title"><h2 className="mono">seq {records[0].seq}</h2><span className="muted">{records[0].type} · no intent</span><span className="spacer" />{closeBtn}</div></div>
            <ol className="timeline">{views.map((r) => <RecordCard key={r.index} r={r} catalog={catalog} />)}</ol>
          </div>
        )}
      </aside>
    </>
  );
}
