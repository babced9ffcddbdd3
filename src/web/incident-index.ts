/**
 * Every S07 flag and incident of a journal, whether an intent's chain holds it or not (a drift
 * found by an interval check has no intent), linked to the records an operator reviews it by:
 * - what detected it and what that was caused by: the causationSeq path upwards (S06 check ←
 *   S05 position report, or S06 ← S05 ← … ← S01 in an intent's chain);
 * - what the detection did: the other records caused by the same check (S06 adjustment, S07
 *   trading state change) and anything caused by the incident record;
 * - what the operator did: records naming the incident id (acknowledgement, release of the
 *   trading state, resolution).
 * One streaming pass (`observe`), then `finish` links them from the record columns.
 */
import type { JournalRecord } from '../records/records.js';
import { INCIDENT_STATES, type CodeCount, type IncidentColumns, type IncidentState } from './data-types.js';
import type { Interner } from './interner.js';

/** Related records kept per incident; a causation tree with a larger fan-out is cut here. */
export const MAX_RELATED = 500;
/** Causation path length followed upwards (a chain S07 ← S06 ← S05 ← S04 ← S03 ← S02 ← S01 is 6). */
const MAX_DEPTH = 64;

interface Entry {
  readonly record: number;
  readonly code: string;
  readonly severity: string;
  readonly incidentId: string | null;
  readonly intent: number;
  readonly instrument: string | null;
  readonly faults: readonly number[];
}

export class IncidentIndex {
  private readonly entries: Entry[] = [];
  /** incident id → indices of the later records naming it (acknowledged, resolved, trading state). */
  private readonly refs = new Map<string, number[]>();
  /** instrument → fault_injected record indices since its last S06 check. */
  private readonly pendingFaults = new Map<string, number[]>();
  /** seq of an S06 check → the faults on its instrument before it (checks after a fault only). */
  private readonly faultsBeforeCheck = new Map<number, number[]>();

  /**
   * Takes record `i` of the journal (in seq order); `intent` is the index of the intent whose chain
   * holds it, -1 for none.
   */
  observe(i: number, r: JournalRecord, intent: number): void {
    if (r.type === 'S05.provider' && r.payload.kind === 'fault_injected' && r.payload.affects === null && r.instrument !== null) {
      let list = this.pendingFaults.get(r.instrument);
      if (!list) this.pendingFaults.set(r.instrument, (list = []));
      list.push(i);
      return;
    }
    if (r.type === 'S06.reconciliation' && r.payload.kind === 'reconciliation' && r.instrument !== null) {
      const pending = this.pendingFaults.get(r.instrument);
      if (pending) {
        this.faultsBeforeCheck.set(r.seq, pending);
        this.pendingFaults.delete(r.instrument);
      }
      return;
    }
    if (r.type !== 'S07.operator') return;
    const p = r.payload;
    if (p.kind === 'flag' || p.kind === 'incident_opened') {
      this.entries.push({
        record: i, code: p.code, severity: p.severity, incidentId: p.kind === 'incident_opened' ? p.incidentId : null,
        intent, instrument: r.instrument, faults: (r.causationSeq !== null && this.faultsBeforeCheck.get(r.causationSeq)) || [],
      });
      return;
    }
    const id = 'incidentId' in p ? p.incidentId : null;
    if (id) {
      let list = this.refs.get(id);
      if (!list) this.refs.set(id, (list = []));
      list.push(i);
    }
  }

  get count(): number {
    return this.entries.length;
  }

