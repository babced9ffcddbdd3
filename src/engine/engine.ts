/**
 * The engine: one single-threaded sequencer that drives the pipeline
 *   market data -> signal -> portfolio (B01) -> risk (B02) -> execution (B03) -> provider -> reconciliation (B04) -> operator view
 * It calls the pure deciders, appends every record they return to the journal (which assigns
 * seq and hash), folds the journaled record into each boundary's state, publishes it on the bus,
 * and routes commands to the provider port. It owns no decision itself.
 */
import { ReckonError } from '../domain/errors.js';
import { formatSigned } from '../domain/fixed-point.js';
import { fmtPrice, fmtQty, notional } from '../domain/instrument.js';
import { positionKey, signOf, type Instrument } from '../domain/types.js';
import type { RunConfig } from '../config/load.js';
import type { Bar, RejectedRow } from '../marketdata/bar.js';
import type { MarketDrivenProvider, ProviderEvent } from '../provider/port.js';
import type { JournalStore } from '../journal/store.js';
import type { AnyDraft, JournalRecord, ReconTrigger } from '../records/records.js';
import { InProcessBus } from '../bus/in-process.js';
import { createStrategy } from '../strategy/registry.js';
import type { Strategy, TargetSignal } from '../strategy/strategy.js';
import { decidePortfolio, evolvePortfolio, initialPortfolioState, desiredOf, type PortfolioState } from '../portfolio/portfolio.js';
import { decideRisk, evolveRisk, initialRiskState, tradingStateOf, type RiskLimits, type RiskState } from '../risk/risk.js';
import { evolveExecution, initialExecutionState, positionOf, workingOf, type ExecutionState } from '../execution/state.js';
import { planOrders, type ExecutionSettings, type PlannedAction } from '../execution/planner.js';
import { decideProviderEvent } from '../execution/provider-events.js';
import { decideReconciliation, decideRecovery, evolveRecon, flagDraft, initialReconState, type ReconSettings, type ReconState } from '../reconciliation/reconciliation.js';
import { evolveIncidents, initialIncidentState, type IncidentState } from '../operator/incidents.js';
import { EquityTracker } from './equity.js';

export interface EngineOptions {
  readonly config: RunConfig;
  readonly journal: JournalStore;
  readonly provider: MarketDrivenProvider;
  readonly bus?: InProcessBus;
  /** Prefix of deterministic intent ids: `<prefix><n>` with n zero-padded to 3 digits. */
  readonly intentIdPrefix?: string;
  /** Commit the journal after every bar that produced records (live mode: durable before routing). */
  readonly flushEachBar?: boolean;
  /** Receives every bar after the engine has seen it (e.g. the price aggregation for the report). */
  readonly marketObserver?: (bar: Bar) => void;
  /** Sample equity hourly (for the summary and report). */
  readonly trackEquity?: boolean;
}

export class Engine {
  readonly bus: InProcessBus;
  readonly portfolio: PortfolioState = initialPortfolioState();
  readonly risk: RiskState;
  readonly execution: ExecutionState;
  readonly recon: ReconState = initialReconState();
  readonly incidents: IncidentState = initialIncidentState();
  readonly counts = {
    marketEvents: 0, intents: 0, riskAccepted: 0, riskRejected: 0, orders: 0, providerEvents: 0,
    fills: 0, providerRejected: 0, reconciliations: 0, drifts: 0, flags: 0, badRows: 0,
  };
  /** Last close per instrument index (undefined until the first bar). */
  readonly lastPrice: (number | undefined)[];
  private readonly cfg: RunConfig;
  private readonly journal: JournalStore;
  private readonly provider: MarketDrivenProvider;
  private readonly strategies: Strategy[][];
  private readonly limits: RiskLimits[];
  private readonly execSettings: ExecutionSettings;
  private readonly reconSettings: ReconSettings;
  private readonly intentPrefix: string;
  private readonly flushEachBar: boolean;
  readonly equity: EquityTracker | undefined;
  private readonly marketObserver: ((bar: Bar) => void) | undefined;
  /** Pairs that are reconciled on the interval: every (account, instrument) a strategy trades. */
  private readonly pairs: { account: string; instrument: Instrument }[] = [];
  private nextReconTs = -1;
  private now = 0;
  private dirty = false;

