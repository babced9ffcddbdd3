/**
 * Every field of an object as label / value pairs. Nested objects render as inline key/value
 * chips, arrays of objects as small tables, so no field of a record is hidden.
 */
import type { ReactNode } from 'react';

function scalar(v: unknown): ReactNode {
  if (v === null || v === undefined) return <span className="muted">null</span>;
  if (v === '') return <span className="muted">""</span>;
  return String(v);
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function render(v: unknown): ReactNode {
  if (Array.isArray(v)) {
    if (v.length === 0) return <span className="muted">[]</span>;
    if (v.every(isPlain)) {
      const cols = [...new Set(v.flatMap((o) => Object.keys(o)))];
      return (
        <table className="mini">
          <thead><tr>{cols.map((c) => <th key={c}>{c}</th>)}</tr></thead>
          <tbody>{v.map((o, i) => <tr key={i}>{cols.map((c) => <td key={c}>{typeof o[c] === 'object' && o[c] !== null ? JSON.stringify(o[c]) : scalar(o[c])}</td>)}</tr>)}</tbody>
        </table>
      );
    }
    return JSON.stringify(v);
  }
  if (isPlain(v)) {
    const e = Object.entries(v);
    if (e.length === 0) return <span className="muted">{'{}'}</span>;
    return (
      <span className="kv-chips">
        {e.map(([k, x]) => <span key={k} className="kv"><span className="muted">{k}</span> {typeof x === 'object' && x !== null ? JSON.stringify(x) : scalar(x)}</span>)}
      </span>
    );
  }
  return scalar(v);
}

export function FieldGrid({ fields, skip = [] }: { fields: Readonly<Record<string, unknown>>; skip?: readonly string[] }) {
  const entries = Object.entries(fields).filter(([k]) => !skip.includes(k));
  if (entries.length === 0) return null;
  return (
    <dl className="field-grid">
      {entries.map(([k, v]) => (
        <div key={k} style={{ display: 'contents' }}>
          <dt>{k}</dt>
          <dd data-field={k}>{render(v)}</dd>
        </div>
      ))}
    </dl>
  );
}
