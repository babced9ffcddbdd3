import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateJournal } from '../../test/browser/fixtures.js';
import { MemoryJournal } from '../journal/memory.js';
import type { AnyDraft, JournalRecord } from '../records/records.js';
import { INCIDENT_STATES, type TraceData } from './data-types.js';
import { MAX_RELATED } from './incident-index.js';
import { buildTraceData } from './trace-model.js';

const DRIFTS = 9;
const g = generateJournal(400, 7, 5 * 60_000, { externalDrifts: DRIFTS });
const data = buildTraceData(g.records);

const isIncident = (r: JournalRecord) => r.type === 'S07.operator' && (r.payload.kind === 'flag' || r.payload.kind === 'incident_opened');
const related = (d: TraceData, k: number) => d.incidents.chain.slice(d.incidents.chainOff[k], d.incidents.chainOff[k + 1]);
const kinds = (d: TraceData, k: number) => related(d, k).map((i) => d.strings[d.records.kind[i]!]);
const stateOf = (d: TraceData, k: number) => INCIDENT_STATES[d.incidents.state[k]!];
const byId = (d: TraceData, id: string) => d.incidents.incidentId.findIndex((s) => d.strings[s] === id);

describe('incidents and flags in the trace data', () => {
  it('lists every S07 flag and incident once, tied to an intent or not, in journal order', () => {
    const expected = g.records.filter(isIncident).map((r) => r.seq);
    expect(data.incidents.record.map((i) => data.records.seq[i])).toEqual(expected);
    const withoutIntent = data.incidents.intent.filter((x) => x < 0).length;
    expect(withoutIntent).toBe(DRIFTS);
  });

  it('given a drift found by an interval check, links the report, the check, what ran automatically and the operator', () => {
    // Given the first external drift (acknowledged) and the second (left open)
    const first = data.incidents.intent.findIndex((x) => x < 0);
    const second = data.incidents.intent.findIndex((x, k) => x < 0 && k > first);
    // Then: the causes (position report ← check), the automatic actions, the ack and the release
    expect(kinds(data, first)).toEqual(['position_report', 'reconciliation', 'adjustment', 'incident_opened', 'trading_state_changed', 'incident_acknowledged', 'trading_state_changed']);
    expect(stateOf(data, first)).toBe('acknowledged');
    expect(data.strings[data.records.kind[data.incidents.ack[first]!]!]).toBe('incident_acknowledged');
    expect(kinds(data, second)).toEqual(['position_report', 'reconciliation', 'adjustment', 'incident_opened', 'trading_state_changed']);
    expect(stateOf(data, second)).toBe('open');
    expect(data.incidents.ack[second]).toBe(-1);
    // The simulated fault before the check is context, not part of the causal records.
    const faults = data.incidents.faults.slice(data.incidents.faultOff[first], data.incidents.faultOff[first + 1]);
    expect(faults.map((i) => data.strings[data.records.kind[i]!])).toEqual(['fault_injected']);
    expect(faults[0]).toBe(related(data, first)[0]! - 1);
  });

  it('given an incident in an intent chain, follows causation up to the intent', () => {
    const k = data.incidents.intent.findIndex((x, i) => x >= 0 && data.strings[data.incidents.code[i]!] === 'POSITION_DRIFT');
    expect(k).toBeGreaterThanOrEqual(0);
    const chain = related(data, k);
    expect(data.records.type[chain[0]!]).toBe(1); // S01.intent
    const intent = data.incidents.intent[k]!;
    const intentChain = new Set(data.intents.chain.slice(data.intents.chainOff[intent], data.intents.chainOff[intent + 1]));
    for (const i of chain) expect(intentChain.has(i), `record ${data.records.seq[i]}`).toBe(true);
    expect(kinds(data, k)).toContain('incident_acknowledged');
    expect(stateOf(data, k)).toBe('acknowledged');
  });

  it('flags have no lifecycle', () => {
    const flags = data.incidents.incidentId.map((s, k) => (s < 0 ? k : -1)).filter((k) => k >= 0);
    expect(flags.length).toBeGreaterThan(0);
    for (const k of flags) { expect(stateOf(data, k)).toBe('flag'); expect(data.incidents.ack[k]).toBe(-1); }
  });

  it('counts flags and incidents per code, with and without an intent, and per instrument', () => {
    const drift = data.codes.find((c) => c.code === 'POSITION_DRIFT')!;
    const opened = g.records.filter((r) => r.type === 'S07.operator' && r.payload.kind === 'incident_opened' && r.payload.code === 'POSITION_DRIFT');
    expect(drift.incidents).toBe(opened.length);
    expect(drift.flags).toBe(0);
    expect(drift.withoutIntent).toBe(DRIFTS);
    expect(drift.intents).toBe(new Set(opened.filter((r) => r.correlationId).map((r) => r.correlationId)).size);
    expect(drift.byInstrument.reduce((s, [, n]) => s + n, 0)).toBe(opened.length);
    for (const c of data.codes) {
      const recs = g.records.filter((r) => isIncident(r) && 'code' in r.payload && r.payload.code === c.code);
      expect(c.incidents + c.flags, c.code).toBe(recs.length);
    }
    expect(data.codes.map((c) => c.code)).toEqual([...data.codes.map((c) => c.code)].sort());
  });

  it('links by seq when the journal has a gap (a row deleted from the file)', () => {
    const id = data.strings[data.incidents.incidentId[data.incidents.intent.findIndex((x) => x < 0)]!]!;
    const opened = g.records.find((r) => r.type === 'S07.operator' && r.payload.kind === 'incident_opened' && r.payload.incidentId === id)!;
    const gapped = buildTraceData(g.records.filter((r) => r.seq !== opened.seq - 3)); // the position report is gone
    const k = byId(gapped, id);
    expect(kinds(gapped, k)).toEqual(['reconciliation', 'adjustment', 'incident_opened', 'trading_state_changed', 'incident_acknowledged', 'trading_state_changed']);
  });

  it('cuts a causation tree with a huge fan-out at MAX_RELATED records', () => {
    const j = new MemoryJournal();
    const base = { ts: 1, account: 'a', instrument: 'X', correlationId: null } as const;
    const check = j.append({ ...base, type: 'S06.reconciliation', causationSeq: null, payload: { kind: 'reconciliation', trigger: 'interval', desired: '0', expected: '0', confirmed: '1', working: '0', residual: '-1', drift: '-1', classification: 'DRIFT', residualSinceTs: null } } as AnyDraft);
    j.append({ ...base, type: 'S07.operator', causationSeq: check.seq, payload: { kind: 'incident_opened', incidentId: 'I-1', code: 'POSITION_DRIFT', severity: 'critical', message: 'm', details: {} } } as AnyDraft);
    for (let n = 0; n < MAX_RELATED * 2; n++) {
      j.append({ ...base, type: 'S07.operator', causationSeq: check.seq, payload: { kind: 'flag', code: 'RESIDUAL_UNEXPLAINED', severity: 'warning', message: 'm', details: {} } } as AnyDraft);
    }
    const d = buildTraceData(j.all());
    expect(related(d, byId(d, 'I-1')).length).toBe(MAX_RELATED);
  });

  it('property: every list of related records is ascending, holds its own record and every record naming the incident', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 12 }), (seed, drifts) => {
      const gen = generateJournal(40, seed, 5 * 60_000, { externalDrifts: drifts });
      const d = buildTraceData(gen.records);
      for (let k = 0; k < d.incidents.record.length; k++) {
        const chain = related(d, k);
        for (let x = 1; x < chain.length; x++) expect(chain[x]!).toBeGreaterThan(chain[x - 1]!);
        expect(chain).toContain(d.incidents.record[k]);
        const id = d.strings[d.incidents.incidentId[k]!];
        if (id === undefined) continue;
        gen.records.forEach((r, i) => { if ('incidentId' in r.payload && r.payload.incidentId === id) expect(chain).toContain(i); });
      }
      expect(d.incidents.intent.filter((x) => x < 0).length).toBe(drifts);
    }), { numRuns: 25 });
  });
});