  constructor(opts: EngineOptions) {
    const c = (this.cfg = opts.config);
    this.journal = opts.journal;
    this.provider = opts.provider;
    this.bus = opts.bus ?? new InProcessBus();
    this.intentPrefix = opts.intentIdPrefix ?? 'intent-';
    this.flushEachBar = opts.flushEachBar ?? false;
    this.equity = opts.trackEquity ? new EquityTracker(() => this.equityNow()) : undefined;
    this.marketObserver = opts.marketObserver;
    this.risk = initialRiskState(c.instruments.map((i) => [i.id, c.limits.get(i.id)!.tradingState]), c.raw.risk.killSwitch);
    this.execution = initialExecutionState(new Map(c.accounts.map((a) => [a.id, a.startingCash])));
    this.lastPrice = c.instruments.map(() => undefined);
    this.strategies = c.instruments.map(() => []);
    for (const s of c.strategies) {
      const inst = c.instrumentById.get(s.instrument)!;
      this.strategies[inst.index]!.push(createStrategy(s, inst, c.strategyQty.get(s.id)!));
      if (!this.pairs.some((p) => p.account === s.account && p.instrument === inst)) this.pairs.push({ account: s.account, instrument: inst });
    }
    this.limits = c.instruments.map((i) => {
      const l = c.limits.get(i.id)!;
      return {
        maxPosition: l.maxPosition, maxOrderQty: l.maxOrderQty,
        maxOrderNotional: c.money.maxOrderNotional, maxGrossExposure: c.money.maxGrossExposure,
        orderRate: c.raw.risk.orderRate, priceCollarBps: c.raw.risk.priceCollarBps,
      };
    });
    this.execSettings = c.raw.execution;
    this.reconSettings = c.raw.reconciliation;
  }

  /** Appends a draft, folds it into every boundary's state and publishes it. */
  append(draft: AnyDraft): JournalRecord {
    const record = this.journal.append(draft);
    this.dirty = true;
    this.apply(record);
    this.bus.publish(record);
    return record;
  }

  /** Folds one journaled record into all boundary states (the same fold replay uses). */
  apply(record: JournalRecord): void {
    const inst = record.instrument === null ? undefined : this.cfg.instrumentById.get(record.instrument);
    evolvePortfolio(this.portfolio, record, inst);
    evolveRisk(this.risk, record, this.cfg.raw.risk.orderRate.windowMs);
    evolveExecution(this.execution, record, inst);
    evolveRecon(this.recon, record);
    evolveIncidents(this.incidents, record);
    this.count(record);
  }

  /** The first record of a run: what drove it (config hash, seed, input identity). */
  start(run: { runId: string; dataName: string; dataBytes: number; mode: 'replay' | 'live' | 'scenario'; version: string }): void {
    this.append({
      ts: 0, type: 'S00.run', account: '*', instrument: null, correlationId: null, causationSeq: null,
      payload: {
        kind: 'run_started', runId: run.runId, configHash: this.cfg.hash, seed: this.cfg.seed,
        data: { name: run.dataName, bytes: run.dataBytes }, mode: run.mode, reckonVersion: run.version,
      },
    });
  }

  /** One market event through the whole pipeline. */
  onBar(bar: Bar): void {
    const idx = bar.instrument.index;
    this.now = bar.ts;
    this.counts.marketEvents++;
    this.lastPrice[idx] = bar.close;
    if (this.marketObserver) this.marketObserver(bar);

    this.provider.onBar(bar);
    const events = this.provider.poll(bar.ts);
    if (events.length > 0) this.onProviderEvents(events);

    const strategies = this.strategies[idx]!;
    for (let i = 0; i < strategies.length; i++) {
      const s = strategies[i]!;
      const t = s.onBar(bar);
      if (t !== null) this.onTarget(s, t, bar);
    }

    if (this.nextReconTs < 0) this.nextReconTs = bar.ts + this.cfg.raw.reconciliation.intervalMs;
    else if (bar.ts >= this.nextReconTs) {
      this.reconcileAll('interval', bar.ts);
      while (this.nextReconTs <= bar.ts) this.nextReconTs += this.cfg.raw.reconciliation.intervalMs;
    }
    if (this.equity) this.equity.onBar(bar.ts);
    if (this.flushEachBar && this.dirty) this.flush();
  }

