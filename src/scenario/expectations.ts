/**
 * Checks a scenario's expectations against its journal, read back from the file: one row per
 * expectation with what was expected and what the journal shows.
 */
import type { RunConfig } from '../config/load.js';
import { isFailureCode, playbookLink } from '../operator/catalog.js';
import type { JournalRecord } from '../records/records.js';
import { foldJournal, orderStatusIn, positionView, recordLabel, recordToken, tradingStateIn, type FoldedState } from './journal-view.js';
import type { ChainItem, Expectations, Locator, PositionFields } from './schema.js';

export interface ExpectationRow {
  readonly expectation: string;
  readonly expected: string;
  readonly actual: string;
  readonly pass: boolean;
}

/** Replay facts measured by the runner (a second run, the file's chain). */
export interface ReplayFacts {
  readonly verified: { ok: boolean; detail: string };
  readonly headHash: string;
  readonly secondRunHeadHash: string;
  /** Engine's final positions vs the fold of the journal, as text. */
  readonly engineState: string;
  readonly foldedState: string;
}

const itemText = (i: ChainItem): string => (typeof i === 'string' ? i : `${i.is}{${Object.entries(i.where).map(([k, v]) => `${k}=${String(v)}`).join(',')}}`);

function matches(r: JournalRecord, item: ChainItem): boolean {
  const token = typeof item === 'string' ? item : item.is;
  if (token !== recordToken(r) && token !== recordLabel(r)) return false;
  if (typeof item === 'string') return true;
  for (const [path, want] of Object.entries(item.where)) {
    let v: unknown = r.payload;
    for (const k of path.split('.')) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined;
    if (String(v) !== String(want)) return false;
  }
  return true;
}

function isSubsequence(records: readonly JournalRecord[], items: readonly ChainItem[]): boolean {
  let k = 0;
  for (const r of records) if (k < items.length && matches(r, items[k]!)) k++;
  return k === items.length;
}

/**
 * How provider messages reached the engine: in event time at bars (the simulated venue), or
 * through the asynchronous test gateway (late, reordered between orders, redelivered).
 */
export type Delivery = 'event-time' | 'async';

const itemToken = (i: ChainItem): string => (typeof i === 'string' ? i : i.is);
const isFault = (token: string): boolean => token.startsWith('S05.provider:fault_injected');
const isRequest = (token: string): boolean => token === 'S06.reconciliation:request';

/**
 * A chain under asynchronous delivery: how many reconciliation requests an intent causes depends
 * on how its reports were batched on arrival, and a fault is journaled when injected, which is no
 * longer at the bar its reports arrive with. So requests and injected faults are set apart (each
 * fault the chain names must be in it), and the rest of the expected chain must appear in order;
 * extra checks of the same position may follow.
 */
function asyncChainHolds(chain: readonly JournalRecord[], items: readonly ChainItem[]): boolean {
  if (!items.filter((i) => isFault(itemToken(i))).every((f) => chain.some((r) => matches(r, f)))) return false;
  const kept = (t: string) => !isFault(t) && !isRequest(t);
  return isSubsequence(chain.filter((r) => kept(recordToken(r))), items.filter((i) => kept(itemToken(i))));
}

function locate(records: readonly JournalRecord[], loc: Locator): JournalRecord | undefined {
  let n = 0;
  for (const r of records) {
    if (loc.intent !== undefined && r.correlationId !== loc.intent) continue;
    if (matches(r, loc.is) && ++n === loc.nth) return r;
  }
  return undefined;
}

function countBy(records: readonly JournalRecord[], kind: 'flag' | 'incident_opened'): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of records) if (r.type === 'S07.operator' && r.payload.kind === kind) m.set(r.payload.code, (m.get(r.payload.code) ?? 0) + 1);
  return m;
}

/**
 * Evaluates every expectation.
 *
 * @example
 * const rows = checkExpectations(plan.expect, records, plan.config, null);
 * rows.every((r) => r.pass)
 */
