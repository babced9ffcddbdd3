/**
 * Desired / expected / confirmed / working per (account, instrument), with residual and drift
 * highlighted when non-zero. Shared by the trace (state at seq), the report and the console.
 */
import type { PositionRow } from '../../../src/web/data-types';
import { isZeroDec, signedQty } from '../lib/decimal';

const COLS = ['desired', 'expected', 'confirmed', 'working', 'residual', 'drift'] as const;

export function PositionsTable({ rows, changed, testId }: { rows: readonly PositionRow[]; changed?: ReadonlySet<string>; testId?: string }) {
  if (rows.length === 0) return <div className="empty">No positions yet.</div>;
  return (
    <table className="grid" data-testid={testId}>
      <thead>
        <tr><th>account</th><th>instrument</th>{COLS.map((c) => <th key={c} className="num">{c}</th>)}</tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.account + '|' + r.instrument} data-instrument={r.instrument}>
            <td className="muted">{r.account}</td>
            <td><b>{r.instrument}</b></td>
            {COLS.map((c) => {
              const v = r[c];
              const tone = c === 'drift' && !isZeroDec(v) ? 'hl-bad' : c === 'residual' && !isZeroDec(v) ? 'hl-warn' : '';
              const ch = changed?.has(`${r.account}|${r.instrument}|${c}`) ? 'changed' : '';
              return <td key={c} className={`num ${tone} ${ch}`} data-col={c} data-value={v}>{signedQty(v)}</td>;
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
