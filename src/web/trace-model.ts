/**
 * Builds the trace page's embedded data from journal records in one streaming pass: record
 * columns, intent chains with derived status, every flag and incident with its related records,
 * and the state change log.
 */
import { FAILURE_CATALOG } from '../operator/catalog.js';
import { isOrderReport, RECORD_TYPES, type JournalRecord } from '../records/records.js';
import {
  DATA_FORMAT_VERSION, INTENT_STATUSES, type IntentColumns, type PageIntegrity, type RecordColumns, UNCHECKED_INTEGRITY, type RunInfo, type StateLog, type TraceData,
} from './data-types.js';
import { IncidentIndex } from './incident-index.js';
import { IntentAccumulator } from './intent-status.js';
import { Interner } from './interner.js';
import { StateFolder } from './state-fold.js';

const TYPE_INDEX = new Map<string, number>(RECORD_TYPES.map((t, i) => [t, i]));

interface IntentBuild {
  readonly index: number;
  readonly id: string;
  account: string;
  instrument: string | null;
  strategy: string | null;
  ask: string;
  readonly chain: number[];
  readonly acc: IntentAccumulator;
}

/** Signed display of an exact decimal string without arithmetic: "2" → "+2". */
function signed(q: string): string {
  return q.startsWith('-') || q.startsWith('+') || /^0*(\.0*)?$/.test(q) ? q : '+' + q;
}

function clientOrderIdOf(r: JournalRecord): string | null {
  if (r.type === 'S04.order') return r.payload.clientOrderId;
  if (r.type === 'S05.provider') {
    const p = r.payload;
    return p.kind === 'fault_injected' ? p.affects : isOrderReport(p) ? p.clientOrderId : p.kind === 'send_failed' ? p.clientOrderId : null;
  }
  if (r.type === 'S03.risk') return r.payload.order.clientOrderId;
  return null;
}

export interface TraceOptions {
  readonly title?: string;
  /** Where the records came from (journal path), shown in the header. */
  readonly source?: string;
  /** What verification said of the journal; none: not checked. */
  readonly integrity?: PageIntegrity;
}

