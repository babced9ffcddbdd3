/**
 * The engine: one single-threaded sequencer that drives the pipeline
 *   market data -> signal -> portfolio (B01) -> risk (B02) -> execution (B03) -> provider -> reconciliation (B04) -> operator view
 * It calls the pure deciders, appends every record they return to the journal (which assigns
 * seq and hash), folds the journaled record into each boundary's state, publishes it on the bus,
 * and routes commands to the provider port. It owns no decision itself.
 *
 * Provider outcomes it sequences (DESIGN §4):
 * - In flight: a command without a definitive answer past `inFlightTimeoutMs` (event time) makes
 *   the engine ask the provider (queryOrder) and journal the answer as an S05 `status` record;
 *   unresolved, it raises ORDER_STUCK_IN_FLIGHT once per order. Nothing is ever resubmitted.
 * - Unreachable: a call that throws ProviderUnreachableError opens one PROVIDER_UNREACHABLE
 *   incident per outage; the command that failed stays in flight (never a reject); routing pauses
 *   (intents and desired positions are still journaled); every bar polls; the first answer flags
 *   PROVIDER_RECONNECTED, reconciles by mass order status and positions (trigger 'reconnect'),
 *   then re-plans the paused pairs.
 * - Reconciliation (interval, reconnect, end of run) checks open orders against the mass order
 *   status first, then positions; after provider events it checks the touched positions.
 * - A position snapshot older than the last fill or the last applied snapshot is journaled as
 *   stale and flagged, never reconciled on (no false drift).
 * - Simulation: faults a faulty venue injected are journaled (S05 fault_injected) before the
 *   records they affect.
 */
import { ReckonError } from '../domain/errors.js';
import { formatSigned } from '../domain/fixed-point.js';
import { fmtPrice, fmtQty, notional } from '../domain/instrument.js';
import { positionKey, signOf, type Instrument } from '../domain/types.js';
import type { RunConfig } from '../config/load.js';
import type { Bar, RejectedRow } from '../marketdata/bar.js';
import { ProviderUnreachableError, type MarketDrivenProvider, type OrderStatusReport, type PositionSnapshot, type ProviderEvent } from '../provider/port.js';
import type { EmbeddedJournalStore } from '../journal/store.js';
import type { AnyDraft, Draft, JournalRecord, ReconTrigger } from '../records/records.js';
import { InProcessBus } from '../bus/in-process.js';
import { createStrategy } from '../strategy/registry.js';
import type { Strategy, StrategyPorts } from '../strategy/strategy.js';
import { decidePortfolio, evolvePortfolio, initialPortfolioState, desiredOf, type PortfolioState } from '../portfolio/portfolio.js';
import { decideRisk, evolveRisk, initialRiskState, tradingStateOf, type RiskLimits, type RiskState } from '../risk/risk.js';
import { evolveExecution, initialExecutionState, positionOf, statusReportEffect, workingOf, type ExecutionState, type OrderState } from '../execution/state.js';
import { planOrders, type ExecutionSettings, type PlannedAction } from '../execution/planner.js';
import { decideProviderEvent, decideStatusReport, stuckInFlightIncident } from '../execution/provider-events.js';
import { OPEN } from '../execution/order-lifecycle.js';
import { decideReconciliation, decideRecovery, isQuietCheck, evolveRecon, flagDraft, initialReconState, type ReconSettings, type ReconState } from '../reconciliation/reconciliation.js';
import { decideIncident, evolveIncidents, initialIncidentState, type IncidentCommand, type IncidentState } from '../operator/incidents.js';
import { incidentDraft } from '../reconciliation/reconciliation.js';
import { EquityTracker } from './equity.js';

export interface EngineOptions {
  readonly config: RunConfig;
  readonly journal: EmbeddedJournalStore;
  readonly provider: MarketDrivenProvider;
  readonly bus?: InProcessBus;
  /** Prefix of deterministic intent ids: `<prefix><n>` with n zero-padded to 3 digits. */
  readonly intentIdPrefix?: string;
  /** Live mode: commit the journal before every command is handed to the provider and after every bar that produced records. */
  readonly flushEachBar?: boolean;
  /** Receives every bar after the engine has seen it (e.g. the price aggregation for the report). */
  readonly marketObserver?: (bar: Bar) => void;
  /** Sample equity hourly (for the summary and report). */
  readonly trackEquity?: boolean;
  /** A command without a definitive answer for this long (event time) is queried at the provider (default 30 000 ms). */
  readonly inFlightTimeoutMs?: number;
  /** Strategies loaded before the run (loadStrategies); default: the config's built-ins, created here. */
  readonly strategies?: readonly Strategy[];
}

