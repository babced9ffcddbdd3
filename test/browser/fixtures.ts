/**
 * Hand-written journals for the page tests: the golden `seed-partial-fill` chain (DESIGN §2) and
 * generated chains with every outcome the trace distinguishes (filled, partial, residual,
 * rejected by risk or provider, drift, working), interval reconciliations, and the run files a
 * run directory holds (summary.json, equity.csv, prices.csv) computed from the same records.
 */
import { MemoryJournal } from '../../src/journal/memory.js';
import type { AnyDraft, JournalRecord, ProviderPayload } from '../../src/records/records.js';
import { equityStatistics } from '../../src/report/statistics.js';
import type { RunSummary } from '../../src/web/data-types.js';
import { add, cmp, dec, fmt, mul, neg, round, sub, ZERO, type Dec } from '../../src/domain/decimal.js';
import { moneyUnits } from '../../src/web/run-files.js';
import { StateFolder } from '../../src/web/state-fold.js';

export const ACCOUNT = 'acct-1';
const T0 = Date.UTC(2024, 0, 2, 0, 0, 0);
const MIN = 60_000;

/** Deterministic PRNG (mulberry32): tests never use Math.random. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Extra = Partial<Pick<AnyDraft, 'correlationId' | 'causationSeq' | 'instrument'>>;

/** Appends drafts, chaining causationSeq to the previous record of the chain. */
class Writer {
  private last = new Map<string, number>();
  constructor(readonly j: MemoryJournal) {}
  put<T extends AnyDraft['type']>(ts: number, type: T, instrument: string | null, corr: string | null, payload: Extract<AnyDraft, { type: T }>['payload'], extra: Extra = {}): JournalRecord {
    const causationSeq = extra.causationSeq ?? (corr ? this.last.get(corr) ?? null : null);
    const r = this.j.append({ ts, type, account: ACCOUNT, instrument, correlationId: corr, causationSeq, payload } as AnyDraft);
    if (corr) this.last.set(corr, r.seq);
    return r;
  }
}

const raw = (o: Record<string, unknown>) => ({ venue: 'sim', ...o });

/** The golden chain: +2 desired, accepted, partial +1, expired, confirmed +1, residual +1, flag. */
export function appendSeedPartialFill(w: Writer, ts: number, instrument = 'FIX-ALPHA'): void {
  const id = 'fixture-intent-017';
  const coid = `${id}-1`;
  w.put(ts, 'S01.intent', instrument, id, { kind: 'intent', intentId: id, strategyId: 'fixture', mode: 'target', quantity: '2', signal: { source: 'seed-partial-fill' }, bar: { line: 17, ts, close: '100.00' } });
  w.put(ts, 'S02.desired', instrument, id, { kind: 'desired_position', desired: '2', previous: '0', contributions: [{ strategyId: 'fixture', intentId: id, target: '2' }] });
  w.put(ts, 'S03.risk', instrument, id, {
    kind: 'risk_decision', decision: 'accepted', ruleId: 'ALL', reason: 'all checks passed', limit: '', observed: '',
    checks: [{ rule: 'MAX_POSITION', limit: '10', observed: '2', pass: true }, { rule: 'MAX_ORDER_QTY', limit: '5', observed: '2', pass: true }],
    order: { clientOrderId: coid, action: 'submit', origClientOrderId: null, side: 'buy', type: 'limit', timeInForce: 'DAY', quantity: '2', limitPrice: '100.00', referencePrice: '100.00' },
  });
  w.put(ts, 'S04.order', instrument, id, { kind: 'submit', clientOrderId: coid, attempt: 1, side: 'buy', type: 'limit', timeInForce: 'DAY', quantity: '2', limitPrice: '100.00' });
  w.put(ts + 5, 'S05.provider', instrument, id, { kind: 'ack', execId: 'FX-1', clientOrderId: coid, providerOrderId: 'P-017', cumQty: '0', leavesQty: '2', reason: null, origClientOrderId: null, raw: raw({ msg: 'ack' }) });
  w.put(ts + 60_000, 'S05.provider', instrument, id, { kind: 'partial_fill', clientOrderId: coid, providerOrderId: 'P-017', execId: 'E-017-1', side: 'buy', lastQty: '1', lastPrice: '100.00', cumQty: '1', leavesQty: '1', fee: '0.100000', raw: raw({ msg: 'partial_fill' }) });
  w.put(ts + 120_000, 'S05.provider', instrument, id, { kind: 'expired', execId: 'FX-2', clientOrderId: coid, providerOrderId: 'P-017', cumQty: '1', leavesQty: '0', reason: 'end of day', origClientOrderId: null, raw: raw({ msg: 'expired' }) });
  w.put(ts + 120_001, 'S05.provider', instrument, id, { kind: 'position_report', requestId: null, position: '1', asOf: ts + 120_001, raw: raw({ msg: 'position' }) });
  w.put(ts + 120_002, 'S06.reconciliation', instrument, id, { kind: 'reconciliation', trigger: 'provider_event', desired: '2', expected: '1', confirmed: '1', working: '0', residual: '1', drift: '0', classification: 'RESIDUAL_UNEXPLAINED', residualSinceTs: ts + 60_000 });
  w.put(ts + 120_003, 'S07.operator', instrument, id, { kind: 'flag', code: 'RESIDUAL_UNEXPLAINED', severity: 'warning', message: 'drift visible for review', details: { residual: '1', desired: '2', confirmed: '1' } });
}

