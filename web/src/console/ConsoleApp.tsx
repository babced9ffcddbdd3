/**
 * The live operator console served by `reckon serve` at `/`: positions, orders, incidents, the
 * record tape and the intent drawer, updated from the record stream without a reload.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Api } from './api';
import { ActionsProvider, useActions } from './actions';
import { Header } from './Header';
import { IncidentsPanel } from './IncidentsPanel';
import { DrawerProvider } from './intents';
import { OrdersPanel } from './OrdersPanel';
import { PnlPanel } from './PnlPanel';
import { PositionsPanel } from './PositionsPanel';
import { SignIn } from './SignIn';
import { TAPE_SIZE, useConsoleStore } from './store';
import { TapePanel } from './TapePanel';
import { clearToken, loadToken, saveToken, takeTokenFromUrl } from './token';

export function ConsoleApp() {
  const [token, setToken] = useState<string | null>(() => takeTokenFromUrl() ?? loadToken());
  const [message, setMessage] = useState<string | null>(null);
  const signOut = useCallback((why: string | null) => { clearToken(); setMessage(why); setToken(null); }, []);
  const api = useMemo(() => (token ? new Api(token, () => signOut('The server no longer accepts this token (401): it may have restarted with a new one-time token.')) : null), [token, signOut]);

  useEffect(() => {
    if (!api) document.documentElement.dataset.ready = 'true';
  }, [api]);

  if (!api) return <SignIn message={message} onToken={(t) => { saveToken(t); setMessage(null); setToken(t); }} />;
  return <Console key={api.token} api={api} onSignOut={() => signOut(null)} />;
}

function Console({ api, onSignOut }: { api: Api; onSignOut: () => void }) {
  const store = useConsoleStore(api);
  const { data } = store;
  useEffect(() => {
    if (data.loaded) document.documentElement.dataset.ready = 'true';
  }, [data.loaded]);
  return (
    <ActionsProvider api={api} serverRole={data.state?.principal?.role ?? null} onDone={store.refresh}>
      <DrawerProvider api={api} store={store}>
        <Layout store={store} onSignOut={onSignOut} />
      </DrawerProvider>
    </ActionsProvider>
  );
}

function Layout({ store, onSignOut }: { store: ReturnType<typeof useConsoleStore>; onSignOut: () => void }) {
  const { data } = store;
  const { open, disabledReason, role } = useActions();
  const s = data.state;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName) || e.ctrlKey || e.metaKey || e.altKey || document.querySelector('dialog[open]')) return;
      const focus = (panel: string) => {
        const el = document.querySelector<HTMLElement>(`[data-panel="${panel}"] [tabindex="0"]`) ?? document.querySelector<HTMLElement>(`[data-panel="${panel}"]`);
        el?.focus();
      };
      switch (e.key) {
        case '1': focus('positions'); break;
        case '2': focus('orders'); break;
        case '3': focus('incidents'); break;
        case '4': document.querySelector<HTMLElement>('[data-testid="tape"]')?.focus(); break;
        case '/': document.getElementById('intent-finder')?.focus(); break;
        case 'K':
          if (!disabledReason) document.querySelector<HTMLButtonElement>('[data-testid="kill-switch"]')?.click();
          break;
        default: return;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, disabledReason]);

  return (
    <div className="app console" data-testid="console-app">
      <Header data={data} onSignOut={onSignOut} />
      {s?.killSwitch && <div className="banner banner-bad" data-testid="kill-banner">KILL SWITCH ENGAGED — the risk gate refuses every new order; open orders were cancelled.</div>}
      {s && !s.ready && <div className="banner banner-bad">Startup reconciliation failed: trading is halted until the PROVIDER_UNREACHABLE incident is acknowledged.</div>}
      {data.error && <div className="banner banner-warn">Server not answering ({data.error}); retrying. What you see may be out of date.</div>}
      {role === 'viewer' && <div className="banner banner-info" data-testid="viewer-banner">{disabledReason}</div>}
      <main className="board">
        <PositionsPanel rows={data.positions} marketData={s?.marketData ?? []} stateAt={data.stateAt} />
        <PnlPanel pnl={data.pnl} />
        <OrdersPanel orders={data.orders} />
        <IncidentsPanel incidents={data.incidents} />
        <TapePanel tape={data.tape} size={TAPE_SIZE} />
      </main>
      <footer className="footbar muted">
        <span>
          <span className="kbd">1</span>–<span className="kbd">4</span> panels · <span className="kbd">↑</span><span className="kbd">↓</span> move · <span className="kbd">Enter</span> open · <span className="kbd">a</span> ack · <span className="kbd">r</span> resolve · <span className="kbd">/</span> trace intent · <span className="kbd">⇧K</span> kill switch · <span className="kbd">Esc</span> close
        </span>
        <span className="spacer" />
        <span>{s?.feed}</span>
        {s && <span title={s.headHash}>head <b className="mono">{s.headHash.slice(0, 16)}</b></span>}
      </footer>
    </div>
  );
}
