/**
 * Positions: desired / expected / confirmed / working per (account, instrument), residual (amber)
 * and drift (red) when non-zero, the reconciliation classification, the trading state, the last
 * price and the age of the instrument's market data; per row a trading-state control and flatten.
 */
import { useEffect, useRef, useState } from 'react';
import { TradingStateBadge } from '../components/Badges';
import { PositionsTable, type ExtraColumn } from '../components/PositionsTable';
import { isZeroDec } from '../lib/decimal';
import { ActionButton, useActions } from './actions';
import { age, useNow } from './clock';
import type { MarketDataHealth, PositionView } from './types';

const VALUES = ['desired', 'expected', 'confirmed', 'working', 'residual', 'drift'] as const;
const STATES = ['active', 'reducing', 'halted'] as const;
const CLASS_TONE: Record<string, string> = { IN_SYNC: 'good', WORKING: 'info', DRIFT: 'bad', RESIDUAL_UNEXPLAINED: 'warn', RESIDUAL_AGED: 'warn' };
const CLASS_LABEL: Record<string, string> = { IN_SYNC: 'in sync', WORKING: 'working', DRIFT: 'drift', RESIDUAL_UNEXPLAINED: 'unexplained', RESIDUAL_AGED: 'aged' };
const CLASS_TITLE: Record<string, string> = {
  IN_SYNC: 'desired = expected = confirmed', WORKING: 'the residual is explained by working orders', DRIFT: 'expected ≠ confirmed: provider truth wins (adjustment + POSITION_DRIFT incident)',
  RESIDUAL_UNEXPLAINED: 'RESIDUAL_UNEXPLAINED: no working order explains desired − confirmed (a rejection, an expiry, a partial fill)', RESIDUAL_AGED: 'RESIDUAL_AGED: explained by working orders but older than residualMaxAgeMs',
};

/** Cells whose value changed in the last update, for a short highlight. */
function useChanged(rows: readonly PositionView[]): ReadonlySet<string> {
  const prev = useRef(new Map<string, string>());
  const [changed, setChanged] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    const next = new Set<string>();
    for (const r of rows) for (const c of VALUES) {
      const k = `${r.account}|${r.instrument}|${c}`;
      const before = prev.current.get(k);
      if (before !== undefined && before !== r[c]) next.add(k);
      prev.current.set(k, r[c]);
    }
    if (next.size === 0) return;
    setChanged(next);
    const t = setTimeout(() => setChanged(new Set()), 1500);
    return () => clearTimeout(t);
  }, [rows]);
  return changed;
}

/** The last price with the freshness of the instrument's market data (dot; age when not fresh). */
function LastPrice({ row, md, stateAt }: { row: PositionView; md: MarketDataHealth | undefined; stateAt: number }) {
  const now = useNow();
  const price = row.lastPrice ?? '—';
  if (!md || md.lastBarTs === null || md.ageMs === null) return <span className="md md-none" title="no bar received yet"><i />{price}</span>;
  const a = md.ageMs + Math.max(0, now - stateAt);
  const tone = md.stale ? 'bad' : a > 3000 ? 'warn' : 'good';
  const title = md.stale ? `STALE: no bar for ${age(a)} (longer than --stale-ms); the instrument went reducing` : `last bar ${age(a)} ago`;
  return (
    <span className={`md md-${tone}`} data-stale={md.stale} title={title} data-testid="last-price">
      {md.stale ? <b>stale {age(a)}</b> : tone === 'warn' ? <span>{age(a)}</span> : null}{price}<i />
    </span>
  );
}

