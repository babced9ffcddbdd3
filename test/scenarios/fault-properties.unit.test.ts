/**
 * Property and fault-matrix tests (issue item 6): random bar sequences, random target intents and
 * random faults through the real Engine. Invariants:
 * - after reconciliation, expected = confirmed = provider truth for every instrument;
 * - every truth-changing fault yields its incident exactly once (unknown order, missing order,
 *   outage), drift incidents = adjustments, and the adjustments add up to exactly the changes of
 *   provider truth no event explained (external changes, unknown fills, fills lost in a gap);
 * - fault-free runs and runs with only non-truth-changing faults have no drift incident;
 * - order status follows the provider and never regresses;
 * - replaying a resulting journal is deterministic (same head hash; its fold is the engine's state).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseFixed } from '../../src/domain/fixed-point.js';
import { TERMINAL } from '../../src/execution/order-lifecycle.js';
import { FAULT_KINDS, type FaultKind, type JournalRecord } from '../../src/records/records.js';
import { foldJournal, positionView } from '../../src/scenario/journal-view.js';
import { runFaultCase, type FaultCase, type FaultRun } from './fault-harness.js';
import { AsyncGateway } from '../../src/provider/sim/async-gateway.js';
import type { EventTimeGateway } from '../../src/provider/gateway.js';

const TRUTH_CHANGING: ReadonlySet<FaultKind> = new Set(['external-position-change', 'unknown-order-at-provider', 'disconnect-with-gap']);

const caseArb = (kinds: fc.Arbitrary<FaultKind[]>): fc.Arbitrary<FaultCase> => fc.record({
  seed: fc.integer({ min: 0, max: 1_000_000 }),
  bars: fc.array(fc.record({ step: fc.integer({ min: -3, max: 3 }), volume: fc.constantFrom(0, 3, 20) }), { minLength: 15, maxLength: 60 }),
  intents: fc.array(fc.record({ at: fc.integer({ min: 0, max: 59 }), target: fc.integer({ min: -6, max: 6 }) }), { minLength: 1, maxLength: 10 }),
  orderType: fc.constantFrom('market' as const, 'limit' as const),
  timeInForce: fc.constantFrom('DAY' as const, 'GTC' as const, 'IOC' as const),
  faults: kinds.chain((ks) => fc.tuple(...ks.map((k) => fc.constantFrom(0.1, 0.3, 0.6, 1).map((probability) => ({ kind: k, probability }))))),
});

const allKinds = fc.subarray([...FAULT_KINDS], { minLength: 1 });

function records(r: FaultRun): JournalRecord[] {
  return [...r.journal.all()];
}

function count(recs: readonly JournalRecord[], kind: 'flag' | 'incident_opened', code: string): number {
  return recs.filter((r) => r.type === 'S07.operator' && r.payload.kind === kind && r.payload.code === code).length;
}

function injected(r: FaultRun, kind: FaultKind): number {
  return new Set(r.venue.log.filter((f) => f.fault === kind).map((f) => f.occurrence)).size;
}

/** Checks every invariant of one faulty run; throws with the first that fails. */
function checkInvariants(run: FaultRun): void {
  const recs = records(run);
  const inst = run.cfg.instruments[0]!;
  const account = run.cfg.accounts[0]!.id;
  const folded = foldJournal(recs, run.cfg);
  const view = positionView(folded, run.cfg, account, inst.id);
  // 1. After reconciliation: expected = confirmed = provider truth.
  const truth = run.venue.venue.positions(run.engine.clock, account).find((s) => s.instrument === inst.id)?.position ?? 0;
  expect(parseFixed(view.expected, inst.sizeScale), 'expected = provider truth').toBe(truth);
  expect(parseFixed(view.confirmed, inst.sizeScale), 'confirmed = provider truth').toBe(truth);
  // 2. One incident per truth-changing fault, with its code; none lost, none duplicated.
  expect(count(recs, 'incident_opened', 'UNKNOWN_ORDER_AT_PROVIDER'), 'UNKNOWN_ORDER_AT_PROVIDER per unknown order').toBe(injected(run, 'unknown-order-at-provider'));
  expect(count(recs, 'incident_opened', 'ORDER_MISSING_AT_PROVIDER'), 'ORDER_MISSING_AT_PROVIDER per lost order').toBe(injected(run, 'order-missing-at-provider'));
  expect(count(recs, 'incident_opened', 'PROVIDER_UNREACHABLE'), 'PROVIDER_UNREACHABLE per outage').toBe(injected(run, 'disconnect-with-gap'));
  expect(count(recs, 'flag', 'DUPLICATE_PROVIDER_EVENT'), 'DUPLICATE_PROVIDER_EVENT per duplicated fill').toBe(injected(run, 'duplicate-fill'));
  expect(count(recs, 'flag', 'FILL_AFTER_CANCEL'), 'FILL_AFTER_CANCEL per late fill').toBe(injected(run, 'fill-after-cancel'));
  expect(count(recs, 'incident_opened', 'ILLEGAL_ORDER_TRANSITION'), 'late acks only from fill-before-ack').toBeLessThanOrEqual(injected(run, 'fill-before-ack'));
  expect(count(recs, 'flag', 'STALE_PROVIDER_SNAPSHOT'), 'stale snapshots only from stale-snapshot').toBeLessThanOrEqual(injected(run, 'stale-snapshot'));
  expect(count(recs, 'incident_opened', 'ORDER_STUCK_IN_FLIGHT'), 'stuck orders only in outages').toBe(injected(run, 'disconnect-with-gap') === 0 ? 0 : count(recs, 'incident_opened', 'ORDER_STUCK_IN_FLIGHT'));
  // Drift: one incident per adjustment, and the adjustments add up to the unexplained truth changes.
  const adjustments = recs.filter((r) => r.type === 'S06.reconciliation' && r.payload.kind === 'adjustment');
  expect(count(recs, 'incident_opened', 'POSITION_DRIFT'), 'POSITION_DRIFT per adjustment').toBe(adjustments.length);
  const adjusted = adjustments.reduce((s, r) => s + parseFixed((r.payload as { adjustment: string }).adjustment, inst.sizeScale), 0);
  const unexplained = run.venue.truthChanges.reduce((s, t) => s + t.delta, 0);
  expect(adjusted, 'adjustments = provider truth changes no event explained').toBe(unexplained);
  if (run.venue.truthChanges.length === 0) expect(adjustments.length, 'no drift without a truth-changing fault').toBe(0);
  // No client order id submitted twice; nothing raised by a transport redelivery.
  const submits = recs.filter((r) => r.type === 'S04.order' && r.payload.kind === 'submit').map((r) => (r.payload as { clientOrderId: string }).clientOrderId);
  expect(new Set(submits).size, 'no client order id submitted twice').toBe(submits.length);
  const redelivered = new Set(recs.filter((r) => r.type === 'S05.provider' && (r.payload as { possDup?: true; duplicate?: true }).possDup && (r.payload as { duplicate?: true }).duplicate).map((r) => r.seq));
  const raised = recs.filter((r) => r.type === 'S07.operator' && (r.payload.kind === 'flag' || r.payload.kind === 'incident_opened') && r.causationSeq !== null && redelivered.has(r.causationSeq));
  expect(raised.map((r) => (r.payload as { code: string }).code), 'no flag or incident from a redelivered message').toEqual([]);
  // 3. Order status follows the provider and never regresses.
  const seen = new Map<string, string>();
  const state = foldJournal([], run.cfg);
  for (const r of recs) {
    const inst2 = r.instrument === null ? undefined : run.cfg.instrumentById.get(r.instrument);
    foldStep(state, r, inst2);
    for (const [id, o] of state.execution.orders) {
      const before = seen.get(id);
      if (before !== undefined && TERMINAL.has(before as never)) expect(o.status, `status of ${id} regressed from ${before}`).toBe(before);
      seen.set(id, o.status);
    }
  }
  for (const o of new Set(folded.execution.orders.values())) {
    const q = run.venue.venue.queryOrder(run.engine.clock, account, o.clientOrderId);
    const providerTerminal = q === null || !['new', 'partially_filled'].includes(q.status);
    expect(TERMINAL.has(o.status), `order ${o.clientOrderId}: ours ${o.status}, provider ${q === null ? 'not found' : q.status}`).toBe(providerTerminal);
    if (q !== null && providerTerminal) expect(o.status, `order ${o.clientOrderId} final status`).toBe(q.status);
  }
}

