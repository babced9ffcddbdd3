/** What a page shows for an id from the URL (intent, incident, seq) that the journal does not have. */
import type { ReactNode } from 'react';

export function NotFound({ what, id, children }: { what: string; id: string; children?: ReactNode }) {
  return (
    <div className="not-found" data-testid="not-found" data-what={what} role="status">
      <h2>{what} not found</h2>
      <p><span className="mono">{id === '' ? '(empty)' : id}</span> is not in this journal.</p>
      {children}
    </div>
  );
}
