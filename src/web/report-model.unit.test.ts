import { describe, expect, it } from 'vitest';
import { generateJournal } from '../../test/browser/fixtures.js';
import { integrityProblems } from './commands.js';
import { buildReportData } from './report-model.js';

const DRIFTS = 7;
const g = generateJournal(300, 5, 5 * 60_000, { externalDrifts: DRIFTS });

describe('report: incidents and flags by code', () => {
  const data = buildReportData({ records: g.records });

  it('counts incidents and flags per code, those without an intent and per instrument', () => {
    const drift = data.incidents.find((r) => r.code === 'POSITION_DRIFT')!;
    const opened = g.records.filter((r) => r.type === 'S07.operator' && r.payload.kind === 'incident_opened');
    expect(drift.incidents).toBe(opened.length);
    expect(drift.withoutIntent).toBe(DRIFTS);
    expect(drift.byInstrument.reduce((s, [, n]) => s + n, 0)).toBe(drift.incidents + drift.flags);
    expect(drift.intents.length).toBe(Math.min(20, new Set(opened.filter((r) => r.correlationId).map((r) => r.correlationId)).size));
    expect(data.flagsTotal).toBe(data.incidents.reduce((s, r) => s + r.flags + r.incidents, 0));
  });

  it('names each flag row by its incident id (or none for a flag), so the trace can open it', () => {
    const rows = data.flags.filter((f) => f.code === 'POSITION_DRIFT');
    expect(rows.length).toBeGreaterThan(DRIFTS);
    for (const f of rows) expect(f.incidentId).toMatch(/POSITION_DRIFT$|^inc-/);
    for (const f of data.flags.filter((x) => x.code === 'RISK_REJECTED')) expect(f.incidentId).toBeNull();
  });

  it('embeds the integrity it was given, unchecked by default', () => {
    expect(data.integrity).toEqual({ verification: null, unreadable: null });
    const bad = { verification: { ok: false as const, firstBadSeq: 42, reason: 'seq 42: hash mismatch (record altered)' }, unreadable: null };
    expect(buildReportData({ records: g.records, integrity: bad }).integrity).toEqual(bad);
  });
});

describe('integrity problems', () => {
  it('says nothing for a verified or unchecked journal', () => {
    expect(integrityProblems({ verification: { ok: true }, unreadable: null })).toEqual([]);
    expect(integrityProblems({ verification: null, unreadable: null })).toEqual([]);
  });

  it('names the first bad seq and the reason once, and an early end of reading', () => {
    expect(integrityProblems({ verification: { ok: false, firstBadSeq: 42, reason: 'seq 42: hash mismatch (record altered)' }, unreadable: { lastReadSeq: 41, reason: 'record after seq 41 cannot be read: bad JSON' } })).toEqual([
      'fails verification at seq 42: hash mismatch (record altered)',
      'could not be read to its end (record after seq 41 cannot be read: bad JSON); the page shows the records up to seq 41',
    ]);
  });
});
