/** The failure catalog embedded in the page: every code with its playbook. */
import type { FailureEntry } from '../../../src/operator/catalog';
import { Playbook } from '../components/Playbook';

export function PlaybooksView({ catalog, counts, onCode }: { catalog: readonly FailureEntry[]; counts: ReadonlyMap<string, number>; onCode: (code: string) => void }) {
  return (
    <div className="playbooks">
      {catalog.map((e) => (
        <div key={e.code} className="panel panel-b" id={`code-${e.code}`}>
          <Playbook entry={e} />
          <p style={{ margin: '6px 0 0' }}>
            {counts.get(e.code) ? <button className="linkbtn" onClick={() => onCode(e.code)}>{counts.get(e.code)} intents with this code →</button> : <span className="muted">not seen in this journal</span>}
          </p>
        </div>
      ))}
    </div>
  );
}
