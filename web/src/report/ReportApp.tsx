/** The performance report: figures, equity and drawdown, price with fills, tables, reconciliation. */
import { useMemo, useState, type ReactNode } from 'react';
import type { ReportData } from '../../../src/web/data-types';
import { IntegrityBanner, IntegrityMark } from '../components/IntegrityBanner';
import { PositionsTable } from '../components/PositionsTable';
import { isoTs } from '../lib/format';
import { EquityChart, type EquitySeries } from './EquityChart';
import { Figures } from './Figures';
import { PriceChart } from './PriceChart';
import { FlagTable, IncidentTable, InstrumentTable, ReconSummary } from './Tables';
import { HeldBackBanner } from './HeldBackBanner';
import { PnlTable } from './PnlTable';

/** Equity as floats for the canvas, drawdown from the running peak (starting equity first). */
function equitySeries(data: ReportData): EquitySeries | null {
  const e = data.equity;
  if (!e || e.ts.length === 0) return null;
  const start = data.figures.find((f) => f.key === 'startingEquity')?.value;
  const equity = e.equity.map(Number);
  let peak = start !== null && start !== undefined ? Number(start) : equity[0];
  const drawdownPct = equity.map((v) => { peak = Math.max(peak, v); return peak > 0 ? ((peak - v) / peak) * 100 : 0; });
  return { ts: e.ts, equity, drawdownPct };
}

function Section({ title, children, testId, right }: { title: string; children: ReactNode; testId?: string; right?: ReactNode }) {
  return (
    <section className="panel report-section" data-testid={testId}>
      <div className="panel-h">{title}<span className="spacer" />{right}</div>
      <div className="panel-b">{children}</div>
    </section>
  );
}

export function ReportApp({ data }: { data: ReportData }) {
  const eq = useMemo(() => equitySeries(data), [data]);
  const [inst, setInst] = useState(data.prices[0]?.instrument ?? '');
  const prices = data.prices.find((p) => p.instrument === inst);
  const fills = data.fills[inst] ?? [];
  const run = data.run;
  return (
    <div className="report" data-testid="report-app">
      <header className="topbar">
        <div className="brand"><span className="logo" />Reckon <small>performance report</small></div>
        <span className="spacer" />
        <div className="facts">
          {run?.runId && <span>run <b className="mono">{run.runId}</b></span>}
          {run?.dataName && <span>data <b>{run.dataName}</b></span>}
          {data.period && <span>{isoTs(data.period.firstTs).slice(0, 16)} → {isoTs(data.period.lastTs).slice(0, 16)} UTC</span>}
          {data.links.trace && <a href={data.links.trace}>open trace →</a>}
        </div>
      </header>
      <IntegrityBanner integrity={data.integrity} source={data.source} />
      <main className="report-body">
        <HeldBackBanner heldBack={data.heldBack} />
        <Figures figures={data.figures} />
        <Section title="Equity and drawdown" testId="equity-section" right={<span className="muted">{data.equity?.kind === 'equity.csv' ? 'equity.csv, hourly' : ''}</span>}>
          {eq ? <EquityChart series={eq} /> : <div className="empty">No equity.csv beside this journal: the equity curve needs the run directory.</div>}
        </Section>
        <Section title="Price and fills" testId="price-section" right={
          data.prices.length > 1 && (
            <select className="input" value={inst} onChange={(e) => setInst(e.target.value)} aria-label="Instrument" data-testid="price-instrument">
              {data.prices.map((p) => <option key={p.instrument} value={p.instrument}>{p.instrument}</option>)}
            </select>
          )}>
          {prices ? <PriceChart key={inst} prices={prices} fills={fills} /> : <div className="empty">No prices.</div>}
          <div className="chart-foot muted">
            <span><span className="dot buy" /> buy fill <span className="dot sell" /> sell fill · {fills.length.toLocaleString('en-US')} fills on {inst}</span>
            <span className="spacer" />
            <span>Charts by <a href="https://www.tradingview.com/lightweight-charts/" target="_blank" rel="noreferrer">TradingView Lightweight Charts™</a> and uPlot</span>
          </div>
        </Section>
        <Section title="P&L (average cost)" testId="pnl-section"><PnlTable pnl={data.pnl} /></Section>
        <Section title="Per instrument" testId="instrument-section"><InstrumentTable data={data} /></Section>
        <div className="two-col">
          <Section title="Reconciliation" testId="recon-section"><ReconSummary data={data} /></Section>
          <Section title="Positions at end" testId="positions-section"><PositionsTable rows={data.positions} testId="positions-table" /></Section>
        </div>
        <Section title="Incidents and flags by code" testId="incident-section"><IncidentTable data={data} /><FlagTable data={data} /></Section>
      </main>
      <footer className="footbar muted">
        {data.links.csv.length > 0 && <span>CSV: {data.links.csv.map((f) => <a key={f} href={f} style={{ marginRight: 8 }}>{f}</a>)}</span>}
        <span className="spacer" />
        {data.journal && <span>journal seq <b className="mono">{data.journal.lastSeq}</b> · head <b className="mono" title={data.journal.headHash}>{data.journal.headHash.slice(0, 12)}</b></span>}
        <span>{data.source}</span>
        <IntegrityMark integrity={data.integrity} />
      </footer>
    </div>
  );
}
