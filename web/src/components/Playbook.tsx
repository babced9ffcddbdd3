/** A failure code's playbook from the embedded catalog: what happened, what ran, what to do. */
import type { FailureEntry } from '../../../src/operator/catalog';
import { SeverityBadge } from './Badges';

export function Playbook({ entry, compact = false }: { entry: FailureEntry | undefined; compact?: boolean }) {
  if (!entry) return <div className="muted">No catalog entry for this code.</div>;
  return (
    <div className="playbook" data-testid="playbook" data-code={entry.code}>
      <div className="playbook-head">
        <code>{entry.code}</code> <SeverityBadge severity={entry.severity} /> <b>{entry.title}</b>
        {entry.opensIncident && <span className="badge">opens incident</span>}
      </div>
      {!compact && <p className="muted" style={{ margin: '2px 0' }}><b>Detection.</b> {entry.detection}</p>}
      <p className="muted" style={{ margin: '2px 0' }}><b>Automatic action.</b> {entry.automaticAction}</p>
      <ol style={{ margin: '4px 0 0', paddingLeft: 20 }}>
        {entry.operatorSteps.map((s, i) => <li key={i}>{s}</li>)}
      </ol>
      {!compact && entry.escalation.length > 0 && (
        <ul className="muted" style={{ margin: '4px 0 0', paddingLeft: 20 }}>
          {entry.escalation.map((e, i) => <li key={i}>after {Math.round(e.afterMs / 60000)} min → {e.severity}: {e.action}</li>)}
        </ul>
      )}
    </div>
  );
}
