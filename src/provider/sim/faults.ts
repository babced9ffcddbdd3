/**
 * FaultyVenue: the simulated venue with seeded, deterministic fault injection (DESIGN §7). Every
 * fault it injects is reported through `drainFaults()`, which the engine journals as an S05
 * `fault_injected` record (simulation metadata) before the records the fault affects.
 *
 * What each kind does at the venue (the engine's reaction is in docs/scenarios.md):
 * - drop-ack: the ack is never delivered (the order is accepted and trades normally).
 * - duplicate-fill: a fill is delivered twice with the same execution id.
 * - fill-before-ack: the ack is held back and delivered right after the order's next event (its fill).
 * - fill-after-cancel: after accepting a cancel, the venue fills the open quantity anyway, on the
 *   instrument's next bar at its open (position and cash change; the venue keeps status cancelled).
 * - reject: a submit is refused (reason "injected reject") instead of being processed.
 * - unknown-order-at-provider: a fill for a client order id nobody sent (EXT-…) at the bar's close:
 *   the position changes and the fill is delivered.
 * - order-missing-at-provider: the venue silently loses an order right after acking it (before
 *   it can trade): no event; queries answer not_found.
 * - disconnect-with-gap: the request being sent fails with ProviderUnreachableError (it reached
 *   the venue or not: `delivered`, else a seeded choice) and the venue is unreachable for `gapMs`:
 *   every call throws, events produced in the gap are lost (each loss is reported), the venue
 *   keeps trading. No other fault is injected during a gap.
 * - external-position-change: the position changes without any order or event.
 * - stale-snapshot: a position snapshot is answered with the previous answer given (its older asOf).
 *
 * Choices use one seeded RNG per rule, so adding a rule does not change another rule's choices.
 */
import { seededRng, type Rng } from '../../domain/context.js';
import { formatSigned, tryParseFixed } from '../../domain/fixed-point.js';
import type { Instrument } from '../../domain/types.js';
import type { Bar } from '../../marketdata/bar.js';
import type { FaultKind } from '../../records/records.js';
import {
  ProviderUnreachableError,
  type CancelRequest, type InjectedFault, type OrderStatusReport, type PositionSnapshot, type ProviderEvent, type ReplaceRequest, type SubmitRequest,
} from '../port.js';
import { DEFAULT_GAP_MS, type FaultPlan, type FaultRule } from './fault-plan.js';
import { SimVenue, type SimVenueConfig } from './venue.js';

interface ActiveRule {
  readonly rule: FaultRule;
  readonly rng: Rng;
  used: number;
}

/** Where an opportunity happens, for the rule filters. */
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

/** What the fault did to provider truth without an event we count (for tests and the fault matrix). */
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

/**
 * @example
 * const venue = new FaultyVenue(simConfig, { seed: 17, rules: [{ kind: 'duplicate-fill', probability: 0.05 }] });
 * const engine = new Engine({ config, journal, provider: venue });
 */
export class FaultyVenue extends SimVenue {
  /** Every injection and effect, in order (also journaled through drainFaults). */
  readonly log: InjectedFault[] = [];
  /** Changes of provider truth no counted event explains: external changes, unknown fills, fills lost in a gap. */
  readonly truthChanges: TruthChange[] = [];

  private readonly rules: ActiveRule[];
  private readonly latencyMs: number;
  private readonly instrumentsById = new Map<string, Instrument>();
  private readonly defaultAccount: string;
  private undrained: InjectedFault[] = [];
  private readonly occurrences = new Map<FaultKind, number>();
  private active = true;
  private now = Number.NEGATIVE_INFINITY;
  private outage: Outage | null = null;
  /** Internal emissions (phantom fills, released acks) bypass fault rolls. */
  private bypass = false;
  private readonly heldAcks = new Map<string, { ev: ProviderEvent }>();
  private lateFills: { account: string; instrument: string; clientOrderId: string; qty: number }[] = [];
  private readonly lastSnapshot = new Map<string, { asOf: number; list: PositionSnapshot[] }>();
  private externalSeq = 0;

