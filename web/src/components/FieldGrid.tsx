/** Every field of an object as label / value pairs; nested values as compact JSON. */
import type { ReactNode } from 'react';

function render(v: unknown): ReactNode {
  if (v === null || v === undefined) return <span className="muted">null</span>;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
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
