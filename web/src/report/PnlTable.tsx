/** P&L per instrument and in total (average cost, fees in realised), from the journal at the last close. */
import type { PnlView } from '../../../src/web/data-types';
import { money, qty, signOfDec } from '../lib/decimal';

const tone = (v: string) => (signOfDec(v) > 0 ? 'pos' : signOfDec(v) < 0 ? 'neg' : '');

export function PnlTable({ pnl }: { pnl: PnlView }) {
  if (pnl.rows.length === 0) return <div className="empty">No fills in this run.</div>;
  const t = pnl.total;
  return (
    <table className="grid" data-testid="pnl-table">
      <thead><tr>
        <th>instrument</th><th className="num">position</th><th className="num">avg cost</th><th className="num">last</th>
        <th className="num">realized</th><th className="num">unrealized</th><th className="num">fees (in realized)</th><th className="num">total</th>
      </tr></thead>
      <tbody>
        {pnl.rows.map((r) => (
          <tr key={r.account + r.instrument} data-instrument={r.instrument} data-total={r.total}>
            <td><b>{r.instrument}</b> {pnl.accounts.length > 1 && <span className="muted">{r.account}</span>}</td>
            <td className="num">{qty(r.position)}</td><td className="num">{r.averagePrice ?? '—'}</td><td className="num">{r.lastPrice ?? '—'}</td>
            <td className={`num ${tone(r.realized)}`}>{money(r.realized)}</td><td className={`num ${tone(r.unrealized)}`}>{money(r.unrealized)}</td>
            <td className="num">{money(r.fees)}</td><td className={`num ${tone(r.total)}`}><b>{money(r.total)}</b></td>
          </tr>
        ))}
        <tr className="total" data-testid="pnl-total" data-total={t.total} data-equity={t.equity ?? ''}>
          <td><b>total</b>{t.equity !== null && <span className="muted"> · cash {money(t.cash)} · equity {money(t.equity)}</span>}</td>
          <td /><td /><td />
          <td className={`num ${tone(t.realized)}`}>{money(t.realized)}</td><td className={`num ${tone(t.unrealized)}`}>{money(t.unrealized)}</td>
          <td className="num">{money(t.fees)}</td><td className={`num ${tone(t.total)}`}><b>{money(t.total)}</b></td>
        </tr>
      </tbody>
    </table>
  );
}