  /** Cash (expected, from fills) plus provider-confirmed positions at the last price, over all accounts. */
  equityNow(): { equity: number; cash: number } {
    let cash = 0;
    for (const c of this.execution.cash.values()) cash += c;
    let value = 0;
    for (const [key, pos] of this.execution.positions) {
      if (pos.confirmed === 0) continue;
      const inst = this.cfg.instrumentById.get(key.slice(key.indexOf('|') + 1))!;
      const last = this.lastPrice[inst.index];
      if (last !== undefined) value += Math.sign(pos.confirmed) * notional(inst, last, Math.abs(pos.confirmed));
    }
    return { equity: cash + value, cash };
  }

  /** A quarantined input row: flagged so it is never dropped silently. */
  onRejectedRow(row: RejectedRow): void {
    this.append(flagDraft(
      { ts: this.now, account: '*', instrument: null, correlationId: null, causationSeq: null },
      'BAD_INPUT_QUARANTINED', `${row.file}:${row.line}: ${row.reason}`, { file: row.file, line: row.line, reason: row.reason },
    ));
  }

  /** End of input: drain the provider, reconcile everything once more, close the run record. */
  finish(result: { dataSha256: string; lastLine: number }): void {
    const events = this.provider.poll(this.now);
    if (events.length > 0) this.onProviderEvents(events);
    this.reconcileAll('end_of_run', this.now);
    this.equity?.sample(this.now, true);
    this.append({
      ts: this.now, type: 'S00.run', account: '*', instrument: null, correlationId: null, causationSeq: null,
      payload: { kind: 'run_completed', marketEvents: this.counts.marketEvents, badRows: this.counts.badRows, dataSha256: result.dataSha256, lastLine: result.lastLine },
    });
    this.flush();
  }

  flush(): void {
    this.journal.flush();
    this.dirty = false;
  }

  /** Event time of the last market event. */
  get clock(): number { return this.now; }

  // ------------------------------------------------------------------ signal -> portfolio -> risk -> execution

  private onTarget(s: Strategy, t: TargetSignal, bar: Bar): void {
    const inst = s.instrument;
    const intentId = this.intentPrefix + String(this.counts.intents + 1).padStart(3, '0');
    const intent = this.append({
      ts: bar.ts, type: 'S01.intent', account: s.account, instrument: inst.id, correlationId: intentId, causationSeq: null,
      payload: {
        kind: 'intent', intentId, strategyId: s.id, mode: 'target', quantity: formatSigned(t.target, inst.sizeScale),
        signal: t.signal, bar: { line: bar.line, ts: bar.ts, close: fmtPrice(inst, bar.close) },
      },
    }) as JournalRecord<'S01.intent'>;
    this.onIntent(intent, inst);
  }

  /** Portfolio nets the intent; a changed desired position is planned, risk-checked and routed. */
  onIntent(intent: JournalRecord<'S01.intent'>, inst: Instrument): void {
    const desired = decidePortfolio(this.portfolio, intent, inst);
    if (desired === null) return;
    const s02 = this.append(desired);
    this.executeDesired(intent.account, inst, intent.payload.intentId, s02.seq);
  }

  private executeDesired(account: string, inst: Instrument, intentId: string, causationSeq: number): void {
    const desired = desiredOf(this.portfolio, account, inst.id);
    const last = this.lastPrice[inst.index];
    const actions = planOrders(this.execution, account, inst, desired, last ?? 0, intentId, this.execSettings);
    for (const a of actions) this.route(account, inst, intentId, causationSeq, a);
  }