interface Inst { id: string; sizeScale: number; priceScale: number; tick: Dec; lot: Dec; price: Dec; confirmed: Dec; desired: Dec }

const INSTRUMENTS = [
  { id: 'FIX-ALPHA', sizeScale: 0, priceScale: 2, tick: '0.01', lot: '1', price: '100.00' },
  { id: 'FIX-BRAVO', sizeScale: 0, priceScale: 2, tick: '0.05', lot: '1', price: '250.00' },
  { id: 'FIX-CHARLIE', sizeScale: 3, priceScale: 1, tick: '0.5', lot: '0.001', price: '30000.0' },
];

export type Outcome = 'filled' | 'partial_expire' | 'risk_reject' | 'provider_reject' | 'drift' | 'duplicate' | 'working';

function pickOutcome(u: number): Outcome {
  if (u < 0.05) return 'risk_reject';
  if (u < 0.09) return 'provider_reject';
  if (u < 0.19) return 'partial_expire';
  if (u < 0.22) return 'drift';
  if (u < 0.25) return 'duplicate';
  if (u < 0.27) return 'working';
  return 'filled';
}

export interface Generated {
  readonly journal: MemoryJournal;
  readonly records: readonly JournalRecord[];
  /** One market price path per instrument (ts, price) used for prices.csv and marks. */
  readonly marks: ReadonlyMap<string, { ts: number; price: Dec }[]>;
}

/**
 * Drifts found by an interval check, outside any intent's chain, as the engine journals them
 * under `--faults external-position-change`: the simulated fault, the provider's position report,
 * the DRIFT check (caused by the report), the adjustment, the POSITION_DRIFT incident and the
 * trading state change (caused by the check); every other incident is then acknowledged by an
 * operator, which releases the instrument (both caused by the incident).
 */