function StateControl({ row }: { row: PositionView }) {
  const { open, disabledReason } = useActions();
  return (
    <select className={`input input-sm state-select st-${row.tradingState}`} aria-label={`Trading state of ${row.instrument}`} value={row.tradingState} disabled={disabledReason !== null}
      title={disabledReason ?? 'Change the trading state (asks for a note)'} data-testid="state-select" data-state={row.tradingState}
      onChange={(e) => {
        const to = e.target.value;
        e.target.value = row.tradingState; // stays until the server confirms
        open({
          title: `Trading state of ${row.instrument}`, verb: `Set ${to}`, tone: to === 'active' ? 'primary' : 'danger',
          path: `/api/instruments/${encodeURIComponent(row.instrument)}/trading-state`,
          summary: <>Set <b>{row.instrument}</b> from <TradingStateBadge state={row.tradingState} /> to <TradingStateBadge state={to} />. Reducing lets orders only bring the position toward zero; halted blocks every new order.</>,
          journal: 'S07 trading_state_changed (from, to, actor, reason)',
          choice: { field: 'state', label: 'New state', options: STATES, initial: to },
        });
      }}>
      {STATES.map((s) => <option key={s} value={s}>{s}</option>)}
    </select>
  );
}

export function PositionsPanel({ rows, marketData, stateAt }: { rows: readonly PositionView[]; marketData: readonly MarketDataHealth[]; stateAt: number }) {
  const changed = useChanged(rows);
  const md = new Map(marketData.map((m) => [m.instrument, m]));
  const after: ExtraColumn<PositionView>[] = [
    { key: 'classification', head: 'recon', cell: (r) => <span className={`badge ${CLASS_TONE[r.classification] ?? ''}`} data-classification={r.classification} title={CLASS_TITLE[r.classification]}>{CLASS_LABEL[r.classification] ?? r.classification}</span> },
    { key: 'last', head: 'last · feed', className: 'num', title: 'last price; the dot is the freshness of the market data (green fresh, amber > 3 s, red stale)', cell: (r) => <LastPrice row={r} md={md.get(r.instrument)} stateAt={stateAt} /> },
    {
      key: 'actions', head: 'trading state', className: 'row-actions', cell: (r) => (
        <span className="row-actions-in">
          <StateControl row={r} />
          <ActionButton testId="flatten-button" title={`Flatten ${r.instrument}`} spec={() => ({
            title: `Flatten ${r.instrument}`, verb: 'Flatten', tone: 'danger', path: `/api/instruments/${encodeURIComponent(r.instrument)}/flatten`,
            summary: <>The operator takes over the desired position of <b>{r.instrument}</b>: an intent of strategy <code>operator</code> nets it to zero (confirmed now {r.confirmed}), and the instrument goes reducing so strategies cannot add to it. The closing orders pass the risk gate as usual.</>,
            journal: 'S07 operator_action flatten, S07 trading_state_changed, S01 intent (strategy operator) → S02…S05',
          })}>Flatten</ActionButton>
        </span>
      ),
    },
  ];
  const accounts = [...new Set(rows.map((r) => r.account))];
  const drifting = rows.filter((r) => !isZeroDec(r.drift)).length;
  const residual = rows.filter((r) => !isZeroDec(r.residual)).length;
  return (
    <section className="panel cpanel positions-panel" aria-label="Positions" data-testid="positions-panel">
      <header className="panel-h">
        <span className="panel-title">Positions</span>
        <span className="muted small">{accounts.length === 1 ? `account ${accounts[0]}` : `${rows.length} pairs`}</span>
        {drifting > 0 && <span className="badge bad">{drifting} drift</span>}
        {residual > 0 && <span className="badge warn">{residual} residual</span>}
        <span className="spacer" />
        <span className="muted small legend"><i className="lg-warn" />residual = desired − confirmed <i className="lg-bad" />drift = expected − confirmed</span>
      </header>
      <div className="panel-scroll" tabIndex={-1} data-panel="positions">
        <PositionsTable rows={rows} changed={changed} testId="positions" after={after} className="dense" hideAccount={accounts.length === 1}
          rowClass={(r) => `${!isZeroDec(r.drift) ? 'row-drift' : ''} ${r.tradingState !== 'active' ? 'row-' + r.tradingState : ''}`} />
      </div>
    </section>
  );
}
