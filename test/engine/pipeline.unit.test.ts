import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseFixed } from '../../src/domain/fixed-point.js';
import { Engine } from '../../src/engine/engine.js';
import { MemoryJournal } from '../../src/journal/memory.js';
import type { JournalRecord } from '../../src/records/records.js';
import { makeBars, runEngine, testConfig } from '../support/engine.js';

const steps = fc.array(fc.integer({ min: -6, max: 6 }), { minLength: 30, maxLength: 160 });

/** Signed sum of distinct fills per instrument, read from the journal alone. */
function fillsByInstrument(records: readonly JournalRecord[], scale: (id: string) => number): Map<string, number> {
  const seen = new Set<string>();
  const sum = new Map<string, number>();
  for (const r of records) {
    if (r.type !== 'S05.provider' || (r.payload.kind !== 'fill' && r.payload.kind !== 'partial_fill')) continue;
    if (seen.has(r.payload.execId)) continue;
    seen.add(r.payload.execId);
    const q = parseFixed(r.payload.lastQty, scale(r.instrument!)) * (r.payload.side === 'buy' ? 1 : -1);
    sum.set(r.instrument!, (sum.get(r.instrument!) ?? 0) + q);
  }
  return sum;
}

describe('pipeline invariants (real engine, simulated venue, in-memory journal)', () => {
  const cfg = testConfig();
  const scale = (id: string) => cfg.instrumentById.get(id)!.sizeScale;

  it('property: provider-confirmed position = sum of fills in the journal = expected; no drift without faults', () => {
    fc.assert(fc.property(steps, (s) => {
      const { engine, journal } = runEngine(cfg, makeBars(cfg, s));
      const fills = fillsByInstrument(journal.all(), scale);
      for (const inst of cfg.instruments) {
        const pos = engine.state.execution.positions.get(`acct-1|${inst.id}`);
        expect(pos?.confirmed ?? 0).toBe(fills.get(inst.id) ?? 0);
        expect(pos?.expected ?? 0).toBe(pos?.confirmed ?? 0);
      }
      expect(engine.counts.drifts).toBe(0);
      expect(journal.all().some((r) => r.type === 'S07.operator' && r.payload.kind === 'incident_opened' && r.payload.code === 'POSITION_DRIFT')).toBe(false);
    }), { numRuns: 40 });
  });

  it('property: every order fills at most its quantity and every S03 precedes its S04', () => {
    fc.assert(fc.property(steps, (s) => {
      const { journal } = runEngine(cfg, makeBars(cfg, s));
      const ordered = new Map<string, number>();
      const filled = new Map<string, number>();
      const riskSeqOf = new Map<string, number>();
      for (const r of journal.all()) {
        if (r.type === 'S03.risk' && r.payload.decision === 'accepted') riskSeqOf.set(r.payload.order.clientOrderId, r.seq);
        if (r.type === 'S04.order' && r.payload.kind !== 'cancel') {
          expect(riskSeqOf.get(r.payload.clientOrderId)).toBe(r.causationSeq);
          ordered.set(r.payload.clientOrderId, parseFixed(r.payload.quantity, scale(r.instrument!)));
        }
        if (r.type === 'S05.provider' && (r.payload.kind === 'fill' || r.payload.kind === 'partial_fill')) {
          expect(parseFixed(r.payload.cumQty, scale(r.instrument!))).toBeLessThanOrEqual(ordered.get(r.payload.clientOrderId)!);
          filled.set(r.payload.clientOrderId, (filled.get(r.payload.clientOrderId) ?? 0) + parseFixed(r.payload.lastQty, scale(r.instrument!)));
        }
        if (r.type === 'S05.provider' && r.payload.kind === 'replaced') {
          ordered.set(r.payload.clientOrderId, parseFixed(r.payload.cumQty, scale(r.instrument!)) + parseFixed(r.payload.leavesQty, scale(r.instrument!)));
          filled.set(r.payload.clientOrderId, filled.get(r.payload.origClientOrderId!) ?? 0);
        }
      }
      for (const [id, q] of filled) expect(q).toBeLessThanOrEqual(ordered.get(id)!);
    }), { numRuns: 30 });
  });

  it('property: replay is deterministic — same inputs give the same head hash, and folding the journal rebuilds the same state', () => {
    fc.assert(fc.property(steps, (s) => {
      const bars = makeBars(cfg, s);
      const a = runEngine(cfg, bars);
      const b = runEngine(cfg, bars);
      expect(b.journal.headHash()).toBe(a.journal.headHash());
      const folded = new Engine({ config: cfg, journal: new MemoryJournal() });
      for (const r of a.journal.all()) folded.restore(r);
      expect(folded.state).toEqual(a.engine.state);
      expect(folded.counts).toEqual({ ...a.engine.counts, marketEvents: 0 });
    }), { numRuns: 20 });
  });

  it('chains every intent S01 -> S02 -> S03 -> S04 -> S05 -> S06 by correlationId and causationSeq', () => {
    const { journal } = runEngine(cfg, makeBars(cfg, Array.from({ length: 120 }, (_, i) => Math.round(4 * Math.sin(i / 7)))));
    const records = journal.all();
    const bySeq = new Map(records.map((r) => [r.seq, r]));
    const filledIntent = records.find((r) => r.type === 'S05.provider' && r.payload.kind === 'fill')!.correlationId!;
    const chain = records.filter((r) => r.correlationId === filledIntent);
    const types = chain.map((r) => r.type);
    for (const t of ['S01.intent', 'S02.desired', 'S03.risk', 'S04.order', 'S05.provider', 'S06.reconciliation'] as const) expect(types).toContain(t);
    for (const r of chain) if (r.causationSeq !== null) expect(bySeq.get(r.causationSeq)!.seq).toBeLessThan(r.seq);
  });
});

describe('interval reconciliation passes', () => {
  it('journal one pass record per interval; unchanged pairs are counted quiet, not repeated, and replay still rebuilds the state', () => {
    const cfg = testConfig();
    // A long flat stretch: no intents after the first crossings, so most interval checks are quiet.
    const steps = [...Array.from({ length: 40 }, (_, i) => (i < 20 ? 3 : -3)), ...Array.from({ length: 200 }, () => 0)];
    const { engine, journal } = runEngine(cfg, makeBars(cfg, steps));
    const passes = journal.all().filter((r) => r.type === 'S06.reconciliation' && r.payload.kind === 'pass');
    expect(passes.length).toBeGreaterThan(10);
    const quiet = passes.reduce((n, r) => n + (r.payload.kind === 'pass' ? r.payload.quiet : 0), 0);
    expect(quiet).toBeGreaterThan(passes.length);
    for (const r of passes) if (r.payload.kind === 'pass') expect(r.payload.checked).toBe(r.payload.pairs);
    const folded = new Engine({ config: cfg, journal: new MemoryJournal() });
    for (const r of journal.all()) folded.restore(r);
    expect(folded.state.recon.positions).toEqual(engine.state.recon.positions);
  });
});