function appendExternalDrifts(w: Writer, insts: Inst[], count: number, ts: number): void {
  for (let n = 0; n < count; n++) {
    const inst = insts[n % insts.length]!;
    const t = ts + n * MIN;
    const before = inst.confirmed;
    inst.confirmed = add(before, inst.lot);
    w.put(t, 'S05.provider', inst.id, null, { kind: 'fault_injected', fault: 'external-position-change', occurrence: n + 1, detail: `position changed by +${fmt(inst.lot)} on ${inst.id} without any order (external trade)`, affects: null, simulated: true });
    const report = w.put(t + 10, 'S05.provider', inst.id, null, { kind: 'position_report', requestId: null, position: fmt(inst.confirmed), asOf: t + 10, raw: raw({ position: fmt(inst.confirmed) }) });
    const check = w.put(t + 10, 'S06.reconciliation', inst.id, null, {
      kind: 'reconciliation', trigger: 'interval', desired: fmt(inst.desired), expected: fmt(before), confirmed: fmt(inst.confirmed), working: '0',
      residual: fmt(sub(inst.desired, inst.confirmed)), drift: fmt(sub(before, inst.confirmed)), classification: 'DRIFT', residualSinceTs: t + 10,
    }, { causationSeq: report.seq });
    const id = `INC-${check.seq}-POSITION_DRIFT`;
    w.put(t + 10, 'S06.reconciliation', inst.id, null, { kind: 'adjustment', expectedBefore: fmt(before), confirmed: fmt(inst.confirmed), adjustment: fmt(inst.lot), reason: 'provider truth wins: expected set to the provider-confirmed position' }, { causationSeq: check.seq });
    const opened = w.put(t + 10, 'S07.operator', inst.id, null, { kind: 'incident_opened', incidentId: id, code: 'POSITION_DRIFT', severity: 'critical', message: `expected ${fmt(before)} but provider confirms ${fmt(inst.confirmed)}`, details: { expected: fmt(before), confirmed: fmt(inst.confirmed), restricts: 'reducing' } }, { causationSeq: check.seq });
    w.put(t + 10, 'S07.operator', inst.id, null, { kind: 'trading_state_changed', from: 'active', to: 'reducing', actor: 'system:reconciliation', reason: `recovery rule: reducing until POSITION_DRIFT ${id} is acknowledged`, incidentId: id }, { causationSeq: check.seq });
    if (n % 2 === 0) {
      w.put(t + 20, 'S07.operator', inst.id, null, { kind: 'incident_acknowledged', incidentId: id, actor: 'operator:ana', reason: 'external trade booked by desk B' }, { causationSeq: opened.seq });
      w.put(t + 20, 'S07.operator', inst.id, null, { kind: 'trading_state_changed', from: 'reducing', to: 'active', actor: 'operator:ana', reason: `released on acknowledgement of ${id}: external trade booked by desk B`, incidentId: id }, { causationSeq: opened.seq });
    }
  }

}

/**
 * A journal with the seed chain first and then `chains` generated chains (about 12 records
 * each), one every `stepMs` of event time; `externalDrifts` drift incidents without an intent
 * follow them (none by default).
 */