  constructor(cfg: SimVenueConfig, plan: FaultPlan) {
    super(cfg);
    this.latencyMs = cfg.latencyMs;
    this.defaultAccount = cfg.accounts[0]?.id ?? '';
    this.rules = plan.rules.map((rule, i) => ({ rule, rng: seededRng((plan.seed ^ hashKind(`${rule.kind}#${i}`)) >>> 0), used: 0 }));
  }

  /** Faults injected since the last call, oldest first. */
  drainFaults(): InjectedFault[] {
    if (this.undrained.length === 0) return [];
    const out = this.undrained;
    this.undrained = [];
    return out;
  }

  /**
   * Stops injecting: the venue heals (an outage ends, held acks are delivered, pending late
   * fills never happen). Used to measure convergence after a faulty run.
   */
  stopFaults(): void {
    this.active = false;
    this.outage = null;
    this.lateFills = [];
    const held = [...this.heldAcks.values()];
    this.heldAcks.clear();
    this.bypass = true;
    for (const h of held) super.emit(h.ev);
    this.bypass = false;
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

  private recordFault(kind: FaultKind, spot: Spot, detail: string, occurrence?: number): number {
    const n = occurrence ?? (this.occurrences.get(kind) ?? 0) + 1;
    if (occurrence === undefined) this.occurrences.set(kind, n);
    const f: InjectedFault = { ts: spot.ts, account: spot.account, instrument: spot.instrument, fault: kind, occurrence: n, detail, affects: spot.order };
    this.undrained.push(f);
    this.log.push(f);
    return n;
  }

  /** Advances the fault clock; an outage ends once time reaches its end. */
  private tick(ts: number): void {
    if (ts > this.now) this.now = ts;
    if (this.outage !== null && this.now >= this.outage.until) this.outage = null;
  }

  private unreachable(op: string): never {
    const o = this.outage!;
    throw new ProviderUnreachableError(op, `provider unreachable (${op}): connection lost at ${new Date(o.from).toISOString()}`);
  }

  // ------------------------------------------------------------------ requests

  override submit(ts: number, req: SubmitRequest): void {
    this.request(ts, 'submit', req.account, req.instrument, req.clientOrderId, () => {
      const spot = { ts, account: req.account, instrument: req.instrument.id, order: req.clientOrderId };
      if (this.roll('reject', spot)) {
        this.recordFault('reject', spot, `submit of ${req.clientOrderId} refused by injection`);
        this.emit({
          ts: ts + this.latencyMs, account: req.account, instrument: req.instrument.id,
          payload: { kind: 'reject', clientOrderId: req.clientOrderId, providerOrderId: null, reason: 'injected reject',
            raw: { MsgType: '8', ExecType: '8', OrdStatus: '8', ClOrdID: req.clientOrderId, OrdRejReason: '99', Text: 'injected reject' } },
        });
        return;
      }
      super.submit(ts, req);
    });
  }

  override replace(ts: number, req: ReplaceRequest): void {
    this.request(ts, 'replace', req.account, req.instrument, req.clientOrderId, () => super.replace(ts, req));
  }

  override cancel(ts: number, req: CancelRequest): void {
    this.request(ts, 'cancel', req.account, req.instrument, req.clientOrderId, () => super.cancel(ts, req));
  }

  /** A request: during an outage, or when a disconnect is injected now, it fails ambiguously. */
  private request(ts: number, op: string, account: string, ins: Instrument, clientOrderId: string, send: () => void): void {
    this.tick(ts);
    this.instrumentsById.set(ins.id, ins);
    const spot = { ts, account, instrument: ins.id, order: clientOrderId };
    if (this.outage === null) {
      const r = this.roll('disconnect-with-gap', spot);
      if (r === null) return send();
      const gap = r.rule.gapMs ?? DEFAULT_GAP_MS;
      const delivered = r.rule.delivered ?? r.rng.next() < 0.5;
      const n = this.recordFault('disconnect-with-gap', spot,
        `connection lost while sending ${op} ${clientOrderId} (${delivered ? 'it reached the venue' : 'it never reached the venue'}); unreachable until ${new Date(ts + gap).toISOString()}`);
      this.outage = { from: ts, until: ts + gap, occurrence: n };
      if (delivered) send();
      this.unreachable(op);
    }
    this.recordFault('disconnect-with-gap', spot, `${op} ${clientOrderId} sent during the outage: never reached the venue`, this.outage.occurrence);
    this.unreachable(op);
  }

  // ------------------------------------------------------------------ events

  protected override emit(ev: ProviderEvent): void {
    if (this.bypass) return super.emit(ev);
    const p = ev.payload;
    const order = p.kind === 'position_report' || p.kind === 'fault_injected' || p.kind === 'status' ? null : p.clientOrderId;
    if (this.outage !== null && ev.ts >= this.outage.from && ev.ts < this.outage.until) {
      this.recordFault('disconnect-with-gap', { ts: ev.ts, account: ev.account, instrument: ev.instrument, order },
        `${p.kind}${p.kind === 'fill' || p.kind === 'partial_fill' ? ` of ${p.lastQty} (${p.execId})` : ''} for ${order ?? '-'} lost in the gap`, this.outage.occurrence);
      if ((p.kind === 'fill' || p.kind === 'partial_fill') && order !== null) {
        const ins = this.instrumentsById.get(ev.instrument);
        const qty = ins ? tryParseFixed(p.lastQty, ins.sizeScale) ?? 0 : 0;
        this.truthChanges.push({ account: ev.account, instrument: ev.instrument, fault: 'disconnect-with-gap', delta: p.side === 'buy' ? qty : -qty });
      }
      return;
    }
    const spot = { ts: ev.ts, account: ev.account, instrument: ev.instrument, order };
    if (p.kind === 'ack') {
      if (this.roll('drop-ack', spot)) {
        this.recordFault('drop-ack', spot, `ack of ${p.clientOrderId} dropped: never delivered`);
        return;
      }
      if (this.roll('fill-before-ack', spot)) {
        this.recordFault('fill-before-ack', spot, `ack of ${p.clientOrderId} held back: delivered after the order's next event`);
        this.heldAcks.set(keyOf(ev.account, p.clientOrderId), { ev });
        return;
      }
      super.emit(ev);
      // The venue has booked the order before acking it: it can lose it right away, before any match.
      if (this.roll('order-missing-at-provider', spot) && this.forgetOrder(ev.account, p.clientOrderId)) {
        this.recordFault('order-missing-at-provider', spot, `order ${p.clientOrderId} silently lost by the venue right after its ack (no event)`);
      }
      return;
    }
    super.emit(ev);
    if (order !== null) this.releaseHeldAck(ev.account, order);
    if ((p.kind === 'fill' || p.kind === 'partial_fill') && this.roll('duplicate-fill', spot)) {
      this.recordFault('duplicate-fill', spot, `execution ${p.execId} of ${p.clientOrderId} delivered twice`);
      super.emit(ev);
    } else if (p.kind === 'cancelled' && this.leavesOf(ev.account, p.clientOrderId) > 0 && this.roll('fill-after-cancel', spot)) {
      this.lateFills.push({ account: ev.account, instrument: ev.instrument, clientOrderId: p.clientOrderId, qty: this.leavesOf(ev.account, p.clientOrderId) });
    }
  }

  private releaseHeldAck(account: string, clientOrderId: string): void {
    const held = this.heldAcks.get(keyOf(account, clientOrderId));
    if (held === undefined) return;
    this.heldAcks.delete(keyOf(account, clientOrderId));
    super.emit(held.ev);
  }

  // ------------------------------------------------------------------ market data

  override onBar(bar: Bar): void {
    this.tick(bar.ts);
    this.instrumentsById.set(bar.instrument.id, bar.instrument);
    super.onBar(bar);
    if (this.outage !== null || !this.active) return;
    const ins = bar.instrument;
    if (this.lateFills.length > 0) {
      const keep: typeof this.lateFills = [];
      for (const f of this.lateFills) {
        if (f.instrument !== ins.id) { keep.push(f); continue; }
        const spot = { ts: bar.ts, account: f.account, instrument: f.instrument, order: f.clientOrderId };
        this.recordFault('fill-after-cancel', spot, `${f.clientOrderId} filled for ${formatSigned(f.qty, ins.sizeScale)} after its cancel was accepted`);
        this.bypass = true;
        this.forceFill(bar.ts, f.account, f.clientOrderId, f.qty, bar.open);
        this.bypass = false;
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
      this.recordFault('unknown-order-at-provider', { ...spot, order: id }, `fill of ${formatSigned(delta, ins.sizeScale)} for ${id}, an order nobody here sent`);
      this.truthChanges.push({ account, instrument: ins.id, fault: 'unknown-order-at-provider', delta });
      this.bypass = true;
      this.bookExternal(bar.ts, account, ins, delta, bar.close, { clientOrderId: id, providerOrderId: `PX-${String(n).padStart(6, '0')}`, execId: `EX-${String(n).padStart(6, '0')}` });
      this.bypass = false;
    }
    const external = this.roll('external-position-change', spot);
    if (external) {
      const delta = this.quantityOf(external, ins);
      this.recordFault('external-position-change', spot, `position changed by ${formatSigned(delta, ins.sizeScale)} on ${ins.id} without any order (external trade)`);
      this.truthChanges.push({ account, instrument: ins.id, fault: 'external-position-change', delta });
      this.bookExternal(bar.ts, account, ins, delta, bar.close, null);
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

  // ------------------------------------------------------------------ polls and queries

  override poll(ts: number): ProviderEvent[] {
    this.tick(ts);
    // In a gap the venue keeps trading on bars; what it emits then is lost in emit().
    if (this.outage !== null) this.unreachable('poll');
    return super.poll(ts);
  }

  override positions(ts: number, account: string): PositionSnapshot[] {
    this.tick(ts);
    if (this.outage !== null) this.unreachable('positions');
    const fresh = super.positions(ts, account).map((s) => ({ ...s, asOf: ts }));
    const prev = this.lastSnapshot.get(account);
    if (prev !== undefined && prev.asOf < ts) {
      const changed = fresh.find((s) => (prev.list.find((p) => p.instrument === s.instrument)?.position ?? 0) !== s.position);
      if (changed !== undefined && this.roll('stale-snapshot', { ts, account, instrument: changed.instrument, order: null })) {
        this.recordFault('stale-snapshot', { ts, account, instrument: changed.instrument, order: null },
          `position snapshot answered from ${new Date(prev.asOf).toISOString()} (asOf ${prev.asOf}) instead of now`);
        // The old snapshot, stamped with its time, for every instrument the venue lists now (flat then if absent).
        return fresh.map((s) => ({ ...s, position: prev.list.find((p) => p.instrument === s.instrument)?.position ?? 0, asOf: prev.asOf }));
      }
    }
    this.lastSnapshot.set(account, { asOf: ts, list: fresh });
    return fresh;
  }

  override openOrders(ts: number, account: string): OrderStatusReport[] {
    this.tick(ts);
    if (this.outage !== null) this.unreachable('openOrders');
    return super.openOrders(ts, account);
  }

  override queryOrder(ts: number, account: string, clientOrderId: string): OrderStatusReport | 'not_found' {
    this.tick(ts);
    if (this.outage !== null) this.unreachable('queryOrder');
    return super.queryOrder(ts, account, clientOrderId);
  }
}
