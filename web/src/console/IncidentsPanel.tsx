/**
 * Incident queue: open → acknowledged → resolved, severity, age ticking, the escalation due, the
 * playbook steps, the history (who did what, with which note), and ack / resolve with a note.
 * Keyboard: ↑/↓ (j/k) move, Enter expands the playbook, a acknowledges, r resolves.
 */
import { useMemo, useState, type KeyboardEvent } from 'react';
import { IncidentStatusBadge, SeverityBadge, TradingStateBadge } from '../components/Badges';
import { Playbook } from '../components/Playbook';
import { useActions, type ActionSpec } from './actions';
import { age, clockTime, useNow } from './clock';
import { IntentLink } from './intents';
import type { IncidentView } from './types';

type Filter = 'unresolved' | 'open' | 'acknowledged' | 'resolved' | 'all';
const FILTERS: readonly { id: Filter; label: string }[] = [
  { id: 'unresolved', label: 'Unresolved' }, { id: 'open', label: 'Open' }, { id: 'acknowledged', label: 'Ack’d' }, { id: 'resolved', label: 'Resolved' }, { id: 'all', label: 'All' },
];
const STATUS_RANK: Record<string, number> = { open: 0, acknowledged: 1, resolved: 2 };
const SEVERITY_RANK: Record<string, number> = { critical: 0, warning: 1, info: 2 };

const matches = (f: Filter, i: IncidentView) => f === 'all' || (f === 'unresolved' ? i.status !== 'resolved' : i.status === f);

export function ackSpec(i: IncidentView): ActionSpec {
  return {
    title: `Acknowledge ${i.incidentId}`, verb: 'Acknowledge', path: `/api/incidents/${encodeURIComponent(i.incidentId)}/ack`,
    summary: <>You have seen <b>{i.code}</b>{i.instrument ? <> on <b>{i.instrument}</b></> : null} and own it now.{i.restrictedTo && i.instrument ? <> This releases the trading state the recovery rule set (<TradingStateBadge state={i.restrictedTo} />) unless another unacknowledged incident on {i.instrument} still needs it.</> : null}</>,
    journal: `S07 incident_acknowledged (actor, reason)${i.restrictedTo ? ' + S07 trading_state_changed (release)' : ''}`,
    reasonPlaceholder: 'e.g. checked the venue position: external trade by desk B, booked',
  };
}

export function resolveSpec(i: IncidentView): ActionSpec {
  return {
    title: `Resolve ${i.incidentId}`, verb: 'Resolve', path: `/api/incidents/${encodeURIComponent(i.incidentId)}/resolve`,
    summary: <>The cause of <b>{i.code}</b> is understood and recorded.{i.status === 'open' ? ' The incident is acknowledged first (releasing its trading state as an acknowledgement does).' : ''}</>,
    journal: `${i.status === 'open' ? 'S07 incident_acknowledged, ' : ''}S07 incident_resolved (actor, reason)`,
    reasonLabel: 'Resolution note', reasonPlaceholder: 'cause and what was done about it',
  };
}

function Escalation({ i, ageMs }: { i: IncidentView; ageMs: number }) {
  const steps = i.playbook?.escalation ?? [];
  const due = [...steps].reverse().find((e) => ageMs >= e.afterMs);
  const next = steps.find((e) => ageMs < e.afterMs);
  if (due) return <span className="esc esc-due" title={due.action}>⚠ escalated: {due.action}</span>;
  if (next) return <span className="esc muted" title={next.action}>escalates in {age(next.afterMs - ageMs)} → {next.action.replace(/^[^:]*:\s*/, '').replace(/\.$/, '')}</span>;
  return null;
}