export function buildTraceData(records: Iterable<JournalRecord>, opts: TraceOptions = {}): TraceData {
  const str = new Interner();
  const rc = {
    seq: [] as number[], tsDelta: [] as number[], type: [] as number[], kind: [] as number[], account: [] as number[],
    instrument: [] as number[], corr: [] as number[], cause: [] as number[], hash: [] as string[], payload: [] as string[],
  } satisfies RecordColumns;
  const state = {
    keyAccount: [] as number[], keyInstrument: [] as number[], seq: [] as number[], key: [] as number[],
    field: [] as number[], value: [] as number[], values: [] as string[],
  } satisfies StateLog;
  const values = new Interner();
  const folder = new StateFolder((seq, key, field, value) => {
    state.seq.push(seq);
    state.key.push(key);
    state.field.push(field);
    state.value.push(values.id(value));
  });
  const intents: IntentBuild[] = [];
  const intentOf = new Map<string, IntentBuild>();
  const orderIntent = new Map<string, IntentBuild>();
  const incidents = new IncidentIndex();
  let run: RunInfo | null = null;
  let prevTs = 0;
  let firstTs = 0;
  let headHash = '';
  let lastSeq = 0;

  const intentFor = (id: string, r: JournalRecord): IntentBuild => {
    let it = intentOf.get(id);
    if (!it) {
      it = { index: intents.length, id, account: r.account, instrument: r.instrument, strategy: null, ask: '', chain: [], acc: new IntentAccumulator() };
      intentOf.set(id, it);
      intents.push(it);
    }
    return it;
  };

  let i = 0;
  for (const r of records) {
    if (firstTs === 0 && r.ts > 0) firstTs = r.ts; // a run record may carry ts 0
    rc.seq.push(r.seq);
    rc.tsDelta.push(r.ts - prevTs);
    prevTs = r.ts;
    rc.type.push(TYPE_INDEX.get(r.type) ?? -1);
    rc.kind.push(str.id(r.payload.kind));
    rc.account.push(str.id(r.account));
    rc.instrument.push(str.id(r.instrument));
    rc.corr.push(str.id(r.correlationId));
    rc.cause.push(r.causationSeq ?? -1);
    rc.hash.push(r.hash.slice(0, 16));
    rc.payload.push(JSON.stringify(r.payload));
    headHash = r.hash;
    lastSeq = r.seq;

    if (r.type === 'S00.run') run = runInfo(run, r);
    folder.apply(r);

    const coid = clientOrderIdOf(r);
    let it: IntentBuild | undefined;
    if (r.correlationId !== null) it = intentFor(r.correlationId, r);
    else if (coid !== null) it = orderIntent.get(coid);
    if (it) {
      if (coid !== null && !orderIntent.has(coid)) orderIntent.set(coid, it);
      it.chain.push(i);
      it.acc.add(r);
      if (r.type === 'S01.intent') {
        it.strategy = r.payload.strategyId;
        it.instrument = r.instrument;
        it.account = r.account;
        it.ask = `${r.payload.mode} ${signed(r.payload.quantity)}`;
      }
      if (it.instrument === null && r.instrument !== null) it.instrument = r.instrument;
    }
    incidents.observe(i, r, it ? it.index : -1);
    i++;
  }

  for (const s of folder.keys) {
    state.keyAccount.push(str.id(s.account));
    state.keyInstrument.push(str.id(s.instrument));
  }
  for (const v of values.strings) state.values.push(v);

  const ic = {
    id: [] as number[], instrument: [] as number[], account: [] as number[], strategy: [] as number[], status: [] as number[],
    ask: [] as string[], chainOff: [0] as number[], chain: [] as number[], codeOff: [0] as number[], codes: [] as number[],
    orderIds: [] as string[],
  } satisfies IntentColumns;
  for (const it of intents) {
    ic.id.push(str.id(it.id));
    ic.instrument.push(str.id(it.instrument));
    ic.account.push(str.id(it.account));
    ic.strategy.push(str.id(it.strategy));
    ic.status.push(INTENT_STATUSES.indexOf(it.acc.status()));
    ic.ask.push(it.ask);
    for (const x of it.chain) ic.chain.push(x);
    ic.chainOff.push(ic.chain.length);
    for (const c of it.acc.codes) ic.codes.push(str.id(c));
    ic.codeOff.push(ic.codes.length);
    ic.orderIds.push([...it.acc.orderIds].join(' '));
  }

  // Interns codes and incident ids: before `strings` is handed out.
  const incidentColumns = incidents.finish(rc.seq, rc.cause, rc.kind, str);
  return {
    format: DATA_FORMAT_VERSION,
    title: opts.title ?? 'Reckon trace',
    source: opts.source ?? '',
    run,
    head: { lastSeq, headHash, firstTs, lastTs: prevTs, count: i },
    strings: str.strings,
    records: rc,
    intents: ic,
    incidents: incidentColumns,
    codes: incidents.codeCounts(intents.map((it) => it.acc.codes)),
    state,
    catalog: FAILURE_CATALOG,
    integrity: opts.integrity ?? UNCHECKED_INTEGRITY,
  };
}

/** Run facts from the S00 records (started, then completed). */
export function runInfo(prev: RunInfo | null, r: Extract<JournalRecord, { type: 'S00.run' }>): RunInfo {
  const base: RunInfo = prev ?? { runId: null, mode: null, dataName: null, reckonVersion: null, seed: null, configHash: null, completed: false };
  const p = r.payload;
  if (p.kind === 'run_started') {
    return { ...base, runId: p.runId, mode: p.mode, dataName: p.data.name, reckonVersion: p.reckonVersion, seed: p.seed, configHash: p.configHash };
  }
  return { ...base, completed: true };
}