export function generateJournal(chains: number, seed = 7, stepMs = 5 * MIN, opts: { externalDrifts?: number } = {}): Generated {
  const j = new MemoryJournal();
  const w = new Writer(j);
  const rand = rng(seed);
  let ts = T0;
  w.put(ts, 'S00.run', null, null, { kind: 'run_started', runId: 'fixture-run', configHash: 'f'.repeat(16), seed, data: { name: 'fixture-bars.csv', bytes: 123456 }, mode: 'scenario', reckonVersion: '0.1.0' });
  appendSeedPartialFill(w, ts + 1000);
  const insts: Inst[] = INSTRUMENTS.map((i) => ({ ...i, tick: dec(i.tick), lot: dec(i.lot), price: dec(i.price), confirmed: ZERO, desired: ZERO }));
  insts[0]!.confirmed = dec('1');
  insts[0]!.desired = dec('2');
  const marks = new Map(insts.map((i) => [i.id, [{ ts, price: i.price }]]));
  let execN = 0;
  const working = new Map<string, { id: string; coid: string; poid: string }>();

  for (let n = 0; n < chains; n++) {
    ts += stepMs;
    // Random walk: every instrument moves a few ticks each step.
    for (const i of insts) {
      const ticks = Math.round((rand() - 0.495) * 40);
      i.price = add(i.price, mul(i.tick, dec(String(ticks))));
      marks.get(i.id)!.push({ ts, price: i.price });
    }
    const inst = insts[Math.floor(rand() * insts.length)]!;
    // A working order left by an earlier intent on this instrument is cancelled first.
    const open = working.get(inst.id);
    if (open) {
      working.delete(inst.id);
      w.put(ts - 2, 'S04.order', inst.id, open.id, { kind: 'cancel', clientOrderId: open.coid, reason: 'new target' });
      w.put(ts - 1, 'S05.provider', inst.id, open.id, { kind: 'cancelled', execId: 'FX-3', clientOrderId: open.coid, providerOrderId: open.poid, cumQty: '0', leavesQty: '0', reason: 'cancelled on request', origClientOrderId: null, raw: raw({ ordStatus: '4' }) });
    }
    const id = `intent-${String(n + 1).padStart(6, '0')}`;
    const coid = `${id}-1`;
    const target = mul(inst.lot, dec(String(Math.floor(rand() * 11) - 5)));
    const strategy = rand() < 0.6 ? 'sma-cross' : 'breakout';
    const outcome = pickOutcome(rand());
    const previous = inst.desired;
    inst.desired = target;
    const delta = sub(target, inst.confirmed);
    const q = delta.units < 0n ? neg(delta) : delta;
    const side = delta.units < 0n ? 'sell' : 'buy';
    const px = fmt(inst.price, inst.priceScale);
    w.put(ts, 'S01.intent', inst.id, id, { kind: 'intent', intentId: id, strategyId: strategy, mode: 'target', quantity: fmt(target), signal: { fast: Number(px) + 1, slow: Number(px) - 1 }, bar: { line: n + 2, ts, close: px } });
    w.put(ts, 'S02.desired', inst.id, id, { kind: 'desired_position', desired: fmt(target), previous: fmt(previous), contributions: [{ strategyId: strategy, intentId: id, target: fmt(target) }] });
    const recon = (t: number, c: string, extra: Partial<{ expected: Dec; working: Dec }> = {}) => {
      const exp = extra.expected ?? inst.confirmed;
      w.put(t, 'S06.reconciliation', inst.id, id, {
        kind: 'reconciliation', trigger: 'provider_event', desired: fmt(inst.desired), expected: fmt(exp), confirmed: fmt(inst.confirmed),
        working: fmt(extra.working ?? ZERO), residual: fmt(sub(inst.desired, inst.confirmed)), drift: fmt(sub(exp, inst.confirmed)), classification: c as 'IN_SYNC', residualSinceTs: null,
      });
    };
    if (q.units === 0n) { recon(ts + 1, 'IN_SYNC'); continue; }
    const order = { clientOrderId: coid, action: 'submit' as const, origClientOrderId: null, side: side as 'buy' | 'sell', type: 'market' as const, timeInForce: 'DAY' as const, quantity: fmt(q), limitPrice: null, referencePrice: px };
    if (outcome === 'risk_reject') {
      w.put(ts, 'S03.risk', inst.id, id, { kind: 'risk_decision', decision: 'rejected', ruleId: 'MAX_ORDER_QTY', reason: 'order quantity above limit', limit: fmt(mul(inst.lot, dec('3'))), observed: fmt(q), checks: [{ rule: 'MAX_ORDER_QTY', limit: fmt(mul(inst.lot, dec('3'))), observed: fmt(q), pass: false }], order });
      w.put(ts, 'S07.operator', inst.id, id, { kind: 'flag', code: 'RISK_REJECTED', severity: 'info', message: 'order rejected by MAX_ORDER_QTY', details: { limit: '3', observed: fmt(q) } });
      recon(ts + 1, 'RESIDUAL_UNEXPLAINED');
      continue;
    }
    w.put(ts, 'S03.risk', inst.id, id, { kind: 'risk_decision', decision: 'accepted', ruleId: 'ALL', reason: 'all checks passed', limit: '', observed: '', checks: [{ rule: 'MAX_POSITION', limit: '10', observed: fmt(target), pass: true }], order });
    w.put(ts, 'S04.order', inst.id, id, { kind: 'submit', clientOrderId: coid, attempt: 1, side: order.side, type: 'market', timeInForce: 'DAY', quantity: fmt(q), limitPrice: null });
    const poid = `P-${n + 1}`;
    const s05 = (t: number, p: ProviderPayload) => w.put(t, 'S05.provider', inst.id, id, p);
    if (outcome === 'provider_reject') {
      s05(ts + 10, { kind: 'reject', execId: 'FX-4', origClientOrderId: null, clientOrderId: coid, providerOrderId: null, reason: 'insufficient buying power', raw: raw({ text: 'REJECT 99' }) });
      w.put(ts + 11, 'S07.operator', inst.id, id, { kind: 'flag', code: 'PROVIDER_REJECTED', severity: 'warning', message: 'provider refused the order', details: { reason: 'insufficient buying power' } });
      recon(ts + 12, 'RESIDUAL_UNEXPLAINED');
      continue;
    }
    s05(ts + 10, { kind: 'ack', execId: 'FX-5', clientOrderId: coid, providerOrderId: poid, cumQty: '0', leavesQty: fmt(q), reason: null, origClientOrderId: null, raw: raw({ ordStatus: '0' }) });
    const slip = mul(inst.tick, dec(String(Math.floor(rand() * 2))));
    const fillPx = fmt(side === 'buy' ? add(inst.price, slip) : sub(inst.price, slip), inst.priceScale);
    const fee = (qq: Dec) => fmt(round(mul(mul(qq, dec(fillPx)), dec('0.0001')), 6), 6);
    const signedQ = (qq: Dec) => (side === 'buy' ? qq : neg(qq));
    if (outcome === 'working') { recon(ts + 11, 'WORKING', { working: signedQ(q) }); working.set(inst.id, { id, coid, poid }); continue; }
    if (outcome === 'partial_expire' && q.units > 1n) {
      const part = { units: q.units / 2n, scale: q.scale };
      s05(ts + MIN, { kind: 'partial_fill', clientOrderId: coid, providerOrderId: poid, execId: `E-${++execN}`, side: order.side, lastQty: fmt(part), lastPrice: fillPx, cumQty: fmt(part), leavesQty: fmt(sub(q, part)), fee: fee(part), raw: raw({ ordStatus: '1' }) });
      s05(ts + 2 * MIN, { kind: 'expired', execId: 'FX-6', clientOrderId: coid, providerOrderId: poid, cumQty: fmt(part), leavesQty: '0', reason: 'end of day', origClientOrderId: null, raw: raw({ ordStatus: 'C' }) });
      inst.confirmed = add(inst.confirmed, signedQ(part));
      s05(ts + 2 * MIN + 1, { kind: 'position_report', requestId: null, position: fmt(inst.confirmed), asOf: ts + 2 * MIN + 1, raw: raw({}) });
      recon(ts + 2 * MIN + 2, 'RESIDUAL_UNEXPLAINED');
      w.put(ts + 2 * MIN + 3, 'S07.operator', inst.id, id, { kind: 'flag', code: 'RESIDUAL_UNEXPLAINED', severity: 'warning', message: 'drift visible for review', details: { residual: fmt(sub(inst.desired, inst.confirmed)) } });
      continue;
    }
    const e = `E-${++execN}`;
    s05(ts + MIN, { kind: 'fill', clientOrderId: coid, providerOrderId: poid, execId: e, side: order.side, lastQty: fmt(q), lastPrice: fillPx, cumQty: fmt(q), leavesQty: '0', fee: fee(q), raw: raw({ ordStatus: '2' }) });
    if (outcome === 'duplicate') {
      s05(ts + MIN + 5, { kind: 'fill', clientOrderId: coid, providerOrderId: poid, execId: e, side: order.side, lastQty: fmt(q), lastPrice: fillPx, cumQty: fmt(q), leavesQty: '0', fee: fee(q), raw: raw({ ordStatus: '2', possDup: true }) });
      w.put(ts + MIN + 6, 'S07.operator', inst.id, id, { kind: 'flag', code: 'DUPLICATE_PROVIDER_EVENT', severity: 'info', message: `duplicate execution ${e} ignored`, details: { execId: e } });
    }
    const expected = add(inst.confirmed, signedQ(q));
    if (outcome === 'drift') {
      inst.confirmed = add(expected, inst.lot); // an external trade of one lot
      s05(ts + MIN + 1, { kind: 'position_report', requestId: null, position: fmt(inst.confirmed), asOf: ts + MIN + 1, raw: raw({}) });
      recon(ts + MIN + 2, 'DRIFT', { expected });
      w.put(ts + MIN + 3, 'S06.reconciliation', inst.id, id, { kind: 'adjustment', expectedBefore: fmt(expected), confirmed: fmt(inst.confirmed), adjustment: fmt(sub(inst.confirmed, expected)), reason: 'provider truth wins' });
      w.put(ts + MIN + 4, 'S07.operator', inst.id, id, { kind: 'incident_opened', incidentId: `inc-${n}`, code: 'POSITION_DRIFT', severity: 'critical', message: 'expected differs from confirmed', details: { expected: fmt(expected), confirmed: fmt(inst.confirmed) } });
      w.put(ts + MIN + 5, 'S07.operator', inst.id, id, { kind: 'trading_state_changed', from: 'active', to: 'reducing', actor: 'engine', reason: 'POSITION_DRIFT', incidentId: `inc-${n}` });
      w.put(ts + 3 * MIN, 'S07.operator', inst.id, id, { kind: 'incident_acknowledged', incidentId: `inc-${n}`, actor: 'operator:alice', reason: 'external trade confirmed with the desk' });
      continue;
    }
    inst.confirmed = expected;
    s05(ts + MIN + 1, { kind: 'position_report', requestId: null, position: fmt(inst.confirmed), asOf: ts + MIN + 1, raw: raw({}) });
    recon(ts + MIN + 2, sub(inst.desired, inst.confirmed).units === 0n ? 'IN_SYNC' : 'RESIDUAL_UNEXPLAINED');
    // Interval reconciliation of every instrument, outside any chain.
    if (n % 25 === 24) {
      for (const i of insts) {
        w.put(ts + 2 * MIN, 'S06.reconciliation', i.id, null, {
          kind: 'reconciliation', trigger: 'interval', desired: fmt(i.desired), expected: fmt(i.confirmed), confirmed: fmt(i.confirmed), working: '0',
          residual: fmt(sub(i.desired, i.confirmed)), drift: '0', classification: sub(i.desired, i.confirmed).units === 0n ? 'IN_SYNC' : 'RESIDUAL_AGED', residualSinceTs: null,
        });
      }
    }
  }
  if (opts.externalDrifts) {
    appendExternalDrifts(w, insts, opts.externalDrifts, ts + 3 * MIN);
    ts += opts.externalDrifts * MIN;
  }
  w.put(ts + 5 * MIN, 'S00.run', null, null, { kind: 'run_completed', marketEvents: chains * 3, badRows: 0, dataSha256: 'a'.repeat(64), lastLine: chains + 1 });
  return { journal: j, records: j.all(), marks };
}

