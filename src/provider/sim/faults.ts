/**
 * FaultyGateway: seeded, deterministic fault injection as a decorator around the simulated
 * venue's gateway. The production gateway port knows nothing of it: what it injects is reported
 * to a separate fault sink (simulation metadata), which the simulation loop journals as an S05
 * `fault_injected` record before the messages the fault affects.
 *
 * What each kind does (the engine's reaction is in docs/scenarios.md):
 * - drop-ack: the ack is never delivered (the order is accepted and trades normally).
 * - duplicate-fill: a fill is delivered twice with the same execution id.
 * - fill-before-ack: the ack is held back and delivered right after the order's next report (its fill).
 * - fill-after-cancel: after accepting a cancel, the venue fills the open quantity anyway, on the
 *   instrument's next bar at its open (position and cash change; the venue keeps status cancelled).
 * - reject: a submit is refused at the venue (reason "injected reject") instead of being booked.
 * - unknown-order-at-provider: a fill for a client order id nobody sent (EXT-…) at the bar's close.
 * - order-missing-at-provider: the venue silently loses an order right after acking it.
 * - disconnect-with-gap: the command being sent fails (`send_failed`, after a `link down`); it
 *   reached the venue or not (`delivered`, else a seeded choice) and the venue is unreachable for
 *   `gapMs`: every command fails, messages produced in the gap are lost (each loss is reported),
 *   the venue keeps trading; the link comes back (`link up`) on the first bar or timer after the
 *   gap. No other fault is injected during a gap.
 * - external-position-change: the position changes without any order or report.
 * - stale-snapshot: a positions request is answered with the previous answer given (its older asOf).
 *
 * Choices use one seeded RNG per rule, so adding a rule does not change another rule's choices.
 */
import { seededRng, type Rng } from '../../domain/context.js';
import { formatSigned, tryParseFixed } from '../../domain/fixed-point.js';
import type { Instrument } from '../../domain/types.js';
import type { Bar } from '../../marketdata/bar.js';
import type { FaultKind } from '../../records/records.js';
import type { EventTimeGateway, ExecutionReportMessage, MessageSink, PositionsMessage, ProviderCommand, ProviderMessage } from '../gateway.js';
import { DEFAULT_GAP_MS, type FaultPlan, type FaultRule } from './fault-plan.js';
import { SimGateway } from './gateway.js';
import { SimVenue, type SimVenueConfig, type VenueExecution } from './venue.js';

/** One fault the decorator injected (simulation metadata, journaled as S05 `fault_injected`). */
export interface InjectedFault {
  readonly ts: number;
  readonly account: string;
  readonly instrument: string;
  readonly fault: FaultKind;
  /** The n-th injection of this kind (1-based); every effect of one fault shares it. */
  readonly occurrence: number;
  readonly detail: string;
  /** Client order id the fault affects, or null (a position change, a disconnect). */
  readonly affects: string | null;
  /** The request whose answer the fault changed (a stale snapshot), if any. */
  readonly requestId?: string;
}

export type FaultSink = (fault: InjectedFault) => void;

interface ActiveRule {
  readonly rule: FaultRule;
  readonly rng: Rng;
  used: number;
}

interface Spot {
  readonly ts: number;
  readonly account: string;
  readonly instrument: string;
  readonly order: string | null;
}

interface Outage {
  readonly from: number;
  readonly until: number;
  readonly occurrence: number;
}

/** What the fault did to provider truth without a report we count (for tests and the fault matrix). */
export interface TruthChange {
  readonly account: string;
  readonly instrument: string;
  readonly fault: FaultKind;
  readonly delta: number;
}

const keyOf = (account: string, id: string): string => account + '\u0000' + id;