  private route(account: string, inst: Instrument, intentId: string, causationSeq: number, a: PlannedAction): void {
    const ts = this.now;
    if (a.kind === 'cancel') {
      this.append({ ts, type: 'S04.order', account, instrument: inst.id, correlationId: intentId, causationSeq,
        payload: { kind: 'cancel', clientOrderId: a.order.clientOrderId, reason: a.reason } });
      this.provider.cancel(ts, { account, instrument: inst, clientOrderId: a.order.clientOrderId });
      return;
    }
    const pos = this.execution.positions.get(positionKey(account, inst.id));
    const confirmed = pos?.confirmed ?? 0;
    const working = workingOf(pos);
    const replaced = a.kind === 'replace' ? a.order : null;
    const replacedLeaves = replaced ? signOf(replaced.side) * (replaced.quantity - replaced.cumQty) : 0;
    const side = replaced ? replaced.side : a.kind === 'submit' ? a.side : 'buy';
    const addQty = replaced ? a.quantity - replaced.cumQty : a.quantity;
    const decision = this.append(decideRisk(this.risk, {
      ts, account, instrument: inst, correlationId: intentId, causationSeq,
      action: a.kind, clientOrderId: a.clientOrderId, origClientOrderId: replaced ? replaced.clientOrderId : null,
      side, type: replaced ? replaced.type : a.kind === 'submit' ? a.type : 'market',
      timeInForce: replaced ? replaced.timeInForce : a.kind === 'submit' ? a.timeInForce : 'DAY',
      quantity: addQty, orderQuantity: a.quantity, limitPrice: a.limitPrice,
      lastPrice: this.lastPrice[inst.index],
      projectedBefore: confirmed + working - replacedLeaves,
      grossOthers: this.grossExposure(account, inst),
    }, this.limits[inst.index]!)) as JournalRecord<'S03.risk'>;
    if (decision.payload.decision === 'rejected') {
      this.append(flagDraft({ ts, account, instrument: inst.id, correlationId: intentId, causationSeq: decision.seq },
        'RISK_REJECTED', `${decision.payload.ruleId}: ${decision.payload.reason} (limit ${decision.payload.limit}, observed ${decision.payload.observed})`,
        { rule: decision.payload.ruleId, limit: decision.payload.limit, observed: decision.payload.observed }));
      return;
    }
    if (a.kind === 'submit') {
      this.append({ ts, type: 'S04.order', account, instrument: inst.id, correlationId: intentId, causationSeq: decision.seq,
        payload: { kind: 'submit', clientOrderId: a.clientOrderId, attempt: a.attempt, side: a.side, type: a.type, timeInForce: a.timeInForce,
          quantity: fmtQty(inst, a.quantity), limitPrice: a.limitPrice === null ? null : fmtPrice(inst, a.limitPrice) } });
      this.provider.submit(ts, { account, instrument: inst, clientOrderId: a.clientOrderId, side: a.side, type: a.type,
        timeInForce: a.timeInForce, quantity: a.quantity, limitPrice: a.limitPrice });
    } else {
      const orig = a.order.clientOrderId;
      this.append({ ts, type: 'S04.order', account, instrument: inst.id, correlationId: intentId, causationSeq: decision.seq,
        payload: { kind: 'replace', clientOrderId: a.clientOrderId, origClientOrderId: orig, attempt: a.attempt, side: a.order.side,
          quantity: fmtQty(inst, a.quantity), limitPrice: a.limitPrice === null ? null : fmtPrice(inst, a.limitPrice) } });
      this.provider.replace(ts, { account, instrument: inst, origClientOrderId: orig, clientOrderId: a.clientOrderId, quantity: a.quantity, limitPrice: a.limitPrice });
    }
  }

  /** Sum over the account's other instruments of |confirmed + working| at the last price (money). */
  private grossExposure(account: string, except: Instrument): number {
    let gross = 0;
    for (const inst of this.cfg.instruments) {
      if (inst === except) continue;
      const pos = this.execution.positions.get(positionKey(account, inst.id));
      const last = this.lastPrice[inst.index];
      if (!pos || last === undefined) continue;
      gross += notional(inst, last, Math.abs(pos.confirmed + workingOf(pos)));
    }
    return gross;
  }