/** summary.json, equity.csv and prices.csv for a generated journal, as a run directory holds. */
export function runFilesFor(g: Generated, startingEquity = '100000.000000'): { summary: RunSummary; equityCsv: string; pricesCsv: string } {
  const records = g.records;
  // Cash and positions from fills (de-duplicated), marked hourly to the last price.
  const fills = records.filter((r) => r.type === 'S05.provider' && (r.payload.kind === 'fill' || r.payload.kind === 'partial_fill'));
  const seen = new Set<string>();
  let cash = dec(startingEquity);
  let fees = ZERO;
  const pos = new Map<string, Dec>();
  const last = new Map<string, Dec>();
  const rows: { ts: number; equity: string; cash: string }[] = [];
  const markIdx = new Map<string, number>();
  const firstTs = records[0]!.ts;
  const endTs = records[records.length - 1]!.ts;
  const equityAt = (t: number): string => {
    for (const [id, m] of g.marks) {
      let k = markIdx.get(id) ?? 0;
      while (k + 1 < m.length && m[k + 1]!.ts <= t) k++;
      markIdx.set(id, k);
      last.set(id, m[k]!.price);
    }
    let eq = cash;
    for (const [id, p] of pos) eq = add(eq, mul(p, last.get(id) ?? ZERO));
    return fmt(round(eq, 6), 6);
  };
  let fi = 0;
  const hour = 3_600_000;
  for (let t = Math.floor(firstTs / hour) * hour + hour; ; t += hour) {
    const until = Math.min(t, endTs);
    while (fi < fills.length && fills[fi]!.ts <= until) {
      const r = fills[fi++]!;
      if (r.type !== 'S05.provider' || (r.payload.kind !== 'fill' && r.payload.kind !== 'partial_fill')) continue;
      const p = r.payload;
      if (seen.has(p.execId)) continue;
      seen.add(p.execId);
      const q = p.side === 'buy' ? dec(p.lastQty) : neg(dec(p.lastQty));
      pos.set(r.instrument!, add(pos.get(r.instrument!) ?? ZERO, q));
      cash = sub(sub(cash, mul(q, dec(p.lastPrice))), dec(p.fee));
      fees = add(fees, dec(p.fee));
    }
    rows.push({ ts: until, equity: equityAt(until), cash: fmt(round(cash, 6), 6) });
    if (until >= endTs) break;
  }
  const start = moneyUnits(startingEquity);
  let peak = start;
  const equityCsv = 'ts,equity,cash,drawdown_pct\n' + rows.map((r) => {
    const e = moneyUnits(r.equity);
    peak = Math.max(peak, e);
    return `${r.ts},${r.equity},${r.cash},${(((peak - e) / peak) * 100).toFixed(4)}`;
  }).join('\n') + '\n';
  const stats = equityStatistics(rows.map((r) => ({ ts: r.ts, equity: moneyUnits(r.equity) })), start);

  // 15-minute bars from the mark paths.
  const bars: string[] = [];
  for (const [id, m] of [...g.marks].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let cur: { t: number; o: Dec; h: Dec; l: Dec; c: Dec } | null = null;
    const flush = () => { if (cur) bars.push(`${cur.t},${id},${fmt(cur.o)},${fmt(cur.h)},${fmt(cur.l)},${fmt(cur.c)}`); };
    for (const p of m) {
      const t = Math.floor(p.ts / (15 * MIN)) * 15 * MIN;
      if (!cur || cur.t !== t) { flush(); cur = { t, o: p.price, h: p.price, l: p.price, c: p.price }; }
      else { if (cmp(p.price, cur.h) > 0) cur.h = p.price; if (cmp(p.price, cur.l) < 0) cur.l = p.price; cur.c = p.price; }
    }
    flush();
  }
  const pricesCsv = 'ts,instrument,open,high,low,close\n' + bars.join('\n') + '\n';

  const folder = new StateFolder();
  for (const r of records) folder.apply(r);
  const count = (pred: (r: JournalRecord) => boolean) => records.filter(pred).length;
  const summary: RunSummary = {
    counts: {
      marketEvents: 0, intents: count((r) => r.type === 'S01.intent'),
      riskAccepted: count((r) => r.type === 'S03.risk' && r.payload.decision === 'accepted'),
      riskRejected: count((r) => r.type === 'S03.risk' && r.payload.decision === 'rejected'),
      orders: count((r) => r.type === 'S04.order'), providerEvents: count((r) => r.type === 'S05.provider'),
      fills: seen.size, providerRejected: count((r) => r.type === 'S05.provider' && r.payload.kind === 'reject'),
      reconciliations: count((r) => r.type === 'S06.reconciliation' && r.payload.kind === 'reconciliation'),
      drifts: count((r) => r.type === 'S06.reconciliation' && r.payload.kind === 'reconciliation' && r.payload.classification === 'DRIFT'),
      flags: count((r) => r.type === 'S07.operator' && (r.payload.kind === 'flag' || r.payload.kind === 'incident_opened')), badRows: 0,
    },
    positions: folder.keys.map((k) => ({
      account: k.account, instrument: k.instrument, desired: fmt(k.desired), expected: fmt(k.expected), confirmed: fmt(k.confirmed),
      working: fmt(k.working), residual: fmt(sub(k.desired, k.confirmed)), drift: fmt(sub(k.expected, k.confirmed)),
    })),
    performance: {
      startingEquity, endingEquity: rows[rows.length - 1]!.equity, returnPct: stats.totalReturnPct, maxDrawdownPct: stats.maxDrawdownPct,
      sharpe: stats.sharpe, trades: seen.size, fees: fmt(round(fees, 6), 6),
    },
    journal: { path: 'journal.db', lastSeq: g.journal.lastSeq(), headHash: g.journal.headHash() },
    throughput: { wallMs: 1, eventsPerSecond: 1 },
  };
  return { summary, equityCsv, pricesCsv };
}
