/**
 * The trace data in memory: record accessors (timestamps rebuilt from deltas, payloads parsed on
 * demand), intent and incident filtering and search, and the lookups the views need.
 */
import { INCIDENT_STATES, INTENT_STATUSES, type CodeCount, type IncidentState, type IntentStatus, type TraceData } from '../../../src/web/data-types';

const RECORD_TYPES = ['S00.run', 'S01.intent', 'S02.desired', 'S03.risk', 'S04.order', 'S05.provider', 'S06.reconciliation', 'S07.operator'];

export interface RecordView {
  readonly index: number;
  readonly seq: number;
  readonly ts: number;
  readonly type: string;
  readonly kind: string;
  readonly account: string;
  readonly instrument: string | null;
  readonly correlationId: string | null;
  readonly causationSeq: number | null;
  readonly hash: string;
  readonly payload: Record<string, unknown>;
}

/**
 * The list filters of the Intents view. Instrument, code and query apply to both lists; strategy
 * and status to intents; state and link (tied to an intent or not) to incidents and flags.
 */
export interface IntentFilter {
  readonly instrument: string;
  readonly strategy: string;
  readonly status: string;
  readonly code: string;
  readonly query: string;
  /** Incident state: open, acknowledged, resolved, flag; '' for any. */
  readonly state: string;
  /** 'none': not tied to an intent, 'intent': tied to one, '': either. */
  readonly link: string;
}

export const EMPTY_FILTER: IntentFilter = { instrument: '', strategy: '', status: '', code: '', query: '', state: '', link: '' };

/** Flags and incidents per (code, instrument) among a list's rows, most first. */
export interface IncidentGroup {
  readonly code: string;
  readonly instrument: string;
  readonly count: number;
}

export class TraceModel {
  readonly ts: Float64Array;
  readonly intentCount: number;
  private readonly payloads = new Map<number, Record<string, unknown>>();
  private readonly intentById = new Map<string, number>();
  private readonly indexBySeq: Map<number, number> | null;
  private readonly search: string[];
  readonly instruments: string[];
  readonly strategies: string[];
  /** Every failure code of the journal (intents, flags and incidents), sorted. */
  readonly codes: string[];
  readonly incidentCount: number;
  private readonly codeCounts: Map<string, CodeCount>;
  private readonly incidentById = new Map<string, number>();
  private readonly incidentBySeq = new Map<number, number>();
  private readonly incidentSearch: string[];

  constructor(readonly data: TraceData) {
    const r = data.records;
    this.ts = new Float64Array(r.tsDelta.length);
    let t = 0;
    for (let i = 0; i < r.tsDelta.length; i++) { t += r.tsDelta[i]; this.ts[i] = t; }
    const contiguous = r.seq.length === 0 || r.seq[r.seq.length - 1] - r.seq[0] === r.seq.length - 1;
    this.indexBySeq = contiguous ? null : new Map(r.seq.map((s, i) => [s, i]));
    const it = data.intents;
    this.intentCount = it.id.length;
    this.search = new Array<string>(this.intentCount);
    const inst = new Set<string>();
    const strat = new Set<string>();
    const codes = new Set<string>();
    for (let i = 0; i < this.intentCount; i++) {
      const id = data.strings[it.id[i]];
      this.intentById.set(id, i);
      this.search[i] = (id + ' ' + it.orderIds[i]).toLowerCase();
      if (it.instrument[i] >= 0) inst.add(data.strings[it.instrument[i]]);
      if (it.strategy[i] >= 0) strat.add(data.strings[it.strategy[i]]);
      for (let c = it.codeOff[i]; c < it.codeOff[i + 1]; c++) codes.add(data.strings[it.codes[c]]);
    }
    const inc = data.incidents;
    this.incidentCount = inc.record.length;
    this.incidentSearch = new Array<string>(this.incidentCount);
    for (let k = 0; k < this.incidentCount; k++) {
      const id = this.str(inc.incidentId[k]);
      if (id !== null) this.incidentById.set(id, k);
      const rec = inc.record[k];
      this.incidentBySeq.set(r.seq[rec], k);
      if (r.instrument[rec] >= 0) inst.add(data.strings[r.instrument[rec]]);
      const intent = inc.intent[k] >= 0 ? data.strings[it.id[inc.intent[k]]] : '';
      this.incidentSearch[k] = `${id ?? ''} ${data.strings[inc.code[k]]} ${intent} ${r.payload[rec]}`.toLowerCase();
    }
    for (const c of data.codes) codes.add(c.code);
    this.codeCounts = new Map(data.codes.map((c) => [c.code, c]));
    this.instruments = [...inst].sort();
    this.strategies = [...strat].sort();
    this.codes = [...codes].sort();
  }