import { evolveExecution } from '../../src/execution/state.js';
import { evolvePortfolio } from '../../src/portfolio/portfolio.js';
import type { Instrument } from '../../src/domain/types.js';
function foldStep(s: ReturnType<typeof foldJournal>, r: JournalRecord, inst: Instrument | undefined): void {
  evolvePortfolio(s.portfolio, r, inst);
  evolveExecution(s.execution, r, inst);
}

describe('fault properties (real engine, faulty venue, in-memory journal)', () => {
  it('property: any interleaving of provider events with faults converges, with exactly the incidents the faults call for', () => {
    fc.assert(fc.property(caseArb(allKinds), (c) => checkInvariants(runFaultCase(c))), { numRuns: Number(process.env.PROP_RUNS ?? 200) });
  }, 120_000);

  it('property: fault-free runs and non-truth-changing faults never produce drift', () => {
    const benign = fc.subarray(FAULT_KINDS.filter((k) => !TRUTH_CHANGING.has(k)));
    fc.assert(fc.property(caseArb(benign), (c) => {
      const run = runFaultCase(c);
      checkInvariants(run);
      const recs = records(run);
      expect(count(recs, 'incident_opened', 'POSITION_DRIFT')).toBe(0);
      expect(recs.some((r) => r.type === 'S06.reconciliation' && r.payload.kind === 'reconciliation' && r.payload.classification === 'DRIFT')).toBe(false);
    }), { numRuns: Number(process.env.PROP_RUNS ?? 150) });
  }, 120_000);

  it('property: replaying a faulty run is deterministic — same head hash, and folding its journal gives the engine state', () => {
    fc.assert(fc.property(caseArb(allKinds), (c) => {
      const a = runFaultCase(c);
      const b = runFaultCase(c);
      expect(b.journal.headHash()).toBe(a.journal.headHash());
      const folded = foldJournal(records(a), a.cfg);
      const inst = a.cfg.instruments[0]!.id;
      const account = a.cfg.accounts[0]!.id;
      expect(positionView(folded, a.cfg, account, inst)).toEqual(positionView(a.engine.state, a.cfg, account, inst));
      expect(folded).toEqual(a.engine.state);
    }), { numRuns: 40 });
  }, 60_000);

  // The asynchronous test gateway in front of the same venue: every message late (seeded), reports
  // of different orders reordered, some delivered twice (PossDup). Same invariants.
  const behindAsync = (c: FaultCase) => (g: EventTimeGateway) => new AsyncGateway(g, { seed: c.seed ^ 0x2545f491, duplicateProbability: 0.3 });
  it('property (asynchronous gateway): any interleaving converges with exactly the incidents the faults call for', () => {
    fc.assert(fc.property(caseArb(allKinds), (c) => checkInvariants(runFaultCase(c, undefined, behindAsync(c)))), { numRuns: Number(process.env.PROP_RUNS ?? 150) });
  }, 120_000);

  it('property (asynchronous gateway): fault-free runs and non-truth-changing faults never produce drift', () => {
    const benign = fc.subarray(FAULT_KINDS.filter((k) => !TRUTH_CHANGING.has(k)));
    fc.assert(fc.property(caseArb(benign), (c) => {
      const run = runFaultCase(c, undefined, behindAsync(c));
      checkInvariants(run);
      expect(count(records(run), 'incident_opened', 'POSITION_DRIFT')).toBe(0);
    }), { numRuns: Number(process.env.PROP_RUNS ?? 100) });
  }, 120_000);

  it('property (asynchronous gateway): deterministic for a seed — same head hash twice', () => {
    fc.assert(fc.property(caseArb(allKinds), (c) => {
      const a = runFaultCase(c, undefined, behindAsync(c));
      const b = runFaultCase(c, undefined, behindAsync(c));
      expect(b.journal.headHash()).toBe(a.journal.headHash());
      expect(foldJournal(records(a), a.cfg)).toEqual(a.engine.state);
    }), { numRuns: 30 });
  }, 60_000);

  // State = fold of the journal: after every step of a run, folding the journal up to that
  // step's last seq gives exactly the engine's state (links, open requests, queried and
  // ambiguous orders, passes, incidents, positions), with either gateway.
  it('property: folding the journal at any seq gives the engine state the run had at that seq', () => {
    fc.assert(fc.property(caseArb(allKinds), fc.boolean(), (c, async) => {
      const snapshots: { seq: number; state: unknown }[] = [];
      const run = runFaultCase(c, undefined, async ? behindAsync(c) : undefined, (engine, recs) => {
        if (recs.length > 0) snapshots.push({ seq: recs[recs.length - 1]!.seq, state: structuredClone(engine.state) });
      });
      const all = records(run);
      expect(snapshots.length).toBeGreaterThan(5);
      for (const { seq, state } of snapshots) expect(foldJournal(all, run.cfg, seq), `fold at seq ${seq}`).toEqual(state);
    }), { numRuns: Number(process.env.PROP_RUNS ?? 40) });
  }, 120_000);

  it('fault matrix: every kind x 3 seeds converges with its incidents', () => {
    const c0: Omit<FaultCase, 'faults' | 'seed'> = {
      bars: Array.from({ length: 60 }, (_, i) => ({ step: ((i * 7) % 5) - 2, volume: i % 11 === 0 ? 0 : 20 })),
      intents: Array.from({ length: 10 }, (_, i) => ({ at: i * 6, target: ((i * 5) % 9) - 4 })),
      orderType: 'limit', timeInForce: 'GTC',
    };
    for (const kind of FAULT_KINDS) {
      for (const seed of [1, 2, 3]) checkInvariants(runFaultCase({ ...c0, seed, faults: [{ kind, probability: 0.3 }] }));
    }
  });
});