  // ------------------------------------------------------------------ provider -> reconciliation

  private onProviderEvents(events: readonly ProviderEvent[]): void {
    const touched = new Map<string, { account: string; instrument: Instrument; correlationId: string | null; seq: number }>();
    for (const ev of events) {
      const inst = this.cfg.instrumentById.get(ev.instrument);
      if (!inst) throw new ReckonError('INVARIANT', `provider event for unknown instrument ${ev.instrument}`);
      const p = ev.payload;
      const order = p.kind === 'position_report' ? undefined : this.execution.orders.get(p.clientOrderId);
      const draft: AnyDraft = {
        ts: ev.ts, type: 'S05.provider', account: ev.account, instrument: inst.id,
        correlationId: order?.intentId ?? null, causationSeq: order?.lastCommandSeq ?? null, payload: p,
      };
      // Flags are decided on the state before the event is folded (duplicate, late fill, illegal transition).
      const followUps = decideProviderEvent(this.execution, draft as AnyDraft & { type: 'S05.provider' }, inst);
      const rec = this.append(draft);
      for (const f of followUps) this.append({ ...f, causationSeq: rec.seq });
      touched.set(positionKey(ev.account, inst.id), { account: ev.account, instrument: inst, correlationId: rec.correlationId, seq: rec.seq });
    }
    for (const t of touched.values()) this.reconcile(t.account, t.instrument, 'provider_event', t.correlationId, t.seq, this.now);
  }

  /** Snapshot every reconciled pair at the provider and reconcile it. */
  reconcileAll(trigger: ReconTrigger, ts: number): void {
    for (const p of this.pairs) this.reconcile(p.account, p.instrument, trigger, null, null, ts);
  }

  private reconcile(account: string, inst: Instrument, trigger: ReconTrigger, correlationId: string | null, causationSeq: number | null, ts: number): void {
    const snap = this.provider.positions(ts, account).find((s) => s.instrument === inst.id);
    const position = snap?.position ?? 0;
    const report = this.append({
      ts, type: 'S05.provider', account, instrument: inst.id, correlationId, causationSeq,
      payload: { kind: 'position_report', position: formatSigned(position, inst.sizeScale), asOf: ts, raw: snap ?? { position: 0 } },
    });
    const pos = positionOf(this.execution, account, inst.id);
    const before = this.recon.positions.get(positionKey(account, inst.id))?.classification ?? 'IN_SYNC';
    const check = this.append(decideReconciliation(this.recon, {
      ts, account, instrument: inst, trigger, correlationId, causationSeq: report.seq,
      desired: desiredOf(this.portfolio, account, inst.id), expected: pos.expected, confirmed: pos.confirmed, working: workingOf(pos),
    }, this.reconSettings)) as JournalRecord<'S06.reconciliation'>;
    for (const d of decideRecovery(before, check, inst, tradingStateOf(this.risk, inst.id), this.reconSettings)) this.append(d);
  }

  private count(r: JournalRecord): void {
    const c = this.counts;
    switch (r.type) {
      case 'S01.intent': c.intents++; break;
      case 'S03.risk': if (r.payload.decision === 'accepted') c.riskAccepted++; else c.riskRejected++; break;
      case 'S04.order': if (r.payload.kind === 'submit') c.orders++; break;
      case 'S05.provider':
        if (r.payload.kind === 'position_report') break;
        c.providerEvents++;
        if (r.payload.kind === 'fill' || r.payload.kind === 'partial_fill') c.fills++;
        else if (r.payload.kind === 'reject') c.providerRejected++;
        break;
      case 'S06.reconciliation':
        if (r.payload.kind === 'reconciliation') { c.reconciliations++; if (r.payload.classification === 'DRIFT') c.drifts++; }
        break;
      case 'S07.operator':
        if (r.payload.kind === 'flag' || r.payload.kind === 'incident_opened') c.flags++;
        if (r.payload.kind === 'flag' && r.payload.code === 'BAD_INPUT_QUARANTINED') c.badRows++;
        break;
      default: break;
    }
  }
}