function hashKind(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const LINK_RAW = (state: 'up' | 'down') => ({ simulated: true, link: state });

/**
 * @example
 * const gw = FaultyGateway.fromConfig(simConfig, { seed: 17, rules: [{ kind: 'duplicate-fill', probability: 0.05 }] });
 * gw.connectFaults((f) => inbox.push({ kind: 'simulation', fault: f }));
 */
export class FaultyGateway implements EventTimeGateway {
  readonly name = 'sim+faults';
  /** Every injection and effect, in order (also reported to the fault sink). */
  readonly log: InjectedFault[] = [];
  /** Changes of provider truth no report explains: external changes and fills of orders nobody sent (fills lost in a gap show in status reports). */
  readonly truthChanges: TruthChange[] = [];
  readonly venue: SimVenue;

  private readonly inner: SimGateway;
  private readonly rules: ActiveRule[];
  private readonly defaultAccount: string;
  private sink: MessageSink = () => undefined;
  private faultSink: FaultSink = () => undefined;
  private readonly occurrences = new Map<FaultKind, number>();
  private active = true;
  private now = Number.NEGATIVE_INFINITY;
  private outage: Outage | null = null;
  /** Execution ids of reports the decorator made itself (phantom and late fills): no dice on them. */
  private readonly bypass = new Set<string>();
  private readonly heldAcks = new Map<string, ExecutionReportMessage>();
  /** Acks whose fate was decided when the venue produced them, by execId. */
  private readonly ackFate = new Map<string, 'drop' | 'hold'>();
  private lateFills: { account: string; instrument: string; clientOrderId: string; qty: number }[] = [];
  private readonly lastSnapshot = new Map<string, PositionsMessage>();
  private externalSeq = 0;
  private linkSeq = 0;

  constructor(inner: SimGateway, plan: FaultPlan, defaultAccount: string) {
    this.inner = inner;
    this.venue = inner.venue;
    this.defaultAccount = defaultAccount;
    this.rules = plan.rules.map((rule, i) => ({ rule, rng: seededRng((plan.seed ^ hashKind(`${rule.kind}#${i}`)) >>> 0), used: 0 }));
    inner.connect((m) => this.fromVenue(m));
    this.venue.onEmit = (ev) => this.atVenue(ev);
  }

  /**
   * The venue is acking an order: the ack's fate is decided now (dropped, held back until the
   * order's next report, or sent), and a sent ack's order can be lost right away, before any match.
   */
  private atVenue(ev: VenueExecution): void {
    if (ev.report.kind !== 'ack' || this.outage !== null) return;
    const order = ev.report.clientOrderId;
    const spot = { ts: ev.ts, account: ev.account, instrument: ev.instrument.id, order };
    if (this.roll('drop-ack', spot)) {
      this.recordFault('drop-ack', spot, `ack of ${order} dropped: never delivered`);
      this.ackFate.set(ev.report.execId, 'drop');
    } else if (this.roll('fill-before-ack', spot)) {
      this.recordFault('fill-before-ack', spot, `ack of ${order} held back: delivered after the order's next report`);
      this.ackFate.set(ev.report.execId, 'hold');
    } else if (this.roll('order-missing-at-provider', spot) && this.venue.forgetOrder(ev.account, order)) {
      this.recordFault('order-missing-at-provider', spot, `order ${order} silently lost by the venue right after its ack (no report)`);
    }
  }

  static fromConfig(cfg: SimVenueConfig, plan: FaultPlan): FaultyGateway {
    return new FaultyGateway(SimGateway.fromConfig(cfg), plan, cfg.accounts[0]?.id ?? '');
  }

  connect(sink: MessageSink): void {
    this.sink = sink;
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  /** Where injected faults are reported (the simulation loop journals them). */
  connectFaults(sink: FaultSink): void {
    this.faultSink = sink;
  }

  /**
   * Stops injecting: the venue heals (an outage ends, held acks are delivered, pending late
   * fills never happen). Used to measure convergence after a faulty run.
   */
  stopFaults(): void {
    this.active = false;
    if (this.outage !== null) this.endOutage(this.now);
    this.lateFills = [];
    const held = [...this.heldAcks.values()];
    this.heldAcks.clear();
    for (const h of held) this.sink(h);
  }

  // ------------------------------------------------------------------ dice

  private roll(kind: FaultKind, spot: Spot): ActiveRule | null {
    if (!this.active || this.outage !== null) return null;
    for (const r of this.rules) {
      const rule = r.rule;
      if (rule.kind !== kind) continue;
      if (rule.count !== undefined && r.used >= rule.count) continue;
      if (rule.order !== undefined && rule.order !== spot.order) continue;
      if (rule.instrument !== undefined && rule.instrument !== spot.instrument) continue;
      if (rule.account !== undefined && rule.account !== spot.account) continue;
      if (rule.from !== undefined && spot.ts < rule.from) continue;
      const p = rule.probability ?? 1;
      if (p < 1 && !(r.rng.next() < p)) continue;
      r.used++;
      return r;
    }
    return null;
  }

  private recordFault(kind: FaultKind, spot: Spot, detail: string, occurrence?: number, requestId?: string): number {
    const n = occurrence ?? (this.occurrences.get(kind) ?? 0) + 1;
    if (occurrence === undefined) this.occurrences.set(kind, n);
    const f: InjectedFault = { ts: spot.ts, account: spot.account, instrument: spot.instrument, fault: kind, occurrence: n, detail, affects: spot.order, ...(requestId ? { requestId } : {}) };
    this.log.push(f);
    this.faultSink(f);
    return n;
  }

  /** Advances the fault clock; an outage ends (link up) once time reaches its end. */
  private tick(ts: number): void {
    if (ts > this.now) this.now = ts;
    if (this.outage !== null && this.now >= this.outage.until) this.endOutage(this.now);
  }

  private endOutage(ts: number): void {
    const o = this.outage!;
    this.outage = null;
    this.sink({ type: 'link', ts, dedupeKey: `link:${++this.linkSeq}`, state: 'up', reason: `reconnected after the outage of ${new Date(o.from).toISOString()}`, raw: LINK_RAW('up') });
  }

  private sendFailed(cmd: ProviderCommand): void {
    const o = this.outage!;
    this.sink({
      type: 'send_failed', ts: cmd.ts, dedupeKey: `failed:${cmd.requestId}`, requestId: cmd.requestId, account: cmd.account, command: cmd.type,
      clientOrderId: 'clientOrderId' in cmd ? cmd.clientOrderId : null, instrument: 'instrument' in cmd ? cmd.instrument.id : null,
      reason: `provider unreachable (${cmd.type}): connection lost at ${new Date(o.from).toISOString()}`, raw: { simulated: true, command: cmd.type },
    });
  }

  // ------------------------------------------------------------------ commands

  send(cmd: ProviderCommand): void {
    this.tick(cmd.ts);
    const order = 'clientOrderId' in cmd ? cmd.clientOrderId : null;
    const instrument = 'instrument' in cmd ? cmd.instrument.id : '*';
    const spot = { ts: cmd.ts, account: cmd.account, instrument, order };
    const isOrder = cmd.type === 'submit' || cmd.type === 'replace' || cmd.type === 'cancel';
    if (this.outage !== null) {
      if (isOrder) this.recordFault('disconnect-with-gap', spot, `${cmd.type} ${order} sent during the outage: never reached the venue`, this.outage.occurrence);
      this.sendFailed(cmd);
      return;
    }
    if (isOrder) {
      const r = this.roll('disconnect-with-gap', spot);
      if (r !== null) {
        const gap = r.rule.gapMs ?? DEFAULT_GAP_MS;
        const delivered = r.rule.delivered ?? r.rng.next() < 0.5;
        const n = this.recordFault('disconnect-with-gap', spot,
          `connection lost while sending ${cmd.type} ${order} (${delivered ? 'it reached the venue' : 'it never reached the venue'}); unreachable until ${new Date(cmd.ts + gap).toISOString()}`);
        this.outage = { from: cmd.ts, until: cmd.ts + gap, occurrence: n };
        this.sink({ type: 'link', ts: cmd.ts, dedupeKey: `link:${++this.linkSeq}`, state: 'down', reason: `connection lost while sending ${cmd.type}`, raw: LINK_RAW('down') });
        if (delivered) this.inner.send(cmd);
        this.sendFailed(cmd);
        return;
      }
    }
    if (cmd.type === 'submit' && this.roll('reject', spot)) {
      this.recordFault('reject', spot, `submit of ${cmd.clientOrderId} refused by injection`);
      this.venue.refuseOnArrival(cmd.ts, { account: cmd.account, instrument: cmd.instrument, clientOrderId: cmd.clientOrderId, side: cmd.side,
        type: cmd.orderType, timeInForce: cmd.timeInForce, quantity: cmd.quantity, limitPrice: cmd.limitPrice }, 'injected reject');
      return;
    }
    this.inner.send(cmd);
  }

  // ------------------------------------------------------------------ messages from the venue

  private fromVenue(m: ProviderMessage): void {
    if (m.type === 'positions') return this.answerPositions(m);
    if (m.type !== 'execution_report') {
      if (this.outage !== null) return; // an answer produced in the gap never arrives
      this.sink(m);
      return;
    }
    const r = m.report;
    if (this.bypass.delete(r.execId)) {
      if (this.outage === null) this.sink(m);
      return;
    }
    const order = r.clientOrderId;
    if (this.outage !== null && m.ts >= this.outage.from && m.ts < this.outage.until) {
      const isFill = r.kind === 'fill' || r.kind === 'partial_fill';
      this.recordFault('disconnect-with-gap', { ts: m.ts, account: m.account, instrument: m.instrument, order },
        `${r.kind}${isFill ? ` of ${r.lastQty} (${r.execId})` : ''} for ${order} lost in the gap`, this.outage.occurrence);
      // A lost fill of one of our orders is not drift: the reconnect reconciliation's status report shows it (inferred fill).
      return;
    }
    const spot = { ts: m.ts, account: m.account, instrument: m.instrument, order };
    if (r.kind === 'ack') {
      const fate = this.ackFate.get(r.execId);
      this.ackFate.delete(r.execId);
      if (fate === 'hold') this.heldAcks.set(keyOf(m.account, order), m);
      else if (fate !== 'drop') this.sink(m);
      return;
    }
    this.sink(m);
    this.releaseHeldAck(m.account, order);
    if ((r.kind === 'fill' || r.kind === 'partial_fill') && this.roll('duplicate-fill', spot)) {
      this.recordFault('duplicate-fill', spot, `execution ${r.execId} of ${order} delivered twice`);
      this.sink(m);
    } else if (r.kind === 'cancelled' && this.venue.leavesOf(m.account, order) > 0 && this.roll('fill-after-cancel', spot)) {
      this.lateFills.push({ account: m.account, instrument: m.instrument, clientOrderId: order, qty: this.venue.leavesOf(m.account, order) });
    }
  }

  private releaseHeldAck(account: string, clientOrderId: string): void {
    const held = this.heldAcks.get(keyOf(account, clientOrderId));
    if (held === undefined) return;
    this.heldAcks.delete(keyOf(account, clientOrderId));
    this.sink(held);
  }

  private answerPositions(m: PositionsMessage): void {
    if (this.outage !== null) return;
    const prev = this.lastSnapshot.get(m.account);
    if (prev !== undefined && prev.asOf < m.asOf) {
      const changed = m.positions.find((s) => (prev.positions.find((p) => p.instrument === s.instrument)?.position ?? 0) !== s.position);
      const spot = { ts: m.ts, account: m.account, instrument: changed?.instrument ?? '*', order: null };
      if (changed !== undefined && this.roll('stale-snapshot', spot)) {
        this.recordFault('stale-snapshot', spot, `position snapshot answered from ${new Date(prev.asOf).toISOString()} (asOf ${prev.asOf}) instead of now`, undefined, m.requestId);
        // The old snapshot, stamped with its time, for every instrument the venue lists now (flat then if absent).
        this.sink({ ...m, asOf: prev.asOf, positions: m.positions.map((s) => ({ ...s, position: prev.positions.find((p) => p.instrument === s.instrument)?.position ?? 0 })),
          raw: { ...(m.raw as object), stale: true } });
        return;
      }
    }
    this.lastSnapshot.set(m.account, m);
    this.sink(m);
  }

  // ------------------------------------------------------------------ market data and time

  onBar(bar: Bar): void {
    this.tick(bar.ts);
    this.venue.onBar(bar);
    // What the venue did on the bar passes first (a cancel it accepted may schedule a late fill), then what is injected on it.
    this.inner.advance(bar.ts);
    if (this.outage === null && this.active) this.injectOnBar(bar);
    this.inner.advance(bar.ts);
  }

  advance(ts: number): void {
    this.tick(ts);
    this.inner.advance(ts);
  }

  /** When the venue next acts without a bar (see SimGateway.venueDueTs). */
  venueDueTs(): number | null {
    return this.inner.venueDueTs();
  }

  private injectOnBar(bar: Bar): void {
    const ins = bar.instrument;
    if (this.lateFills.length > 0) {
      const keep: typeof this.lateFills = [];
      for (const f of this.lateFills) {
        if (f.instrument !== ins.id) { keep.push(f); continue; }
        const spot = { ts: bar.ts, account: f.account, instrument: f.instrument, order: f.clientOrderId };
        this.recordFault('fill-after-cancel', spot, `${f.clientOrderId} filled for ${formatSigned(f.qty, ins.sizeScale)} after its cancel was accepted`);
        const execId = this.venue.forceFill(bar.ts, f.account, f.clientOrderId, f.qty, bar.open);
        if (execId !== null) this.bypass.add(execId);
      }
      this.lateFills = keep;
    }
    const account = this.defaultAccount;
    const spot = { ts: bar.ts, account, instrument: ins.id, order: null };
    const unknown = this.roll('unknown-order-at-provider', spot);
    if (unknown) {
      const delta = this.quantityOf(unknown, ins);
      const n = ++this.externalSeq;
      const id = `EXT-${String(n).padStart(6, '0')}`;
      const execId = `EX-${String(n).padStart(6, '0')}`;
      this.recordFault('unknown-order-at-provider', { ...spot, order: id }, `fill of ${formatSigned(delta, ins.sizeScale)} for ${id}, an order nobody here sent`);
      this.truthChanges.push({ account, instrument: ins.id, fault: 'unknown-order-at-provider', delta });
      this.bypass.add(execId);
      this.venue.bookExternal(bar.ts, account, ins, delta, bar.close, { clientOrderId: id, providerOrderId: `PX-${String(n).padStart(6, '0')}`, execId });
    }
    const external = this.roll('external-position-change', spot);
    if (external) {
      const delta = this.quantityOf(external, ins);
      this.recordFault('external-position-change', spot, `position changed by ${formatSigned(delta, ins.sizeScale)} on ${ins.id} without any order (external trade)`);
      this.truthChanges.push({ account, instrument: ins.id, fault: 'external-position-change', delta });
      this.venue.bookExternal(bar.ts, account, ins, delta, bar.close, null);
    }
  }

  private quantityOf(r: ActiveRule, ins: Instrument): number {
    if (r.rule.quantity !== undefined) {
      const q = tryParseFixed(r.rule.quantity, ins.sizeScale);
      if (q !== undefined && q !== 0 && q % ins.lot === 0) return q;
    }
    const lots = 1 + (r.rng.nextU32() % 3);
    return (r.rng.nextU32() % 2 === 0 ? 1 : -1) * lots * ins.lot;
  }
}
