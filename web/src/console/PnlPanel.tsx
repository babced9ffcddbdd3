/**
 * P&L: equity, cash, realised and unrealised P&L per instrument and in total (average cost; fees
 * are charged in realised and shown beside it), from GET /api/pnl — the fold of the journal at
 * the engine's last prices, refreshed on every fill or adjustment and every couple of seconds as
 * prices move.
 */
import { money, qty, signOfDec } from '../lib/decimal';
import type { PnlView } from './types';

const tone = (v: string | null) => (v === null ? '' : signOfDec(v) > 0 ? 'pos' : signOfDec(v) < 0 ? 'neg' : '');

function Fig({ label, value, testId, signed }: { label: string; value: string | null; testId: string; signed?: boolean }) {
  return (
    <span className="pnl-fig" data-testid={testId} data-value={value ?? ''}>
      <span className="muted">{label}</span> <b className={signed ? tone(value) : ''}>{money(value)}</b>
    </span>
  );
}

export function PnlPanel({ pnl }: { pnl: PnlView | null }) {
  const t = pnl?.total;
  return (
    <section className="panel cpanel pnl-panel" aria-label="P&L" data-testid="pnl-panel">
      <header className="panel-h">
        <span className="panel-title">P&amp;L</span>
        <span className="muted small" title="average cost; fees are charged in realized when paid">average cost</span>
        <span className="spacer" />
        {t && <>
          <Fig label="equity" value={t.equity} testId="pnl-equity" />
          <Fig label="cash" value={t.cash} testId="pnl-cash" />
          <Fig label="realized" value={t.realized} testId="pnl-realized" signed />
          <Fig label="unrealized" value={t.unrealized} testId="pnl-unrealized" signed />
          <Fig label="fees" value={t.fees} testId="pnl-fees" />
          <Fig label="total" value={t.total} testId="pnl-total" signed />
        </>}
      </header>
      <div className="panel-scroll" tabIndex={-1} data-panel="pnl">
        {!pnl ? <div className="empty">Loading P&amp;L…</div> : pnl.rows.length === 0 ? <div className="empty">No fills yet.</div> : (
          <table className="grid dense" data-testid="pnl">
            <thead><tr>
              <th>instrument</th><th className="num">position</th><th className="num">avg cost</th><th className="num">last</th>
              <th className="num">realized</th><th className="num">unrealized</th><th className="num">fees</th><th className="num">total</th>
            </tr></thead>
            <tbody>
              {pnl.rows.map((r) => (
                <tr key={r.account + '|' + r.instrument} data-instrument={r.instrument} data-total={r.total}>
                  <td>{r.instrument}{pnl.accounts.length > 1 && <span className="muted"> {r.account}</span>}</td>
                  <td className="num">{qty(r.position)}</td><td className="num">{r.averagePrice ?? '—'}</td><td className="num">{r.lastPrice ?? '—'}</td>
                  <td className={`num ${tone(r.realized)}`}>{money(r.realized)}</td><td className={`num ${tone(r.unrealized)}`}>{money(r.unrealized)}</td>
                  <td className="num">{money(r.fees)}</td><td className={`num ${tone(r.total)}`}><b>{money(r.total)}</b></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
