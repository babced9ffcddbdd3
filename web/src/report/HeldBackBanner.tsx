/**
 * The "held back" banner: shown when any instrument was restricted (reducing-only or halted) for
 * more than 5% of the run, or the kill switch was engaged. It says for how long, what the risk
 * gate rejected and which incidents are still open, so the figures below are read as what the
 * instruments were allowed to trade, not as the strategy's merit.
 */
import type { HeldBack } from '../../../src/web/data-types';
import { count, duration, pct } from '../lib/format';
import './held-back.css';

/** Same threshold as src/report/held-back.ts (RESTRICTED_BANNER_PCT). */
const THRESHOLD_PCT = 5;

export function HeldBackBanner({ heldBack }: { heldBack: HeldBack }) {
  const held = heldBack.instruments.filter((i) => i.restrictedPct > THRESHOLD_PCT);
  const kill = heldBack.killSwitch.engagedPct > THRESHOLD_PCT || heldBack.killSwitch.engagedAtEnd;
  if (held.length === 0 && !kill) return null;
  const r = heldBack.riskDecisions;
  const rules = Object.entries(r.byRule);
  const open = heldBack.openIncidents;
  return (
    <div className="held-back" role="alert" data-testid="held-back-banner">
      <b>These results were held back.</b>{' '}
      {held.length > 0 && (
        <span>
          {held.map((i, k) => (
            <span key={i.instrument} data-testid="held-back-instrument" data-instrument={i.instrument} data-pct={i.restrictedPct}>
              {k > 0 ? ', ' : ''}<b>{i.instrument}</b> was restricted for <b>{pct(i.restrictedPct, 1)}</b> of the run
              {' '}({[i.reducingMs ? `reducing-only ${duration(i.reducingMs)}` : '', i.haltedMs ? `halted ${duration(i.haltedMs)}` : ''].filter(Boolean).join(', ')}; ended {i.endState})
            </span>
          ))}.{' '}
        </span>
      )}
      {kill && <span>The kill switch was engaged for {pct(heldBack.killSwitch.engagedPct, 1)} of the run{heldBack.killSwitch.engagedAtEnd ? ' and still is' : ''}. </span>}
      {r.rejected > 0 && <span>The risk gate rejected {count(r.rejected)} of {count(r.total)} proposed orders ({rules.map(([k, v]) => `${k} ${count(v)}`).join(', ')}). </span>}
      {open.length > 0 && <span>Still open: {open.map((c) => `${c.code} × ${count(c.open + c.acknowledged)}`).join(', ')}. </span>}
      <span>Return, Sharpe and win rate below describe what the instruments were allowed to trade, not what the strategy would have done.</span>
    </div>
  );
}
