/**
 * The console's top bar: connection (record stream), provider, market data and journal health,
 * who is signed in with which role, the intent finder and the kill switch.
 */
import { useRef, useState } from 'react';
import { ActionButton, useActions } from './actions';
import { age, useNow } from './clock';
import { useDrawer } from './intents';
import type { ConsoleData } from './store';
import type { OrderView } from './types';

function Pill({ tone, label, value, title, testId }: { tone: 'good' | 'warn' | 'bad' | 'muted'; label: string; value: string; title?: string; testId?: string }) {
  return (
    <span className={`pill pill-${tone}`} title={title} data-testid={testId} data-tone={tone}>
      <i className="dot" /><span className="pill-l">{label}</span> <b>{value}</b>
    </span>
  );
}

function MarketPill({ data }: { data: ConsoleData }) {
  const now = useNow();
  const md = data.state?.marketData ?? [];
  if (md.length === 0) return <Pill tone="muted" label="market data" value="—" />;
  const stale = md.filter((m) => m.stale);
  const ages = md.map((m) => (m.ageMs === null ? Infinity : m.ageMs + Math.max(0, now - data.stateAt)));
  const worst = Math.max(...ages);
  const tone = stale.length ? 'bad' : worst > 5000 ? 'warn' : 'good';
  const value = stale.length ? `${stale.length} stale` : worst === Infinity ? 'waiting' : `${md.length} fresh · ${age(worst)}`;
  const title = md.map((m, k) => `${m.instrument}: ${m.stale ? 'STALE ' : ''}${ages[k] === Infinity ? 'no bar yet' : age(ages[k]) + ' ago'}`).join('\n');
  return <Pill tone={tone} label="market data" value={value} title={`${data.state?.feed ?? ''}\n${title}`} testId="md-health" />;
}

/** Intent id or client order id → the intent drawer. */
function IntentFinder({ orders }: { orders: readonly OrderView[] }) {
  const [q, setQ] = useState('');
  const open = useDrawer();
  const ref = useRef<HTMLInputElement>(null);
  return (
    <form className="finder" role="search" onSubmit={(e) => {
      e.preventDefault();
      const v = q.trim();
      if (!v) return;
      const order = orders.find((o) => o.clientOrderId === v || o.providerOrderId === v);
      open({ kind: 'intent', id: order?.intentId ?? v });
      ref.current?.blur();
    }}>
      <input ref={ref} id="intent-finder" className="input input-sm" type="search" placeholder="Trace intent or order id  ( / )" value={q}
        onChange={(e) => setQ(e.target.value)} aria-label="Trace an intent by intent, client or provider order id" data-testid="intent-finder" />
    </form>
  );
}

export function Header({ data, onSignOut }: { data: ConsoleData; onSignOut: () => void }) {
  const { role } = useActions();
  const s = data.state;
  const c = s?.counts ?? {};
  const principal = s?.principal;
  const engaged = s?.killSwitch ?? false;
  const streamTone = data.stream === 'live' ? 'good' : data.stream === 'connecting' ? 'warn' : 'bad';
  return (
    <header className="topbar console-top" data-testid="console-header">
      <div className="brand"><span className="logo" />Reckon <small>console</small></div>
      <div className="pills">
        <Pill tone={data.error ? 'bad' : streamTone} label="stream" value={data.error ? 'server unreachable' : data.stream} testId="stream-health"
          title={data.error ?? 'the live record stream (/api/stream); it reconnects by itself'} />
        <Pill tone={!s ? 'muted' : s.provider === 'connected' && s.ready ? 'good' : 'bad'} label="provider" value={!s ? '—' : !s.ready ? 'startup failed' : s.provider} testId="provider-health"
          title={s ? `${s.feed}\nstartup reconciliation ${s.ready ? 'clean' : 'FAILED: trading halted until acknowledged'}` : undefined} />
        <MarketPill data={data} />
      </div>
      <div className="facts">
        <span title={s?.headHash ? `head hash ${s.headHash}` : undefined}>seq <b className="mono" data-testid="last-seq">{data.lastSeq.toLocaleString('en-US')}</b></span>
        <span>intents <b>{(c.intents ?? 0).toLocaleString('en-US')}</b></span>
        <span>fills <b>{(c.fills ?? 0).toLocaleString('en-US')}</b></span>
        <span className={c.drifts ? 'neg' : ''}>drifts <b>{(c.drifts ?? 0).toLocaleString('en-US')}</b></span>
      </div>
      <span className="spacer" />
      <IntentFinder orders={data.orders} />
      {engaged ? (
        <ActionButton className="btn-danger ks ks-on" testId="kill-switch" title="Kill switch engaged: release to allow new orders again" spec={() => ({
          title: 'Release the kill switch', verb: 'Release kill switch', tone: 'primary', path: '/api/kill-switch', body: { engaged: false },
          summary: <>New orders may be routed again (instruments keep their own trading state). Orders cancelled by the kill switch are not re-sent; strategies re-plan on their next target.</>,
          journal: 'S07 kill_switch engaged=false (actor, reason)',
        })}>■ KILL SWITCH ON · release</ActionButton>
      ) : (
        <ActionButton className="btn-danger-outline ks" testId="kill-switch" title="Halt everything: no new orders, every open order cancelled (Shift+K)" spec={() => ({
          title: 'Engage the kill switch', verb: 'Engage kill switch', tone: 'danger', path: '/api/kill-switch', body: { engaged: true },
          summary: <>Halts all trading: the risk gate refuses every new order and <b>every open order is cancelled</b> at the provider ({data.orders.filter((o) => o.open).length} open now). Positions stay as they are.</>,
          journal: 'S07 kill_switch engaged=true, then S04 cancel per open order',
          reasonPlaceholder: 'why trading must stop',
        })}>Kill switch</ActionButton>
      )}
      <span className="who" data-testid="who" data-role={role ?? 'unknown'}>
        <span className="muted">{principal?.name ?? 'signed in'}</span>
        <span className={`badge ${role === 'operator' ? 'info' : ''}`} title={role === 'viewer' ? 'viewer: can watch, cannot act' : 'operator: can act; every action is journaled with your name'}>{role ?? 'role ?'}</span>
        <button type="button" className="linkbtn small" onClick={onSignOut} title="Forget the token in this tab">sign out</button>
      </span>
    </header>
  );
}