/** A scripted S01 intent with an explicit id (scenarios, operator tools). */
export interface ScriptedIntent {
  readonly ts: number;
  readonly account: string;
  readonly instrument: string;
  readonly intentId: string;
  readonly strategyId: string;
  readonly mode: 'target' | 'delta';
  /** Signed decimal at the instrument's size increment, e.g. "+2". */
  readonly quantity: string;
  readonly signal?: Readonly<Record<string, number | string>>;
}

/** An operator action through the engine (journaled S07 with actor and reason). */
export type OperatorCommand =
  | IncidentCommand
  | { readonly action: 'kill_switch'; readonly engaged: boolean; readonly actor: string; readonly reason: string; readonly ts: number };

export const DEFAULT_IN_FLIGHT_TIMEOUT_MS = 30_000;

const UNREACHABLE = Symbol('unreachable');

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
  private readonly journal: EmbeddedJournalStore;
  private readonly provider: MarketDrivenProvider;
  private readonly strategies: Strategy[][];
  /** Read-only views strategies consult (desired and confirmed position of a pair). */
  readonly ports: StrategyPorts = {
    position: (account, instrumentId) => ({
      desired: desiredOf(this.portfolio, account, instrumentId),
      confirmed: this.execution.positions.get(positionKey(account, instrumentId))?.confirmed ?? 0,
    }),
  };
  private readonly limits: RiskLimits[];
  private readonly execSettings: ExecutionSettings;
  private readonly reconSettings: ReconSettings;
  private readonly intentPrefix: string;
  private readonly flushEachBar: boolean;
  readonly equity: EquityTracker | undefined;
  private readonly marketObserver: ((bar: Bar) => void) | undefined;
  /** Pairs reconciled on the interval: every configured (account, instrument), the ones strategies trade first. */
  private readonly pairs: { account: string; instrument: Instrument }[] = [];
  private readonly pairKeys = new Set<string>();
  private nextReconTs = -1;
  private now = 0;
  private dirty = false;
  private readonly inFlightTimeoutMs: number;
  /** The open outage, if the provider is known to be unreachable. */
  private down: { readonly incidentId: string; readonly since: number } | null = null;
  /** Pairs whose routing paused while the provider was unreachable: re-planned after reconnect. */
  private readonly deferred = new Map<string, { account: string; instrument: Instrument; intentId: string; causationSeq: number }>();
  /** Client order id -> seq of the command already queried past the timeout. */
  private readonly queried = new Map<string, number>();
  /** Client order id -> outage incident during which its last command threw (ambiguous send). */
  private readonly ambiguous = new Map<string, string>();

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
    for (const s of opts.strategies ?? c.strategies.map((sc) => createStrategy(sc, c, this.ports))) {
      for (const inst of s.instruments) {
        this.strategies[inst.index]!.push(s);
        this.addPair(s.account, inst);
      }
    }
    // Reconciliation covers the whole book: every configured (account, instrument), traded pairs first.
    for (const a of c.accounts) for (const inst of c.instruments) this.addPair(a.id, inst);
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
    this.inFlightTimeoutMs = opts.inFlightTimeoutMs ?? DEFAULT_IN_FLIGHT_TIMEOUT_MS;
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

  /** The first record of a run: what drove it (config hash, seed, input identity, fault plan). */
  start(run: { runId: string; dataName: string; dataBytes: number; mode: 'replay' | 'live' | 'scenario'; version: string; faults?: string }): void {
    this.append({
      ts: 0, type: 'S00.run', account: '*', instrument: null, correlationId: null, causationSeq: null,
      payload: {
        kind: 'run_started', runId: run.runId, configHash: this.cfg.hash, seed: this.cfg.seed,
        data: { name: run.dataName, bytes: run.dataBytes }, mode: run.mode, reckonVersion: run.version,
        ...(run.faults === undefined ? {} : { faults: run.faults }),
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
    this.pollProvider(bar.ts);
    this.checkInFlight(bar.ts);

    const strategies = this.strategies[idx]!;
    for (let i = 0; i < strategies.length; i++) {
      const s = strategies[i]!;
      const r = s.onBar(bar);
      if (r === null) continue;
      if ('fault' in r) this.onStrategyFault(s, r.fault, bar);
      else for (const t of r.targets) this.onTarget(s, t.instrument, t.target, r.signal, bar);
    }

    this.drainFaults();
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

  /**
   * Time passes without a bar (scenario scripts): provider events up to `ts` are applied and
   * in-flight commands past the timeout are queried.
   */
  advance(ts: number): void {
    if (ts < this.now) throw new ReckonError('USAGE', `time goes backwards: ${ts} < ${this.now}`);
    this.now = ts;
    this.pollProvider(ts);
    this.checkInFlight(ts);
  }

  /**
   * A scripted S01 intent with an explicit intent id, through portfolio, risk and execution like
   * a strategy's. The pair joins the interval reconciliation.
   *
   * @example
   * engine.scriptedIntent({ ts, account: 'fixture-account-01', instrument: 'FIX-ALPHA', intentId: 'fixture-intent-017',
   *   strategyId: 'fixture', mode: 'target', quantity: '+2' });
   */
  scriptedIntent(i: ScriptedIntent): JournalRecord<'S01.intent'> {
    const inst = this.cfg.instrumentById.get(i.instrument);
    if (!inst) throw new ReckonError('USAGE', `scripted intent ${i.intentId}: unknown instrument ${i.instrument}`);
    if (!this.cfg.accounts.some((a) => a.id === i.account)) throw new ReckonError('USAGE', `scripted intent ${i.intentId}: unknown account ${i.account}`);
    this.advance(Math.max(i.ts, this.now));
    this.addPair(i.account, inst);
    const last = this.lastPrice[inst.index];
    const intent = this.append({
      ts: this.now, type: 'S01.intent', account: i.account, instrument: inst.id, correlationId: i.intentId, causationSeq: null,
      payload: {
        kind: 'intent', intentId: i.intentId, strategyId: i.strategyId, mode: i.mode, quantity: i.quantity, signal: i.signal ?? { source: 'script' },
        bar: last === undefined ? null : { line: 0, ts: this.now, close: fmtPrice(inst, last) },
      },
    }) as JournalRecord<'S01.intent'>;
    this.onIntent(intent, inst);
    return intent;
  }

  /**
   * An operator action: acknowledge / resolve an incident (releasing the trading state the
   * recovery rule set) or the kill switch. Returns the journaled records.
   *
   * @example
   * engine.operator({ action: 'ack', incidentId: 'INC-41-POSITION_DRIFT', actor: 'ana', reason: 'external trade confirmed', ts });
   */
  operator(cmd: OperatorCommand): JournalRecord[] {
    this.now = Math.max(this.now, cmd.ts);
    if (cmd.action === 'kill_switch') {
      return [this.append({ ts: this.now, type: 'S07.operator', account: '*', instrument: null, correlationId: null, causationSeq: null,
        payload: { kind: 'kill_switch', engaged: cmd.engaged, actor: cmd.actor, reason: cmd.reason } })];
    }
    const d = decideIncident(this.incidents, { ...cmd, ts: this.now }, (i) => tradingStateOf(this.risk, i));
    if (!d.ok) throw new ReckonError('USAGE', d.error);
    return d.records.map((r) => this.append(r));
  }

  /** End of input: drain the provider, reconcile everything once more, close the run record. */
  finish(result: { dataSha256: string; lastLine: number }): void {
    this.pollProvider(this.now);
    this.reconcileAll('end_of_run', this.now);
    this.equity?.sample(this.now, true);
    this.append({
      ts: this.now, type: 'S00.run', account: '*', instrument: null, correlationId: null, causationSeq: null,
      payload: { kind: 'run_completed', marketEvents: this.counts.marketEvents, badRows: this.counts.badRows, dataSha256: result.dataSha256, lastLine: result.lastLine },
    });
    this.flush();
  }

  flush(): void {
    this.journal.commitSync();
    this.dirty = false;
  }

  /** Event time of the last market event. */
  get clock(): number { return this.now; }

  // ------------------------------------------------------------------ signal -> portfolio -> risk -> execution

  private onTarget(s: Strategy, inst: Instrument, target: number, signal: Readonly<Record<string, number | string>>, bar: Bar): void {
    const intentId = this.intentPrefix + String(this.counts.intents + 1).padStart(3, '0');
    // A target on another instrument than the bar's: the driving bar's line and time, that instrument's last close.
    const close = inst === bar.instrument ? bar.close : this.lastPrice[inst.index];
    const intent = this.append({
      ts: bar.ts, type: 'S01.intent', account: s.account, instrument: inst.id, correlationId: intentId, causationSeq: null,
      payload: {
        kind: 'intent', intentId, strategyId: s.id, mode: 'target', quantity: formatSigned(target, inst.sizeScale),
        signal, bar: close === undefined ? null : { line: bar.line, ts: bar.ts, close: fmtPrice(inst, close) },
      },
    }) as JournalRecord<'S01.intent'>;
    this.onIntent(intent, inst);
  }

  /** A strategy's unusable output for one bar: flagged with strategy id, bar line and reason; its previous target stands. */
  private onStrategyFault(s: Strategy, reason: string, bar: Bar): void {
    this.append(flagDraft({ ts: bar.ts, account: s.account, instrument: bar.instrument.id, correlationId: null, causationSeq: null },
      'STRATEGY_ERROR', `strategy ${s.id} at bar line ${bar.line}: ${reason}; no new target`, { strategy: s.id, line: bar.line, reason }));
  }

  /** Portfolio nets the intent; a changed desired position is planned, risk-checked and routed. */
  onIntent(intent: JournalRecord<'S01.intent'>, inst: Instrument): void {
    const desired = decidePortfolio(this.portfolio, intent, inst);
    if (desired === null) return;
    const s02 = this.append(desired);
    this.executeDesired(intent.account, inst, intent.payload.intentId, s02.seq);
  }

  private executeDesired(account: string, inst: Instrument, intentId: string, causationSeq: number): void {
    if (this.down) {
      // Routing pauses while the provider is unreachable; the pair is re-planned after reconnect.
      this.deferred.set(positionKey(account, inst.id), { account, instrument: inst, intentId, causationSeq });
      return;
    }
    const desired = desiredOf(this.portfolio, account, inst.id);
    const last = this.lastPrice[inst.index];
    const actions = planOrders(this.execution, account, inst, desired, last ?? 0, intentId, this.execSettings);
    for (const a of actions) {
      if (this.down) {
        this.deferred.set(positionKey(account, inst.id), { account, instrument: inst, intentId, causationSeq });
        return;
      }
      this.route(account, inst, intentId, causationSeq, a);
    }
  }

  private route(account: string, inst: Instrument, intentId: string, causationSeq: number, a: PlannedAction): void {
    const ts = this.now;
    if (a.kind === 'cancel') {
      this.sendCancel(account, inst, intentId, causationSeq, a.order.clientOrderId, a.reason);
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
      const cmd = this.append({ ts, type: 'S04.order', account, instrument: inst.id, correlationId: intentId, causationSeq: decision.seq,
        payload: { kind: 'submit', clientOrderId: a.clientOrderId, attempt: a.attempt, side: a.side, type: a.type, timeInForce: a.timeInForce,
          quantity: fmtQty(inst, a.quantity), limitPrice: a.limitPrice === null ? null : fmtPrice(inst, a.limitPrice) } });
      this.send(ts, a.clientOrderId, cmd, () => this.provider.submit(ts, { account, instrument: inst, clientOrderId: a.clientOrderId, side: a.side, type: a.type,
        timeInForce: a.timeInForce, quantity: a.quantity, limitPrice: a.limitPrice }));
    } else {
      const orig = a.order.clientOrderId;
      const cmd = this.append({ ts, type: 'S04.order', account, instrument: inst.id, correlationId: intentId, causationSeq: decision.seq,
        payload: { kind: 'replace', clientOrderId: a.clientOrderId, origClientOrderId: orig, attempt: a.attempt, side: a.order.side,
          quantity: fmtQty(inst, a.quantity), limitPrice: a.limitPrice === null ? null : fmtPrice(inst, a.limitPrice) } });
      this.send(ts, orig, cmd, () => this.provider.replace(ts, { account, instrument: inst, origClientOrderId: orig, clientOrderId: a.clientOrderId, quantity: a.quantity, limitPrice: a.limitPrice }));
    }
  }

  /**
   * An operator's cancel of one open order (console, kill switch): journaled and sent exactly
   * like the engine's own cancels. Returns the S04 record.
   */
  cancelOrder(o: OrderState, reason: string, causationSeq: number, ts: number): JournalRecord {
    this.now = Math.max(this.now, ts);
    return this.sendCancel(o.account, this.cfg.instrumentById.get(o.instrument)!, o.intentId, causationSeq, o.clientOrderId, reason);
  }

  private sendCancel(account: string, inst: Instrument, intentId: string, causationSeq: number, clientOrderId: string, reason: string): JournalRecord {
    const ts = this.now;
    const cmd = this.append({ ts, type: 'S04.order', account, instrument: inst.id, correlationId: intentId, causationSeq,
      payload: { kind: 'cancel', clientOrderId, reason } });
    this.send(ts, clientOrderId, cmd, () => this.provider.cancel(ts, { account, instrument: inst, clientOrderId }));
    return cmd;
  }

  /** Sends a journaled command; an unreachable provider leaves it in flight (ambiguous, never a reject). */
  private send(ts: number, orderId: string, cmd: JournalRecord, call: () => void): void {
    // Live mode: the command is committed before it leaves, so a crash can never have sent an
    // order the journal does not know. (Replay re-derives everything on --resume instead.)
    if (this.flushEachBar) this.flush();
    const r = this.call(ts, cmd.correlationId, cmd.seq, call);
    this.drainFaults();
    if (r === UNREACHABLE && this.down) this.ambiguous.set(orderId, this.down.incidentId);
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

  // ------------------------------------------------------------------ provider link

  /**
   * Calls the provider; ProviderUnreachableError opens the outage (once) and returns UNREACHABLE.
   * Any other error is a bug and propagates.
   */
  private call<T>(ts: number, correlationId: string | null, causationSeq: number | null, fn: () => T): T | typeof UNREACHABLE {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof ProviderUnreachableError)) throw e;
      this.drainFaults();
      if (!this.down) {
        const incidentId = `INC-${this.journal.lastSeq() + 1}-PROVIDER_UNREACHABLE`;
        this.append(incidentDraft({ ts, account: '*', instrument: null, correlationId, causationSeq }, incidentId, 'PROVIDER_UNREACHABLE',
          `${e.message}; routing paused, commands sent stay in flight`, { operation: e.operation, error: e.message }));
        this.down = { incidentId, since: ts };
      }
      return UNREACHABLE;
    }
  }

  /**
   * Journals the faults a simulated faulty venue injected (simulation metadata) before their
   * effects; a fault on no order of ours takes the correlation of the call that met it.
   */
  private drainFaults(context: { correlationId: string | null; causationSeq: number | null } | null = null): void {
    const faults = this.provider.drainFaults?.();
    if (!faults || faults.length === 0) return;
    for (const f of faults) {
      const order = f.affects === null ? undefined : this.execution.orders.get(f.affects);
      this.append({ ts: f.ts, type: 'S05.provider', account: f.account, instrument: f.instrument,
        correlationId: order?.intentId ?? context?.correlationId ?? null, causationSeq: order?.lastCommandSeq ?? context?.causationSeq ?? null,
        payload: { kind: 'fault_injected', fault: f.fault, occurrence: f.occurrence, detail: f.detail, affects: f.affects, simulated: true } });
    }
  }

  /** Polls the provider: events are applied; the first answer after an outage reconnects. */
  private pollProvider(ts: number): void {
    const events = this.call(ts, null, null, () => this.provider.poll(ts));
    this.drainFaults();
    if (events === UNREACHABLE) return;
    const wasDown = this.down;
    if (wasDown) {
      this.down = null;
      this.append(flagDraft({ ts, account: '*', instrument: null, correlationId: null, causationSeq: null }, 'PROVIDER_RECONNECTED',
        `provider reachable again after ${ts - wasDown.since} ms (${wasDown.incidentId}); reconciling by mass order status and positions`,
        { incidentId: wasDown.incidentId, downSinceTs: wasDown.since, downMs: ts - wasDown.since }));
    }
    if (events.length > 0) this.onProviderEvents(events);
    if (wasDown) {
      this.reconcileAll('reconnect', ts);
      const paused = [...this.deferred.values()];
      this.deferred.clear();
      for (const d of paused) if (!this.down) this.executeDesired(d.account, d.instrument, d.intentId, d.causationSeq);
    }
  }

  /**
   * Commands without an answer past the timeout: ask the provider and journal what it knows.
   * Unresolved (unreachable) -> ORDER_STUCK_IN_FLIGHT once per order.
   */
  private checkInFlight(ts: number): void {
    let due: OrderState[] | null = null;
    for (const pos of this.execution.positions.values()) {
      for (const o of pos.open) {
        if ((o.status === 'pending_new' || o.status === 'pending_cancel' || o.status === 'pending_replace') && ts - o.lastCommandTs >= this.inFlightTimeoutMs
          && this.queried.get(o.clientOrderId) !== o.lastCommandSeq) (due ??= []).push(o);
      }
    }
    if (due === null) return;
    for (const o of due) {
      if (this.down) {
        const id = `INC-${o.clientOrderId}-ORDER_STUCK_IN_FLIGHT`;
        if (!this.incidents.incidents.has(id)) {
          this.append(stuckInFlightIncident({ ts, account: o.account, instrument: o.instrument, correlationId: o.intentId, causationSeq: o.lastCommandSeq }, o.clientOrderId,
            `order ${o.clientOrderId} (${o.status}) has no answer after ${ts - o.lastCommandTs} ms and the provider is unreachable (${this.down.incidentId}); it stays in flight`));
        }
        continue;
      }
      this.queried.set(o.clientOrderId, o.lastCommandSeq);
      const r = this.call(ts, o.intentId, o.lastCommandSeq, () => this.provider.queryOrder(ts, o.account, o.clientOrderId));
      this.drainFaults();
      if (r === UNREACHABLE) { this.queried.delete(o.clientOrderId); continue; }
      this.applyStatusReport(o, r, 'query', ts);
    }
  }

  /** Journals a provider status report about one of our orders when it changes something. */
  private applyStatusReport(o: OrderState, r: OrderStatusReport | 'not_found', source: 'query' | 'mass_status', ts: number): void {
    const inst = this.cfg.instrumentById.get(o.instrument)!;
    const view = r === 'not_found'
      ? { ordStatus: 'not_found' as const, currentClientOrderId: null, cumQty: 0 }
      : { ordStatus: r.status, currentClientOrderId: r.clientOrderId, cumQty: r.cumQty };
    if (statusReportEffect(o, view) === null) return;
    const asked = o.clientOrderId;
    const draft: Draft<'S05.provider'> = {
      ts, type: 'S05.provider', account: o.account, instrument: inst.id, correlationId: o.intentId, causationSeq: o.lastCommandSeq,
      payload: r === 'not_found'
        ? { kind: 'status', source, clientOrderId: asked, currentClientOrderId: null, providerOrderId: null, ordStatus: 'not_found',
            quantity: fmtQty(inst, o.quantity), cumQty: fmtQty(inst, 0), leavesQty: fmtQty(inst, 0),
            reason: this.ambiguous.has(asked) ? `the command sent during ${this.ambiguous.get(asked)} never reached the provider` : 'provider does not know the order',
            origClientOrderId: null, raw: { status: 'not_found', clientOrderId: asked } }
        : { kind: 'status', source, clientOrderId: asked, currentClientOrderId: r.clientOrderId, providerOrderId: r.providerOrderId, ordStatus: r.status,
            quantity: fmtQty(inst, r.quantity), cumQty: fmtQty(inst, r.cumQty), leavesQty: fmtQty(inst, r.leavesQty), reason: null,
            origClientOrderId: r.clientOrderId === asked ? null : asked, raw: r },
    };
    const followUps = decideStatusReport(this.execution, draft, inst, {
      ambiguousSendIncident: this.ambiguous.get(asked) ?? null, hasIncident: (id) => this.incidents.incidents.has(id),
    });
    const rec = this.append(draft);
    for (const f of followUps) this.append({ ...f, causationSeq: rec.seq });
  }

  /**
   * Mass order status: every order we believe open (acknowledged, or with a command older than
   * the in-flight timeout) is compared with the provider's open orders; one the provider does not
   * list is queried. Provider open orders we never sent open UNKNOWN_ORDER_AT_PROVIDER.
   */
  private reconcileOrders(account: string, ts: number): void {
    const reports = this.call(ts, null, null, () => this.provider.openOrders(ts, account));
    this.drainFaults();
    if (reports === UNREACHABLE) return;
    const byId = new Map<string, OrderStatusReport>();
    for (const r of reports) byId.set(r.clientOrderId, r);
    // Only orders the snapshot says something new about are acted on (in submission order);
    // at 100k open orders, most are exactly as we have them and cost one lookup.
    const prefix = account + '|';
    const todo: { readonly o: OrderState; readonly listed: OrderStatusReport | undefined }[] = [];
    for (const [key, pos] of this.execution.positions) {
      if (!key.startsWith(prefix)) continue;
      for (const o of pos.open) {
        if (!OPEN.has(o.status)) continue;
        const settled = (o.status === 'new' || o.status === 'partially_filled') && o.pending === null;
        if (!settled && ts - o.lastCommandTs < this.inFlightTimeoutMs) continue; // a command still in transit
        const listed = byId.get(o.clientOrderId) ?? (o.pending ? byId.get(o.pending.clientOrderId) : undefined);
        if (listed && statusReportEffect(o, { ordStatus: listed.status, currentClientOrderId: listed.clientOrderId, cumQty: listed.cumQty }) === null) continue;
        todo.push({ o, listed });
      }
    }
    todo.sort((a, b) => a.o.submitSeq - b.o.submitSeq);
    for (const { o, listed } of todo) {
      if (!OPEN.has(o.status)) continue;
      if (listed) { this.applyStatusReport(o, listed, 'mass_status', ts); continue; }
      const q = this.call(ts, o.intentId, o.lastCommandSeq, () => this.provider.queryOrder(ts, account, o.clientOrderId));
      this.drainFaults();
      if (q === UNREACHABLE) return;
      this.applyStatusReport(o, q, 'mass_status', ts);
    }
    for (const r of reports) {
      if (this.execution.orders.has(r.clientOrderId) || this.execution.unknownOrders.has(r.clientOrderId)) continue;
      const inst = this.cfg.instrumentById.get(r.instrument);
      if (!inst) continue;
      const draft: Draft<'S05.provider'> = { ts, type: 'S05.provider', account, instrument: inst.id, correlationId: null, causationSeq: null,
        payload: { kind: 'status', source: 'mass_status', clientOrderId: r.clientOrderId, currentClientOrderId: r.clientOrderId, providerOrderId: r.providerOrderId,
          ordStatus: r.status, quantity: fmtQty(inst, r.quantity), cumQty: fmtQty(inst, r.cumQty), leavesQty: fmtQty(inst, r.leavesQty), reason: 'open at the provider, never sent by us', origClientOrderId: null, raw: r } };
      const followUps = decideStatusReport(this.execution, draft, inst, { ambiguousSendIncident: null, hasIncident: (id) => this.incidents.incidents.has(id) });
      const rec = this.append(draft);
      for (const f of followUps) this.append({ ...f, causationSeq: rec.seq });
    }
  }

  private onProviderEvents(events: readonly ProviderEvent[]): void {
    const touched = new Map<string, { account: string; instrument: Instrument; correlationId: string | null; seq: number }>();
    for (const ev of events) {
      const inst = this.cfg.instrumentById.get(ev.instrument);
      if (!inst) throw new ReckonError('INVARIANT', `provider event for unknown instrument ${ev.instrument}`);
      const p = ev.payload;
      const order = p.kind === 'position_report' || p.kind === 'fault_injected' ? undefined : this.execution.orders.get(p.clientOrderId);
      const draft: AnyDraft = {
        ts: ev.ts, type: 'S05.provider', account: ev.account, instrument: inst.id,
        correlationId: order?.intentId ?? null, causationSeq: order?.lastCommandSeq ?? null, payload: p,
      };
      // Flags are decided on the state before the event is folded (duplicate, late fill, illegal transition).
      const followUps = decideProviderEvent(this.execution, draft as AnyDraft & { type: 'S05.provider' }, inst);
      const rec = this.append(draft);
      for (const f of followUps) this.append({ ...f, causationSeq: rec.seq });
      // An ack moves neither the position nor the working quantity: nothing to reconcile on.
      if (p.kind !== 'ack' && p.kind !== 'fault_injected') touched.set(positionKey(ev.account, inst.id), { account: ev.account, instrument: inst, correlationId: rec.correlationId, seq: rec.seq });
    }
    for (const t of touched.values()) this.reconcile(t.account, t.instrument, 'provider_event', t.correlationId, t.seq, this.now);
  }

  /** Adds an (account, instrument) to the reconciled book once (a Set keeps this linear at 100k instruments). */
  private addPair(account: string, instrument: Instrument): void {
    const key = positionKey(account, instrument.id);
    if (this.pairKeys.has(key)) return;
    this.pairKeys.add(key);
    this.pairs.push({ account, instrument });
  }

  /**
   * Reconciles every pair against provider snapshots: open orders (mass order status) first,
   * then positions. Skipped while the provider is known to be unreachable.
   */
  reconcileAll(trigger: ReconTrigger, ts: number): void {
    if (this.down) return;
    if (trigger !== 'provider_event') {
      const accounts: string[] = [];
      for (const p of this.pairs) if (!accounts.includes(p.account)) accounts.push(p.account);
      for (const a of accounts) if (!this.down) this.reconcileOrders(a, ts);
    }
    // One provider snapshot per account per pass: the pass stays linear in the number of pairs.
    const snapshots = new Map<string, ReadonlyMap<string, PositionSnapshot> | typeof UNREACHABLE>();
    let checked = 0;
    let quiet = 0;
    for (const p of this.pairs) {
      if (this.down) return;
      let snaps = snapshots.get(p.account);
      if (snaps === undefined) snapshots.set(p.account, (snaps = this.positionSnapshot(p.account, ts, null, null)));
      if (snaps === UNREACHABLE) continue;
      checked++;
      if (this.reconcileWith(p.account, p.instrument, trigger, null, null, ts, snaps.get(p.instrument.id)) === 'quiet') quiet++;
    }
    if (trigger === 'interval') {
      this.append({ ts, type: 'S06.reconciliation', account: '*', instrument: null, correlationId: null, causationSeq: null,
        payload: { kind: 'pass', trigger, pairs: this.pairs.length, checked, quiet } });
    }
  }

  private reconcile(account: string, inst: Instrument, trigger: ReconTrigger, correlationId: string | null, causationSeq: number | null, ts: number): void {
    const snaps = this.positionSnapshot(account, ts, correlationId, causationSeq);
    if (snaps !== UNREACHABLE) this.reconcileWith(account, inst, trigger, correlationId, causationSeq, ts, snaps.get(inst.id));
  }

  /** The provider's positions of an account, by instrument id. */
  private positionSnapshot(account: string, ts: number, correlationId: string | null, causationSeq: number | null): ReadonlyMap<string, PositionSnapshot> | typeof UNREACHABLE {
    const snaps = this.call(ts, correlationId, causationSeq, () => this.provider.positions(ts, account));
    this.drainFaults({ correlationId, causationSeq });
    if (snaps === UNREACHABLE) return UNREACHABLE;
    const byInstrument = new Map<string, PositionSnapshot>();
    for (const s of snaps) byInstrument.set(s.instrument, s);
    return byInstrument;
  }

  /**
   * Reconciles one pair on a provider snapshot. On the interval, a pair whose provider position
   * and check are exactly as last journaled is 'quiet': the pass record counts it, and no
   * identical S05/S06 pair is written again (at 10k instruments that is most of a pass).
   */
  private reconcileWith(account: string, inst: Instrument, trigger: ReconTrigger, correlationId: string | null, causationSeq: number | null, ts: number, snap: PositionSnapshot | undefined): 'quiet' | 'journaled' {
    const position = snap?.position ?? 0;
    const asOf = snap?.asOf ?? ts;
    const pos = positionOf(this.execution, account, inst.id);
    // A snapshot older than what we have already seen would create false drift: evidence only.
    const stale = asOf < pos.lastFillTs || asOf < pos.confirmedAsOf;
    const input = { ts, account, instrument: inst, trigger, correlationId, causationSeq: null as number | null,
      desired: desiredOf(this.portfolio, account, inst.id), expected: pos.expected, confirmed: pos.confirmed, working: workingOf(pos) };
    if (trigger === 'interval' && !stale && position === pos.confirmed && isQuietCheck(this.recon, decideReconciliation(this.recon, input, this.reconSettings))) return 'quiet';
    const report = this.append({
      ts, type: 'S05.provider', account, instrument: inst.id, correlationId, causationSeq,
      payload: { kind: 'position_report', position: formatSigned(position, inst.sizeScale), asOf, raw: snap ?? { position: 0 }, ...(stale ? { stale: true as const } : {}) },
    });
    if (stale) {
      this.append(flagDraft({ ts, account, instrument: inst.id, correlationId, causationSeq: report.seq }, 'STALE_PROVIDER_SNAPSHOT',
        `position snapshot as of ${asOf} is older than ${pos.lastFillTs > pos.confirmedAsOf ? `the last fill seen (${pos.lastFillTs})` : `the snapshot already applied (${pos.confirmedAsOf})`}: not reconciled on`,
        { asOf, lastFillTs: pos.lastFillTs, confirmedAsOf: pos.confirmedAsOf, position: formatSigned(position, inst.sizeScale) }));
      return 'journaled';
    }
    const before = this.recon.positions.get(positionKey(account, inst.id))?.classification ?? 'IN_SYNC';
    // The report just folded may have moved confirmed: decide on the state as it is now.
    const check = this.append(decideReconciliation(this.recon, {
      ...input, causationSeq: report.seq, expected: pos.expected, confirmed: pos.confirmed, working: workingOf(pos),
    }, this.reconSettings)) as JournalRecord<'S06.reconciliation'>;
    for (const d of decideRecovery(before, check, inst, tradingStateOf(this.risk, inst.id), this.reconSettings)) this.append(d);
    return 'journaled';
  }

  private count(r: JournalRecord): void {
    const c = this.counts;
    switch (r.type) {
      case 'S01.intent': c.intents++; break;
      case 'S03.risk': if (r.payload.decision === 'accepted') c.riskAccepted++; else c.riskRejected++; break;
      case 'S04.order': if (r.payload.kind === 'submit') c.orders++; break;
      case 'S05.provider':
        if (r.payload.kind === 'position_report' || r.payload.kind === 'fault_injected') break;
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

