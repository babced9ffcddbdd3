/**
 * The console's live data: one load of every view, then the record stream. Each streamed record
 * goes to the tape and marks the views it can change dirty (an order event → orders and
 * positions, an S07 → incidents, positions and state …); dirty views are fetched again at most
 * every REFRESH_MS, never two fetches of one view at a time. After a reconnect the records missed
 * are read back from /api/records and every view is fetched again.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Api, runStream, type StreamStatus } from './api';
import { wallClock } from './clock';
import type { FailureEntry, IncidentView, JournalRecord, OrderView, PnlView, PositionView, StateView } from './types';

export const TAPE_SIZE = 200;
const REFRESH_MS = 250;
const STATE_POLL_MS = 2000;

type View = 'state' | 'positions' | 'orders' | 'incidents' | 'pnl';
const ALL: readonly View[] = ['state', 'positions', 'orders', 'incidents', 'pnl'];

/** Which views a record can change. */
export function viewsTouchedBy(type: string): readonly View[] {
  switch (type) {
    case 'S01.intent': case 'S02.desired': return ['positions'];
    case 'S06.reconciliation': return ['positions', 'pnl'];
    case 'S03.risk': return ['state'];
    case 'S04.order': return ['orders', 'positions'];
    case 'S05.provider': return ['orders', 'positions', 'pnl'];
    case 'S07.operator': return ['incidents', 'positions', 'state'];
    default: return ALL;
  }
}

export interface ConsoleData {
  readonly state: StateView | null;
  /** Wall-clock time when `state` was read (market data ages tick from there). */
  readonly stateAt: number;
  readonly positions: readonly PositionView[];
  readonly orders: readonly OrderView[];
  readonly incidents: readonly IncidentView[];
  /** GET /api/pnl; null until the first answer (or from a server without the route). */
  readonly pnl: PnlView | null;
  readonly catalog: ReadonlyMap<string, FailureEntry>;
  /** Newest first, at most TAPE_SIZE. */
  readonly tape: readonly JournalRecord[];
  readonly stream: StreamStatus;
  /** The last seq seen (state or stream). */
  readonly lastSeq: number;
  readonly loaded: boolean;
  /** Last failure to read a view (cleared by the next success). */
  readonly error: string | null;
}

const EMPTY: ConsoleData = {
  state: null, stateAt: 0, positions: [], orders: [], incidents: [], pnl: null, catalog: new Map(), tape: [], stream: 'connecting', lastSeq: 0, loaded: false, error: null,
};

export interface ConsoleStore {
  readonly data: ConsoleData;
  /** Fetches these views now (after an action). */
  readonly refresh: (views?: readonly View[]) => void;
  /** Called for every streamed record (the intent drawer follows its intent). */
  readonly onRecord: (fn: (r: JournalRecord) => void) => () => void;
}

