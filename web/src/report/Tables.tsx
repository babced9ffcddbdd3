/** Per-instrument trade table, reconciliation summary, incidents by code and flags. */
import type { ReactNode } from 'react';
import type { ReportData } from '../../../src/web/data-types';
import { SeverityBadge } from '../components/Badges';
import { money, qty, signOfDec } from '../lib/decimal';
import { count, isoTs, pct } from '../lib/format';
import { hashOf } from '../lib/hash-route';

export function InstrumentTable({ data }: { data: ReportData }) {
  const rows = data.trade.perInstrument;
  if (rows.length === 0) return <div className="empty">No fills in this run.</div>;
  return (
    <table className="grid" data-testid="instrument-table">
      <thead><tr>
        <th>instrument</th><th className="num">fills</th><th className="num">bought</th><th className="num">sold</th><th className="num">notional</th>
        <th className="num">fees</th><th className="num" title="closed round trips, FIFO, net of fees (the P&amp;L table uses average cost)">round-trip P&amp;L</th><th className="num">round trips</th><th className="num">win rate</th><th className="num">slippage</th>
      </tr></thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.account + r.instrument} data-instrument={r.instrument}>
            <td><b>{r.instrument}</b> {r.account !== 'default' && <span className="muted">{r.account}</span>}</td>
            <td className="num">{count(r.fills)}</td><td className="num">{qty(r.buyQty)}</td><td className="num">{qty(r.sellQty)}</td>
            <td className="num">{money(r.notional)}</td><td className="num">{money(r.fees)}</td>
            <td className={`num ${signOfDec(r.realizedPnl) > 0 ? 'pos' : signOfDec(r.realizedPnl) < 0 ? 'neg' : ''}`}>{money(r.realizedPnl)}</td>
            <td className="num">{count(r.roundTrips)}</td><td className="num">{r.winRate === null ? '—' : pct(r.winRate * 100, 1)}</td>
            <td className="num">{money(r.slippageVsArrival)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ReconSummary({ data }: { data: ReportData }) {
  const c = data.counts;
  const items: [string, number | null | undefined][] = [
    ['reconciliation checks journaled', data.recon.checks], ['quiet checks (unchanged, counted by pass records)', data.recon.quietChecks], ['adjustments (provider truth wins)', data.recon.adjustments],
    ['drifts', data.recon.drifts], ['open residuals at end', data.recon.openResiduals],
    ['flags', c?.flags ?? data.flagsTotal], ['risk rejected', c?.riskRejected], ['provider rejected', c?.providerRejected], ['bad input rows', c?.badRows],
  ];
  return (
    <div>
      <div className="stat-list" data-testid="recon-summary">
        {items.filter(([, v]) => v !== undefined).map(([k, v]) => (
          <div key={k} className="stat" data-key={k}><span>{k}</span><b className="num">{count(v)}</b></div>
        ))}
      </div>
      <div className="classes">
        {Object.entries(data.recon.byClassification).sort().map(([k, v]) => <span key={k} className="badge">{k} <b>{count(v)}</b></span>)}
      </div>
    </div>
  );
}

export function IncidentTable({ data }: { data: ReportData }) {
  const trace = data.links.trace;
  if (data.incidents.length === 0) return <div className="empty">No flags or incidents.</div>;
  const link = (href: string, body: ReactNode, cls?: string) => (trace ? <a className={cls} href={trace + href}>{body}</a> : <span className={cls}>{body}</span>);
  return (
    <table className="grid" data-testid="incident-table">
      <thead><tr>
        <th>code</th><th>severity</th><th className="num">incidents</th><th className="num">flags</th><th className="num">without an intent</th>
        <th>by instrument</th><th>intents</th>
      </tr></thead>
      <tbody>
        {data.incidents.map((r) => (
          <tr key={r.code} data-code={r.code} data-incidents={r.incidents} data-flags={r.flags} data-without-intent={r.withoutIntent}>
            <td>{link(hashOf({ view: 'incidents', code: r.code }), <code>{r.code}</code>)}<div className="muted">{r.title}</div></td>
            <td><SeverityBadge severity={r.severity} /></td>
            <td className="num">{count(r.incidents)}</td><td className="num">{count(r.flags)}</td><td className="num">{count(r.withoutIntent)}</td>
            <td><div className="intent-links" data-testid="by-instrument">
              {r.byInstrument.map(([inst, n]) => (
                <span key={inst}>{link(hashOf({ view: 'incidents', code: r.code, instrument: inst }), inst || 'no instrument')} <span className="muted">{count(n)}</span></span>
              ))}
            </div></td>
            <td><div className="intent-links">
              {r.intents.slice(0, 6).map((id) => <span key={id}>{link(hashOf({ intent: id }), id, 'mono')}</span>)}
              {r.intents.length > 6 && <span className="muted"> +{r.intents.length - 6} more</span>}
              {r.intents.length === 0 && <span className="muted">none</span>}
            </div></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function FlagTable({ data }: { data: ReportData }) {
  const trace = data.links.trace;
  if (data.flags.length === 0) return null;
  return (
    <div className="scroll-box">
      <table className="grid" data-testid="flag-table">
        <thead><tr><th className="num">seq</th><th>time (UTC)</th><th>code</th><th>incident</th><th>instrument</th><th>intent</th><th>message</th></tr></thead>
        <tbody>
          {data.flags.map((f) => {
            const key = f.incidentId ?? String(f.seq);
            return (
              <tr key={f.seq} data-seq={f.seq}>
                <td className="num">{f.seq}</td><td className="mono muted">{isoTs(f.ts).slice(0, 19)}</td><td><code>{f.code}</code></td>
                <td>{trace ? <a className="mono" href={trace + hashOf({ incident: key })}>{f.incidentId ?? 'flag'}</a> : <span className="mono">{f.incidentId ?? 'flag'}</span>}</td>
                <td>{f.instrument ?? ''}</td>
                <td>{f.intent && (trace ? <a className="mono" href={trace + hashOf({ intent: f.intent })}>{f.intent}</a> : <span className="mono">{f.intent}</span>)}</td>
                <td>{f.message}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {data.flagsTotal > data.flags.length && <p className="muted">First {data.flags.length} of {count(data.flagsTotal)} flags and incidents; the trace has all of them.</p>}
    </div>
  );
}