  /**
   * Links every flag and incident to its related records. `seq`, `cause` and `kind` are the
   * record columns (cause -1 for none, kind a string index into `str`).
   */
  finish(seq: readonly number[], cause: readonly number[], kind: readonly number[], str: Interner): IncidentColumns {
    const n = seq.length;
    const indexOf = seqIndex(seq);
    const parent = new Int32Array(n);
    const childCount = new Int32Array(n + 1);
    for (let j = 0; j < n; j++) {
      const c = cause[j]!;
      parent[j] = c < 0 ? -1 : indexOf(c);
      if (parent[j]! >= 0) childCount[parent[j]! + 1]!++;
    }
    for (let j = 0; j < n; j++) childCount[j + 1]! += childCount[j]!;
    const childOff = childCount;
    const children = new Int32Array(childOff[n]!);
    const fill = childOff.slice(0, n);
    for (let j = 0; j < n; j++) if (parent[j]! >= 0) children[fill[parent[j]!]!++] = j;

    const kindOf = (j: number): string => str.strings[kind[j]!] ?? '';
    const out: IncidentColumns = {
      record: [], code: [], severity: [], incidentId: [], state: [], intent: [], ack: [],
      chainOff: [0], chain: [], faultOff: [0], faults: [],
    };
    for (const e of this.entries) {
      const related = new Set<number>([e.record]);
      // Upwards: what detected it and what caused that.
      for (let a = parent[e.record]!, d = 0; a >= 0 && d < MAX_DEPTH; a = parent[a]!, d++) related.add(a);
      // Downwards from the incident and from the check that raised it: automatic actions, follow-ups.
      const queue: number[] = [e.record];
      if (parent[e.record]! >= 0) queue.push(parent[e.record]!);
      for (let q = 0; q < queue.length && related.size < MAX_RELATED; q++) {
        const from = queue[q]!;
        for (let c = childOff[from]!; c < childOff[from + 1]! && related.size < MAX_RELATED; c++) {
          const ch = children[c]!;
          if (!related.has(ch)) { related.add(ch); queue.push(ch); }
        }
      }
      let state: IncidentState = e.incidentId === null ? 'flag' : 'open';
      let ack = -1;
      for (const j of (e.incidentId !== null && this.refs.get(e.incidentId)) || []) {
        if (j < e.record) continue; // a reused id before this incident opened is not about it
        if (related.size < MAX_RELATED) related.add(j);
        const k = kindOf(j);
        if (k === 'incident_acknowledged' && state === 'open') { state = 'acknowledged'; ack = j; }
        if (k === 'incident_resolved') { state = 'resolved'; if (ack < 0) ack = j; }
      }
      out.record.push(e.record);
      out.code.push(str.id(e.code));
      out.severity.push(str.id(e.severity));
      out.incidentId.push(str.id(e.incidentId));
      out.state.push(INCIDENT_STATES.indexOf(state));
      out.intent.push(e.intent);
      out.ack.push(ack);
      for (const j of [...related].sort((x, y) => x - y)) out.chain.push(j);
      out.chainOff.push(out.chain.length);
      for (const f of e.faults) out.faults.push(f);
      out.faultOff.push(out.faults.length);
    }
    return out;
  }

  /**
   * Flags and incidents per failure code, with the number of intents carrying each code
   * (`intentCodes`: the codes of every intent's chain). Sorted by code.
   *
   * @example
   * index.codeCounts([['POSITION_DRIFT'], []]) // [{ code: 'POSITION_DRIFT', incidents: 187, withoutIntent: 186, intents: 1, … }]
   */
  codeCounts(intentCodes: Iterable<Iterable<string>>): CodeCount[] {
    const by = new Map<string, { incidents: number; flags: number; withoutIntent: number; intents: number; inst: Map<string, number> }>();
    const row = (code: string) => {
      let c = by.get(code);
      if (!c) by.set(code, (c = { incidents: 0, flags: 0, withoutIntent: 0, intents: 0, inst: new Map() }));
      return c;
    };
    for (const e of this.entries) {
      const c = row(e.code);
      if (e.incidentId === null) c.flags++; else c.incidents++;
      if (e.intent < 0) c.withoutIntent++;
      const k = e.instrument ?? '';
      c.inst.set(k, (c.inst.get(k) ?? 0) + 1);
    }
    for (const codes of intentCodes) for (const code of codes) row(code).intents++;
    return [...by.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([code, c]) => ({
      code, incidents: c.incidents, flags: c.flags, withoutIntent: c.withoutIntent, intents: c.intents,
      byInstrument: [...c.inst.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
    }));
  }
}

/** Record index of a seq (-1 when absent): direct for gap-free seqs, else a binary search. */
function seqIndex(seq: readonly number[]): (s: number) => number {
  const n = seq.length;
  if (n === 0) return () => -1;
  const first = seq[0]!;
  if (seq[n - 1]! - first === n - 1) return (s) => (s >= first && s - first < n ? s - first : -1);
  return (s) => {
    let lo = 0, hi = n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = seq[mid]!;
      if (v === s) return mid;
      if (v < s) lo = mid + 1; else hi = mid - 1;
    }
    return -1;
  };
}