  /** How often the journal has a code: incidents, flags, without an intent, intents carrying it. */
  codeCount(code: string): CodeCount | undefined {
    return this.codeCounts.get(code);
  }

  /** Whether a record with exactly this seq is in the journal. */
  hasSeq(seq: number): boolean {
    if (!Number.isInteger(seq)) return false;
    const i = this.indexOfSeq(seq);
    return i >= 0 && this.data.records.seq[i] === seq;
  }

  str(i: number): string | null {
    return i < 0 ? null : this.data.strings[i];
  }

  get recordCount(): number {
    return this.data.records.seq.length;
  }

  /** Record index of a seq, or the last record at or before it. */
  indexOfSeq(seq: number): number {
    const r = this.data.records.seq;
    if (r.length === 0) return -1;
    if (!this.indexBySeq) return Math.max(-1, Math.min(r.length - 1, seq - r[0]));
    const exact = this.indexBySeq.get(seq);
    if (exact !== undefined) return exact;
    let lo = 0, hi = r.length - 1, ans = -1;
    while (lo <= hi) { const mid = (lo + hi) >> 1; if (r[mid] <= seq) { ans = mid; lo = mid + 1; } else hi = mid - 1; }
    return ans;
  }

  payload(i: number): Record<string, unknown> {
    let p = this.payloads.get(i);
    if (!p) {
      p = JSON.parse(this.data.records.payload[i]) as Record<string, unknown>;
      if (this.payloads.size > 5000) this.payloads.clear();
      this.payloads.set(i, p);
    }
    return p;
  }

  record(i: number): RecordView {
    const r = this.data.records;
    const cause = r.cause[i];
    return {
      index: i, seq: r.seq[i], ts: this.ts[i], type: RECORD_TYPES[r.type[i]] ?? '?', kind: this.str(r.kind[i]) ?? '',
      account: this.str(r.account[i]) ?? '', instrument: this.str(r.instrument[i]), correlationId: this.str(r.corr[i]),
      causationSeq: cause < 0 ? null : cause, hash: r.hash[i], payload: this.payload(i),
    };
  }

  typeOf(i: number): string {
    return RECORD_TYPES[this.data.records.type[i]] ?? '?';
  }

  intentIndex(id: string): number {
    return this.intentById.get(id) ?? -1;
  }

  intentId(i: number): string {
    return this.data.strings[this.data.intents.id[i]];
  }

  intentStatus(i: number): IntentStatus {
    return INTENT_STATUSES[this.data.intents.status[i]];
  }

  intentCodes(i: number): string[] {
    const it = this.data.intents;
    const out: string[] = [];
    for (let c = it.codeOff[i]; c < it.codeOff[i + 1]; c++) out.push(this.data.strings[it.codes[c]]);
    return out;
  }

  chain(i: number): number[] {
    const it = this.data.intents;
    return it.chain.slice(it.chainOff[i], it.chainOff[i + 1]);
  }

  /** First timestamp of an intent's chain. */
  intentTs(i: number): number {
    const it = this.data.intents;
    return it.chainOff[i] < it.chainOff[i + 1] ? this.ts[it.chain[it.chainOff[i]]] : 0;
  }