function IncidentCard({ i, selected, onSelect, expanded, onToggle }: { i: IncidentView; selected: boolean; onSelect: () => void; expanded: boolean; onToggle: () => void }) {
  const now = useNow();
  const { open, disabledReason } = useActions();
  const ageMs = Math.max(0, now - i.openedTs);
  const last = i.history[i.history.length - 1];
  return (
    <article className={`incident sev-${i.severity} st-${i.status} ${selected ? 'selected' : ''}`} data-incident-id={i.incidentId} data-code={i.code} data-status={i.status}
      tabIndex={selected ? 0 : -1} aria-selected={selected} onFocus={onSelect} onClick={onSelect}>
      <div className="inc-line">
        <SeverityBadge severity={i.severity} />
        <b className="inc-code">{i.code}</b>
        {i.instrument && <span className="inc-inst">{i.instrument}</span>}
        {i.correlationId && <IntentLink id={i.correlationId} />}
        <span className="spacer" />
        <span className={`inc-age ${i.status === 'open' ? 'ticking' : ''}`} title={`opened ${new Date(i.openedTs).toISOString()} (seq ${i.openedSeq})`} data-testid="incident-age">{age(ageMs)}</span>
        <IncidentStatusBadge status={i.status} />
      </div>
      <div className="inc-msg">{i.message}</div>
      {i.status === 'open' && (
        <div className="inc-sub">
          {i.restrictedTo && i.instrument && <span className="inc-restrict">held <TradingStateBadge state={i.restrictedTo} /> until acknowledged</span>}
          <Escalation i={i} ageMs={ageMs} />
        </div>
      )}
      {i.status !== 'open' && last && (
        <div className="inc-last" data-testid="incident-last">
          <span className="muted">{last.status} by</span> <b>{last.actor}</b> <span className="muted">at {clockTime(last.ts)}:</span> “{last.reason}”
        </div>
      )}
      <div className="inc-actions">
        <button type="button" className="linkbtn small" aria-expanded={expanded} onClick={(e) => { e.stopPropagation(); onToggle(); }}>
          {expanded ? '▾' : '▸'} playbook{i.playbook ? ` · ${i.playbook.operatorSteps.length} steps` : ''} · history {i.history.length}
        </button>
        <span className="spacer" />
        {i.status === 'open' && (
          <button type="button" className="btn btn-sm btn-primary" data-testid="ack-button" disabled={disabledReason !== null} title={disabledReason ?? 'Acknowledge with a note (a)'}
            onClick={(e) => { e.stopPropagation(); open(ackSpec(i)); }}>Acknowledge</button>
        )}
        {i.status !== 'resolved' && (
          <button type="button" className="btn btn-sm" data-testid="resolve-button" disabled={disabledReason !== null} title={disabledReason ?? 'Resolve with a note (r)'}
            onClick={(e) => { e.stopPropagation(); open(resolveSpec(i)); }}>Resolve</button>
        )}
      </div>
      {expanded && (
        <div className="inc-detail">
          <Playbook entry={i.playbook ?? undefined} compact />
          <ol className="inc-history">
            {i.history.map((h) => (
              <li key={h.seq}><span className="mono muted">seq {h.seq} · {clockTime(h.ts)}</span> <IncidentStatusBadge status={h.status} /> <b>{h.actor}</b> <span className="muted">—</span> {h.reason}</li>
            ))}
          </ol>
        </div>
      )}
    </article>
  );
}

export function IncidentsPanel({ incidents }: { incidents: readonly IncidentView[] }) {
  const [filter, setFilter] = useState<Filter>('unresolved');
  const [selected, setSelected] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const { open } = useActions();
  const counts = useMemo(() => Object.fromEntries(FILTERS.map((f) => [f.id, incidents.filter((i) => matches(f.id, i)).length])) as Record<Filter, number>, [incidents]);
  const rows = useMemo(() => incidents.filter((i) => matches(filter, i)).sort((a, b) =>
    STATUS_RANK[a.status] - STATUS_RANK[b.status] || (a.status === 'resolved' ? b.openedSeq - a.openedSeq
      : (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3) || a.openedSeq - b.openedSeq)), [incidents, filter]);
  const sel = rows.findIndex((r) => r.incidentId === selected);
  const toggle = (id: string) => setExpanded((s) => { const n = new Set(s); if (n.has(id)) n.delete(id); else n.add(id); return n; });

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if ((e.target as HTMLElement).tagName === 'BUTTON' && e.key === 'Enter') return;
    const cur = Math.max(0, sel);
    const move = (n: number) => {
      const r = rows[Math.max(0, Math.min(rows.length - 1, n))];
      if (!r) return;
      setSelected(r.incidentId);
      (e.currentTarget.querySelector(`[data-incident-id="${CSS.escape(r.incidentId)}"]`) as HTMLElement | null)?.focus();
    };
    const i = rows[cur];
    switch (e.key) {
      case 'ArrowDown': case 'j': move(cur + (sel < 0 ? 0 : 1)); break;
      case 'ArrowUp': case 'k': move(cur - 1); break;
      case 'Home': move(0); break;
      case 'End': move(rows.length - 1); break;
      case 'Enter': if (i) toggle(i.incidentId); break;
      case 'a': if (i?.status === 'open') open(ackSpec(i)); break;
      case 'r': if (i && i.status !== 'resolved') open(resolveSpec(i)); break;
      default: return;
    }
    e.preventDefault();
  };

  return (
    <section className="panel cpanel incidents-panel" aria-label="Incidents" data-testid="incident-queue">
      <header className="panel-h">
        <span className="panel-title">Incidents</span>
        {counts.open > 0 ? <span className="badge bad" data-testid="open-count">{counts.open} open</span> : <span className="badge good" data-testid="open-count">none open</span>}
        <span className="spacer" />
        <div className="seg" role="tablist" aria-label="Incident filter">
          {FILTERS.map((f) => (
            <button key={f.id} type="button" role="tab" aria-selected={filter === f.id} className="seg-b" data-filter={f.id} onClick={() => setFilter(f.id)}>
              {f.label} <span className="seg-n">{counts[f.id]}</span>
            </button>
          ))}
        </div>
      </header>
      <div className="panel-scroll inc-list" data-panel="incidents" tabIndex={rows.length && sel < 0 ? 0 : -1} onKeyDown={onKey} role="listbox" aria-label="Incident queue">
        {rows.length === 0 ? <div className="empty">{filter === 'unresolved' || filter === 'open' ? 'No open incidents. Drift, unknown orders, rejections and outages appear here.' : 'Nothing here.'}</div>
          : rows.map((i, k) => (
            <IncidentCard key={i.incidentId} i={i} selected={k === sel || (sel < 0 && k === 0)} onSelect={() => setSelected(i.incidentId)}
              expanded={expanded.has(i.incidentId)} onToggle={() => toggle(i.incidentId)} />
          ))}
      </div>
    </section>
  );
}
