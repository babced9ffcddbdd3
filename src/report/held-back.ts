/**
 * What held a run back, folded from its records: the share of the run's event time each
 * instrument was restricted (reducing-only or halted, from S07 trading_state_changed records),
 * the kill switch's share, the incidents still unresolved at the end by code, and the risk
 * gate's rejections by rule. A run whose instruments were held reducing for most of its time is
 * not evidence about its strategy; summary.json, the terminal summary and the report say so.
 *
 * The run's time is the span of its market data (first bar to the end of the run); a state
 * before the first change is the configured one (`initial`, active unless given).
 */
import type { TradingState } from '../domain/types.js';
import { evolveIncidents, initialIncidentState } from '../operator/incidents.js';
import type { JournalRecord } from '../records/records.js';

/** The report shows a banner when an instrument was restricted for more than this share of the run. */
export const RESTRICTED_BANNER_PCT = 5;

export interface RestrictedInstrument {
  readonly instrument: string;
  readonly endState: TradingState;
  readonly restrictedMs: number;
  /** Share of the run's time reducing or halted, percent with 2 decimals. */
  readonly restrictedPct: number;
  readonly reducingMs: number;
  readonly haltedMs: number;
  /** Trading state changes in the run. */
  readonly changes: number;
}

export interface OpenIncidentsByCode {
  readonly code: string;
  readonly open: number;
  readonly acknowledged: number;
  readonly instruments: readonly string[];
  /** Event time the oldest of them opened. */
  readonly oldestTs: number;
}

export interface HeldBack {
  readonly periodStart: number;
  readonly periodEnd: number;
  /** Instruments restricted at any time in the run or at its end (others were active throughout). */
  readonly instruments: readonly RestrictedInstrument[];
  readonly killSwitch: { readonly engagedAtEnd: boolean; readonly engagedMs: number; readonly engagedPct: number };
  /** Incidents not resolved at the end, by code. */
  readonly openIncidents: readonly OpenIncidentsByCode[];
  readonly riskDecisions: { readonly total: number; readonly rejected: number; readonly byRule: Readonly<Record<string, number>> };
}

const pct = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 10_000) / 100 : 0);

export class HeldBackFold {
  private readonly changes = new Map<string, { ts: number; to: TradingState }[]>();
  private readonly kill: { ts: number; engaged: boolean }[] = [];
  private readonly incidents = initialIncidentState();
  private readonly byRule: Record<string, number> = {};
  private decisions = 0;
  private rejected = 0;

  /**
   * @param initial configured trading state per instrument (default active); `killSwitch` at start
   *
   * @example
   * const fold = new HeldBackFold(new Map([['FIX-ALPHA', 'active']]));
   * engine.bus.subscribe(fold.add);
   * fold.result(firstBarTs, endTs).instruments // [{ instrument: 'FIX-ALPHA', restrictedPct: 83.4, ... }]
   */
  constructor(private readonly initial: ReadonlyMap<string, TradingState> = new Map(), private readonly killAtStart = false) {}

  add = (r: JournalRecord): void => {
    if (r.type === 'S03.risk') {
      this.decisions++;
      if (r.payload.decision === 'rejected') { this.rejected++; this.byRule[r.payload.ruleId] = (this.byRule[r.payload.ruleId] ?? 0) + 1; }
      return;
    }
    if (r.type !== 'S07.operator') return;
    const p = r.payload;
    if (p.kind === 'trading_state_changed' && r.instrument) {
      let list = this.changes.get(r.instrument);
      if (!list) this.changes.set(r.instrument, (list = []));
      list.push({ ts: r.ts, to: p.to });
    } else if (p.kind === 'kill_switch') {
      this.kill.push({ ts: r.ts, engaged: p.engaged });
    }
    evolveIncidents(this.incidents, r);
  };

  /** The fold over [start, end] of event time. */
  result(start: number, end: number): HeldBack {
    const span = Math.max(0, end - start);
    const clip = (ts: number) => Math.min(end, Math.max(start, ts));
    const instruments: RestrictedInstrument[] = [];
    const ids = [...new Set([...this.initial.keys(), ...this.changes.keys()])].sort();
    for (const id of ids) {
      const list = this.changes.get(id) ?? [];
      let state: TradingState = this.initial.get(id) ?? 'active';
      let since = start;
      let reducingMs = 0, haltedMs = 0;
      const close = (ts: number) => {
        const d = clip(ts) - clip(since);
        if (state === 'reducing') reducingMs += d; else if (state === 'halted') haltedMs += d;
      };
      for (const c of list) { close(c.ts); state = c.to; since = c.ts; }
      close(end);
      if (reducingMs + haltedMs === 0 && state === 'active') continue;
      instruments.push({ instrument: id, endState: state, restrictedMs: reducingMs + haltedMs, restrictedPct: pct(reducingMs + haltedMs, span), reducingMs, haltedMs, changes: list.length });
    }
    let engaged = this.killAtStart;
    let since = start;
    let engagedMs = 0;
    for (const k of this.kill) {
      if (engaged) engagedMs += clip(k.ts) - clip(since);
      engaged = k.engaged;
      since = k.ts;
    }
    if (engaged) engagedMs += clip(end) - clip(since);

    const byCode = new Map<string, { open: number; acknowledged: number; instruments: Set<string>; oldestTs: number }>();
    for (const inc of this.incidents.incidents.values()) {
      if (inc.status === 'resolved') continue;
      let c = byCode.get(inc.code);
      if (!c) byCode.set(inc.code, (c = { open: 0, acknowledged: 0, instruments: new Set(), oldestTs: inc.openedTs }));
      if (inc.status === 'open') c.open++; else c.acknowledged++;
      if (inc.instrument) c.instruments.add(inc.instrument);
      c.oldestTs = Math.min(c.oldestTs, inc.openedTs);
    }
    return {
      periodStart: start, periodEnd: end,
      instruments: instruments.sort((a, b) => b.restrictedMs - a.restrictedMs || (a.instrument < b.instrument ? -1 : 1)),
      killSwitch: { engagedAtEnd: engaged, engagedMs, engagedPct: pct(engagedMs, span) },
      openIncidents: [...byCode.entries()].map(([code, c]) => ({ code, open: c.open, acknowledged: c.acknowledged, instruments: [...c.instruments].sort(), oldestTs: c.oldestTs }))
        .sort((a, b) => b.open + b.acknowledged - (a.open + a.acknowledged) || (a.code < b.code ? -1 : 1)),
      riskDecisions: { total: this.decisions, rejected: this.rejected, byRule: Object.fromEntries(Object.entries(this.byRule).sort(([, a], [, b]) => b - a)) },
    };
  }
}

/** Instruments restricted for more than the banner threshold. */
export function heavilyRestricted(h: HeldBack): readonly RestrictedInstrument[] {
  return h.instruments.filter((i) => i.restrictedPct > RESTRICTED_BANNER_PCT);
}

/**
 * A short human duration: "29d 4h", "3h 12m", "45s".
 *
 * @example
 * formatDuration(93_600_000) // '1d 2h'
 */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const d = Math.floor(s / 86_400), h = Math.floor((s % 86_400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}