  /** Intent indices matching a filter, in journal order. */
  filter(f: IntentFilter): Int32Array {
    const it = this.data.intents;
    const s = this.data.strings;
    const status = f.status ? INTENT_STATUSES.indexOf(f.status as IntentStatus) : -1;
    const q = f.query.trim().toLowerCase();
    const out = new Int32Array(this.intentCount);
    let n = 0;
    for (let i = 0; i < this.intentCount; i++) {
      if (f.instrument && s[it.instrument[i]] !== f.instrument) continue;
      if (f.strategy && s[it.strategy[i]] !== f.strategy) continue;
      if (status >= 0 && it.status[i] !== status) continue;
      if (f.code) {
        let has = false;
        for (let c = it.codeOff[i]; c < it.codeOff[i + 1]; c++) if (s[it.codes[c]] === f.code) { has = true; break; }
        if (!has) continue;
      }
      if (q && !this.search[i].includes(q)) continue;
      out[n++] = i;
    }
    return out.subarray(0, n);
  }

  /** The URL key of an incident: its incident id, or the seq of a flag. */
  incidentKey(k: number): string {
    return this.str(this.data.incidents.incidentId[k]) ?? String(this.data.records.seq[this.data.incidents.record[k]]);
  }

  /** Incident by incident id, or a flag or incident by the seq of its record; -1 when absent. */
  incidentIndex(key: string): number {
    const byId = this.incidentById.get(key);
    if (byId !== undefined) return byId;
    return /^\d+$/.test(key) ? this.incidentBySeq.get(Number(key)) ?? -1 : -1;
  }

  incidentState(k: number): IncidentState {
    return INCIDENT_STATES[this.data.incidents.state[k]];
  }

  incidentCode(k: number): string {
    return this.data.strings[this.data.incidents.code[k]];
  }

  /** Related records of an incident (causes, automatic actions, operator actions), in seq order. */
  incidentChain(k: number): number[] {
    const inc = this.data.incidents;
    return inc.chain.slice(inc.chainOff[k], inc.chainOff[k + 1]);
  }

  /** Simulated faults on the incident's instrument before the check that raised it. */
  incidentFaults(k: number): number[] {
    const inc = this.data.incidents;
    return inc.faults.slice(inc.faultOff[k], inc.faultOff[k + 1]);
  }

  /** Flags and incidents matching a filter (code, instrument, state, link, query), in journal order. */
  filterIncidents(f: IntentFilter): Int32Array {
    const inc = this.data.incidents;
    const s = this.data.strings;
    const ins = this.data.records.instrument;
    const state = f.state ? INCIDENT_STATES.indexOf(f.state as IncidentState) : -1;
    const q = f.query.trim().toLowerCase();
    const out = new Int32Array(this.incidentCount);
    let n = 0;
    for (let k = 0; k < this.incidentCount; k++) {
      if (f.code && s[inc.code[k]] !== f.code) continue;
      if (f.instrument && s[ins[inc.record[k]]] !== f.instrument) continue;
      if (state >= 0 && inc.state[k] !== state) continue;
      if (f.link === 'none' && inc.intent[k] >= 0) continue;
      if (f.link === 'intent' && inc.intent[k] < 0) continue;
      if (q && !this.incidentSearch[k].includes(q)) continue;
      out[n++] = k;
    }
    return out.subarray(0, n);
  }

  /** (code, instrument) groups of some incident rows, most first. */
  incidentGroups(rows: Int32Array): IncidentGroup[] {
    const inc = this.data.incidents;
    const ins = this.data.records.instrument;
    const by = new Map<string, IncidentGroup>();
    for (const k of rows) {
      const code = this.data.strings[inc.code[k]];
      const instrument = this.str(ins[inc.record[k]]) ?? '';
      const key = code + '\u0000' + instrument;
      const g = by.get(key);
      by.set(key, { code, instrument, count: (g?.count ?? 0) + 1 });
    }
    return [...by.values()].sort((a, b) => b.count - a.count || (a.code + a.instrument < b.code + b.instrument ? -1 : 1));
  }

  /** Count of intents per status (for the filter chips). */
  statusCounts(): number[] {
    const counts = INTENT_STATUSES.map(() => 0);
    for (const s of this.data.intents.status) counts[s]++;
    return counts;
  }
}