export function useConsoleStore(api: Api): ConsoleStore {
  const [data, setData] = useState<ConsoleData>(EMPTY);
  const listeners = useRef(new Set<(r: JournalRecord) => void>());
  const refreshRef = useRef<(views?: readonly View[]) => void>(() => {});

  useEffect(() => {
    const ctl = new AbortController();
    const dirty = new Set<View>();
    const inFlight = new Set<View>();
    let pending: JournalRecord[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastTapeSeq = 0;

    const fail = (e: unknown) => {
      if (ctl.signal.aborted || (e as Error).name === 'AbortError') return;
      setData((d) => ({ ...d, error: (e as Error).message }));
    };

    const fetchView = async (v: View): Promise<void> => {
      if (inFlight.has(v)) { dirty.add(v); return; }
      inFlight.add(v);
      try {
        switch (v) {
          case 'state': {
            const s = await api.get<StateView>('/api/state', ctl.signal);
            setData((d) => ({ ...d, state: s, stateAt: wallClock(), lastSeq: Math.max(d.lastSeq, s.lastSeq), error: null }));
            break;
          }
          case 'positions': {
            const { positions } = await api.get<{ positions: PositionView[] }>('/api/positions', ctl.signal);
            setData((d) => ({ ...d, positions, error: null }));
            break;
          }
          case 'orders': {
            const { orders } = await api.get<{ orders: OrderView[] }>('/api/orders', ctl.signal);
            setData((d) => ({ ...d, orders, error: null }));
            break;
          }
          case 'incidents': {
            const { incidents } = await api.get<{ incidents: IncidentView[] }>('/api/incidents', ctl.signal);
            setData((d) => ({ ...d, incidents, error: null }));
            break;
          }
          case 'pnl': {
            const { pnl } = await api.get<{ pnl: PnlView }>('/api/pnl', ctl.signal);
            setData((d) => ({ ...d, pnl, error: null }));
            break;
          }
        }
      } catch (e) { fail(e); } finally {
        inFlight.delete(v);
      }
    };

    const flush = () => {
      timer = undefined;
      if (pending.length) {
        const fresh = pending.filter((r) => r.seq > lastTapeSeq).sort((a, b) => a.seq - b.seq);
        pending = [];
        if (fresh.length) {
          lastTapeSeq = fresh[fresh.length - 1].seq;
          for (const r of fresh) for (const v of viewsTouchedBy(r.type)) dirty.add(v);
          setData((d) => ({ ...d, tape: [...fresh.reverse(), ...d.tape].slice(0, TAPE_SIZE), lastSeq: Math.max(d.lastSeq, lastTapeSeq) }));
        }
      }
      const views = [...dirty];
      dirty.clear();
      for (const v of views) void fetchView(v);
    };
    const schedule = () => { if (!timer && !ctl.signal.aborted) timer = setTimeout(flush, REFRESH_MS); };
    refreshRef.current = (views = ALL) => { for (const v of views) void fetchView(v); };

    const backfill = async (from: number) => {
      try {
        const { records } = await api.get<{ records: JournalRecord[] }>(`/api/records?from=${from}`, ctl.signal);
        pending.push(...records);
        schedule();
      } catch (e) { fail(e); }
    };

    const start = async () => {
      try {
        const [playbooks, tail] = await Promise.all([
          api.get<{ playbooks: FailureEntry[] }>('/api/playbooks', ctl.signal),
          api.get<{ records: JournalRecord[] }>('/api/records', ctl.signal),
          ...ALL.map(fetchView),
        ]);
        const tape = tail.records.slice(-TAPE_SIZE).reverse();
        lastTapeSeq = tape[0]?.seq ?? 0;
        setData((d) => ({ ...d, catalog: new Map(playbooks.playbooks.map((e) => [e.code, e])), tape, loaded: true, lastSeq: Math.max(d.lastSeq, lastTapeSeq) }));
      } catch (e) {
        fail(e);
        setData((d) => ({ ...d, loaded: true }));
      }
      let reconnected = false;
      void runStream(api.token, {
        onHello: (lastSeq) => {
          // Records written between the first read and this connection (or during an outage).
          if (lastSeq > lastTapeSeq) void backfill(Math.max(lastTapeSeq + 1, lastSeq - TAPE_SIZE + 1));
          if (reconnected) for (const v of ALL) dirty.add(v);
          reconnected = true;
          schedule();
        },
        onRecord: (r) => {
          pending.push(r);
          for (const l of listeners.current) l(r);
          schedule();
        },
        onStatus: (stream) => setData((d) => (d.stream === stream ? d : { ...d, stream })),
        onUnauthorized: () => api.onUnauthorized(),
      }, ctl.signal);
    };
    void start();
    // Prices move without records: state and P&L (unrealised at the last price) are polled too.
    const poll = setInterval(() => { void fetchView('state'); void fetchView('pnl'); }, STATE_POLL_MS);
    return () => { ctl.abort(); clearInterval(poll); if (timer) clearTimeout(timer); };
  }, [api]);

  const refresh = useCallback((views?: readonly View[]) => refreshRef.current(views), []);
  const onRecord = useCallback((fn: (r: JournalRecord) => void) => { listeners.current.add(fn); return () => { listeners.current.delete(fn); }; }, []);
  return useMemo(() => ({ data, refresh, onRecord }), [data, refresh, onRecord]);
}
