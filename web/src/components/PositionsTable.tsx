/**
 * Desired / expected / confirmed / working per (account, instrument), with residual and drift
 * highlighted when non-zero. Shared by the trace (state at seq), the report and the console (which
 * adds its own columns before and after the six values: trading state, price, controls).
 */
import type { ReactNode } from 'react';
import type { PositionRow } from '../../../src/web/data-types';
import { isZeroDec, signedQty } from '../lib/decimal';

const COLS = ['desired', 'expected', 'confirmed', 'working', 'residual', 'drift'] as const;

/** An extra column: header, cell and an optional class for both (e.g. "num"). */
export interface ExtraColumn<R> {
  readonly key: string;
  readonly head: ReactNode;
  readonly cell: (row: R) => ReactNode;
  readonly className?: string;
  readonly title?: string;
}

interface Props<R extends PositionRow> {
  readonly rows: readonly R[];
  readonly changed?: ReadonlySet<string>;
  readonly testId?: string;
  readonly after?: readonly ExtraColumn<R>[];
  /** Extra class names of a row (e.g. "row-drift"). */
  readonly rowClass?: (row: R) => string;
  readonly className?: string;
  /** Leave out the account column (the console names its single account in the panel header). */
  readonly hideAccount?: boolean;
}

export function PositionsTable<R extends PositionRow>({ rows, changed, testId, after = [], rowClass, className, hideAccount = false }: Props<R>) {
  if (rows.length === 0) return <div className="empty">No positions yet.</div>;
  return (
    <table className={`grid ${className ?? ''}`} data-testid={testId}>
      <thead>
        <tr>
          {!hideAccount && <th>account</th>}<th>instrument</th>{COLS.map((c) => <th key={c} className="num">{c}</th>)}
          {after.map((x) => <th key={x.key} className={x.className} title={x.title}>{x.head}</th>)}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.account + '|' + r.instrument} data-instrument={r.instrument} className={rowClass?.(r)}>
            {!hideAccount && <td className="muted">{r.account}</td>}
            <td><b>{r.instrument}</b></td>
            {COLS.map((c) => {
              const v = r[c];
              const tone = c === 'drift' && !isZeroDec(v) ? 'hl-bad' : c === 'residual' && !isZeroDec(v) ? 'hl-warn' : '';
              const ch = changed?.has(`${r.account}|${r.instrument}|${c}`) ? 'changed' : '';
              return <td key={c} className={`num ${tone} ${ch}`} data-col={c} data-value={v}>{signedQty(v)}</td>;
            })}
            {after.map((x) => <td key={x.key} className={x.className} data-col={x.key}>{x.cell(r)}</td>)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
