/**
 * The failure catalog embedded in the page: every code with its playbook, and how often this
 * journal has it — incidents and flags (with or without an intent) and the intents carrying it.
 */
import type { FailureEntry } from '../../../src/operator/catalog';
import { Playbook } from '../components/Playbook';
import type { TraceModel } from './model';

const n = (x: number) => x.toLocaleString('en-US');

export function PlaybooksView({ model, catalog, onIncidents, onIntents }: {
  model: TraceModel; catalog: readonly FailureEntry[]; onIncidents: (code: string) => void; onIntents: (code: string) => void;
}) {
  const known = new Set<string>(catalog.map((e) => e.code));
  // Codes a journal carries that this catalog does not know (another version wrote them) are listed too.
  const extra = model.codes.filter((c) => !known.has(c)).map((code) => ({ code }));
  return (
    <div className="playbooks" data-testid="playbooks">
      {[...catalog, ...extra].map((e) => {
        const c = model.codeCount(e.code);
        const seen = c !== undefined && c.incidents + c.flags + c.intents > 0;
        return (
          <div key={e.code} className="panel panel-b" id={`code-${e.code}`} data-code={e.code}
            data-incidents={c?.incidents ?? 0} data-flags={c?.flags ?? 0} data-without-intent={c?.withoutIntent ?? 0} data-intents={c?.intents ?? 0}>
            {'title' in e ? <Playbook entry={e} /> : <div className="playbook-head"><code>{e.code}</code> <span className="muted">not in this catalog</span></div>}
            <div className="code-counts" data-testid="code-counts">
              {!seen && <span className="muted">not seen in this journal</span>}
              {c && c.incidents + c.flags > 0 && (
                <button className="linkbtn" onClick={() => onIncidents(e.code)} data-testid="show-incidents">
                  {c.incidents > 0 && `${n(c.incidents)} incident${c.incidents === 1 ? '' : 's'}`}{c.incidents > 0 && c.flags > 0 && ' · '}
                  {c.flags > 0 && `${n(c.flags)} flag${c.flags === 1 ? '' : 's'}`}
                  {c.withoutIntent > 0 && ` (${n(c.withoutIntent)} without an intent)`} →
                </button>
              )}
              {c && c.intents > 0 && (
                <button className="linkbtn" onClick={() => onIntents(e.code)} data-testid="show-intents">{n(c.intents)} intent{c.intents === 1 ? '' : 's'} with this code →</button>
              )}
              {c && c.byInstrument.length > 0 && (
                <span className="muted">{c.byInstrument.map(([i, x]) => `${i || 'no instrument'} ${n(x)}`).join(' · ')}</span>
              )}
            </div>
          </div>
        );
      })}
    </div>
  );
}