export function checkExpectations(expect: Expectations, records: readonly JournalRecord[], cfg: RunConfig, replay: ReplayFacts | null, delivery: Delivery = 'event-time'): ExpectationRow[] {
  const chainHolds = delivery === 'event-time'
    ? (chain: readonly JournalRecord[], items: readonly ChainItem[], exact: boolean) => (exact ? chain.length === items.length && chain.every((r, i) => matches(r, items[i]!)) : isSubsequence(chain, items))
    : asyncChainHolds;
  const suffix = delivery === 'event-time' ? '' : ' (asynchronous delivery)';
  const rows: ExpectationRow[] = [];
  const row = (expectation: string, expected: string, actual: string, pass = expected === actual) => rows.push({ expectation, expected, actual, pass });
  const final = foldJournal(records, cfg);
  const account = cfg.accounts[0]!.id;
  const byIntent = (id: string) => records.filter((r) => r.correlationId === id);

  for (const [intent, items] of Object.entries(expect.chains ?? {})) {
    const chain = byIntent(intent);
    row(`chain of ${intent}${suffix}`, items.map(itemText).join(' → '), chain.map(recordLabel).join(' → ') || '(no records)', chainHolds(chain, items, true));
  }
  for (const [intent, items] of Object.entries(expect.chainsInclude ?? {})) {
    const chain = byIntent(intent);
    row(`chain of ${intent} includes, in order${suffix}`, items.map(itemText).join(' → '), chain.map(recordLabel).join(' → ') || '(no records)', chainHolds(chain, items, false));
  }
  if (expect.sequence) {
    const relevant = records.filter((r) => expect.sequence!.some((i) => matches(r, i)));
    row('journal order (cause before effect)', expect.sequence.map(itemText).join(' → '), relevant.map((r) => `${recordLabel(r)}#${r.seq}`).join(' → ') || '(none)', isSubsequence(records, expect.sequence));
  }
  const positions = (label: string, s: FoldedState, want: Readonly<Record<string, PositionFields>>) => {
    for (const [inst, fields] of Object.entries(want)) {
      const have = positionView(s, cfg, account, inst);
      for (const [field, value] of Object.entries(fields)) if (value !== undefined) row(`${label}${inst} ${field}`, value, have[field as keyof typeof have]);
    }
  };
  positions('final ', final, expect.positions ?? {});
  const counts = (label: string, want: Readonly<Record<string, number>> | undefined, have: Map<string, number>) => {
    if (!want) return;
    const codes = [...new Set([...Object.keys(want), ...have.keys()])].sort();
    if (codes.length === 0) row(label, '(none)', '(none)');
    for (const code of codes) row(`${label} ${code}`, String(want[code] ?? 0), String(have.get(code) ?? 0));
  };
  counts('incidents', expect.incidents, countBy(records, 'incident_opened'));
  counts('flags', expect.flags, countBy(records, 'flag'));
  for (const [code, states] of Object.entries(expect.incidentStates ?? {})) {
    const have = [...final.incidents.incidents.values()].filter((i) => i.code === code).sort((a, b) => a.openedSeq - b.openedSeq).map((i) => i.status);
    row(`status of ${code} incidents`, states.join(', ') || '(none)', have.join(', ') || '(none)');
  }
  if (expect.adjustments) {
    const have = records.filter((r) => r.type === 'S06.reconciliation' && r.payload.kind === 'adjustment').map((r) => {
      const p = r.payload as Extract<JournalRecord<'S06.reconciliation'>['payload'], { kind: 'adjustment' }>;
      return { instrument: r.instrument!, expectedBefore: p.expectedBefore, confirmed: p.confirmed, adjustment: p.adjustment };
    });
    const fmt = (a: { instrument: string; expectedBefore: string; confirmed: string; adjustment?: string | undefined }) =>
      `${a.instrument} expected ${a.expectedBefore} → confirmed ${a.confirmed}${a.adjustment ? ` (${a.adjustment})` : ''}`;
    const pass = have.length === expect.adjustments.length && expect.adjustments.every((a, i) => {
      const h = have[i]!;
      return h.instrument === a.instrument && h.expectedBefore === a.expectedBefore && h.confirmed === a.confirmed && (a.adjustment === undefined || a.adjustment === h.adjustment);
    });
    row('adjustments (S06, provider truth wins)', expect.adjustments.map(fmt).join('; ') || '(none)', have.map(fmt).join('; ') || '(none)', pass);
  }
  for (const [inst, state] of Object.entries(expect.tradingState ?? {})) row(`final trading state ${inst}`, state, tradingStateIn(final, inst));
  for (const [inst, changes] of Object.entries(expect.tradingStateChanges ?? {})) {
    const have = records.filter((r) => r.type === 'S07.operator' && r.payload.kind === 'trading_state_changed' && r.instrument === inst)
      .map((r) => `${(r.payload as { to: string }).to}`);
    row(`trading state changes ${inst}`, changes.join(' → ') || '(none)', have.join(' → ') || '(none)');
  }
  for (const [id, status] of Object.entries(expect.orders ?? {})) row(`final status of order ${id}`, status, orderStatusIn(final, id));
  if (expect.faults) {
    const have = new Map<string, Set<number>>();
    for (const r of records) if (r.type === 'S05.provider' && r.payload.kind === 'fault_injected') {
      const s = have.get(r.payload.fault) ?? new Set<number>();
      s.add(r.payload.occurrence);
      have.set(r.payload.fault, s);
    }
    counts('faults injected', expect.faults, new Map([...have].map(([k, v]) => [k, v.size])));
  }
  for (const at of expect.stateAt ?? []) {
    const loc = (at.after ?? at.before)!;
    const r = locate(records, loc);
    const label = `${at.after ? 'after' : 'before'} ${itemText(loc.is)}${loc.intent ? ` of ${loc.intent}` : ''}${loc.nth > 1 ? ` #${loc.nth}` : ''}: `;
    if (!r) { row(label.slice(0, -2), 'a matching record', '(not in the journal)', false); continue; }
    const s = foldJournal(records, cfg, at.after ? r.seq : r.seq - 1);
    positions(`${label}`, s, at.positions ?? {});
    for (const [id, status] of Object.entries(at.orders ?? {})) row(`${label}order ${id}`, status, orderStatusIn(s, id));
    for (const [inst, state] of Object.entries(at.tradingState ?? {})) row(`${label}trading state ${inst}`, state, tradingStateIn(s, inst));
  }
  if (expect.replay && replay) {
    row('replay: journal hash chain verifies', 'intact', replay.verified.ok ? 'intact' : replay.verified.detail);
    row('replay: second run, same head hash', replay.headHash.slice(0, 16), replay.secondRunHeadHash.slice(0, 16));
    row('replay: folding the journal gives the engine state', replay.engineState, replay.foldedState);
  }
  const codes = [...countBy(records, 'flag').keys(), ...countBy(records, 'incident_opened').keys()];
  const missing = codes.filter((c) => !isFailureCode(c));
  row('every flag and incident has a catalog playbook', 'all', missing.length === 0 ? 'all' : `no playbook: ${missing.join(', ')}`);
  return rows;
}

/** Incidents of a journal with their playbook links, for the runner's listing. */
export function incidentLinks(records: readonly JournalRecord[]): string[] {
  const out: string[] = [];
  for (const r of records) {
    if (r.type === 'S07.operator' && r.payload.kind === 'incident_opened') out.push(`${r.payload.incidentId} (seq ${r.seq}) → ${playbookLink(r.payload.code)}`);
  }
  return out;
}
