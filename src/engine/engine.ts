/**
 * The engine: one single-threaded sequencer over one input at a time.
 *
 *   step(input) -> { records, commands }
 *
 * An input is a bar, provider messages, an operator command, a scripted intent, a timer, a
 * quarantined row, a simulation fault, or the start / end of a run (see inputs.ts). `step` is
 * synchronous and does no I/O: it hands the input to the boundary deciders, journals every draft
 * they return (the journal seals it: seq and hash), folds each record into the kernel state with
 * `evolveAll`, and derives the provider commands from the records that decide them (S04 orders,
 * S06 requests). It owns no decision itself and keeps no state the journal does not hold, apart
 * from market data (last prices, strategy indicators): engine state is the fold of the journal.
 *
 * The runner around it (engine/event-loop.ts for replays and scenarios, live/live-loop.ts for
 * `serve`) awaits in two places only: the next input, and `journal.commit()`; commands reach the
 * provider and records reach subscribers only up to the committed seq.
 */
import { ReckonError } from '../domain/errors.js';
import { formatSigned, parseFixed } from '../domain/fixed-point.js';
import { fmtPrice, notional } from '../domain/instrument.js';
import { positionKey, type Instrument } from '../domain/types.js';
import type { RunConfig } from '../config/load.js';
import type { Bar, RejectedRow } from '../marketdata/bar.js';
import type { JournalStore } from '../journal/store.js';
import type { AnyDraft, JournalRecord } from '../records/records.js';
import type { ProviderCommand, ProviderMessage } from '../provider/gateway.js';
import { createStrategy } from '../strategy/registry.js';
import type { Strategy, StrategyPorts } from '../strategy/strategy.js';
import { decidePortfolio, desiredOf } from '../portfolio/portfolio.js';
import { decideExecutionReport } from '../execution/provider-events.js';
import { decideRouting } from '../execution/routing.js';
import { decideOperator, type OperatorCommand } from '../commands/operator.js';
import { flagDraft } from '../operator/drafts.js';
import { decideMassStatus, decideOrderStatusAnswer, decidePositionsAnswer } from '../reconciliation/answers.js';
import { decideLink, decideSendFailed, decideTimers, pushRequest, recoveryDone } from '../reconciliation/requests.js';
import { passKey } from '../reconciliation/provider-state.js';
import { decideStaleMarketData } from '../risk/market-data.js';
import { DraftList, type DecideContext } from '../domain/decider.js';
import { evolveAll, initialKernelState, type KernelState } from './kernel-state.js';
import type { EngineInput, RunStart, ScriptedIntent, StepResult } from './inputs.js';
import { EquityTracker } from './equity.js';

export type { EngineInput, ScriptedIntent, StepResult } from './inputs.js';
export type { OperatorCommand } from '../commands/operator.js';

export interface EngineOptions {
  readonly config: RunConfig;
  readonly journal: JournalStore;
  /** Prefix of deterministic intent ids: `<prefix><n>` with n zero-padded to 3 digits. */
  readonly intentIdPrefix?: string;
  /** Prefix of request ids (`<prefix><seq>`): a shard's name keeps ids unique on a shared venue. */
  readonly requestIdPrefix?: string;
  /** Receives every bar after the engine has seen it (e.g. the price aggregation for the report). */
  readonly marketObserver?: (bar: Bar) => void;
  /** Sample equity hourly (for the summary and report). */
  readonly trackEquity?: boolean;
  /** A command or request without an answer for this long (event time) is queried or becomes an incident (default 30 000 ms). */
  readonly inFlightTimeoutMs?: number;
  /** Live mode: an instrument without a bar for this long goes reducing with STALE_MARKET_DATA (off when absent). */
  readonly staleAfterMs?: number;
  /** Strategies loaded before the run (loadStrategies); default: the config's built-ins, created here. */
  readonly strategies?: readonly Strategy[];
}

export const DEFAULT_IN_FLIGHT_TIMEOUT_MS = 30_000;

/** The records and commands of a step that journaled nothing (shared: never mutated). */
const NONE: readonly never[] = Object.freeze([]);
const NOTHING: StepResult = Object.freeze({ records: NONE, commands: NONE });

export class Engine {
  /** The fold of every record journaled (or restored) so far. */
  readonly state: KernelState;
  readonly counts = {
    marketEvents: 0, intents: 0, riskAccepted: 0, riskRejected: 0, orders: 0, providerEvents: 0,
    fills: 0, providerRejected: 0, reconciliations: 0, drifts: 0, flags: 0, badRows: 0,
  };
  /** Provider answers delivered again after they were journaled (PossDup redeliveries), dropped and counted. */
  redeliveries = 0;
  /** Last close per instrument index (undefined until the first bar). */
  readonly lastPrice: (number | undefined)[];
  /** Event time of the last bar per instrument index (undefined until the first). */
  readonly lastBarTs: (number | undefined)[];
  readonly equity: EquityTracker | undefined;
  private readonly cfg: RunConfig;
  private readonly journal: JournalStore;
  private readonly strategies: Strategy[][];
  /** Read-only views strategies consult (desired and confirmed position of a pair). */
  readonly ports: StrategyPorts = {
    position: (account, instrumentId) => ({
      desired: desiredOf(this.state.portfolio, account, instrumentId),
      confirmed: this.state.execution.positions.get(positionKey(account, instrumentId))?.confirmed ?? 0,
    }),
  };
  private readonly intentPrefix: string;
  private readonly requestPrefix: string;
  private readonly marketObserver: ((bar: Bar) => void) | undefined;
  private readonly timeoutMs: number;
  private readonly staleAfterMs: number | undefined;
  private now = 0;
  private firstBarTs: number | null = null;
  private finishInput: { readonly dataSha256: string; readonly lastLine: number } | null = null;
  private completed = false;
  // The step in progress: what it journaled and the commands those records decide.
  private stepRecords: JournalRecord[] | null = null;
  private stepCommands: ProviderCommand[] | null = null;

  constructor(opts: EngineOptions) {
    const c = (this.cfg = opts.config);
    this.journal = opts.journal;
    this.intentPrefix = opts.intentIdPrefix ?? 'intent-';
    this.requestPrefix = opts.requestIdPrefix ?? 'R';
    this.equity = opts.trackEquity ? new EquityTracker(() => this.equityNow()) : undefined;
    this.marketObserver = opts.marketObserver;
    this.timeoutMs = opts.inFlightTimeoutMs ?? DEFAULT_IN_FLIGHT_TIMEOUT_MS;
    this.staleAfterMs = opts.staleAfterMs;
    this.state = initialKernelState(c);
    this.lastPrice = c.instruments.map(() => undefined);
    this.lastBarTs = c.instruments.map(() => undefined);
    this.strategies = c.instruments.map(() => []);
    for (const s of opts.strategies ?? c.strategies.map((sc) => createStrategy(sc, c, this.ports))) {
      for (const inst of s.instruments) this.strategies[inst.index]!.push(s);
    }
  }

  // ------------------------------------------------------------------ the seam

  /**
   * One input through the deciders. Synchronous, no I/O: returns the records it journaled
   * (sealed, not yet committed) and the provider commands they decide.
   *
   * @example
   * const { records, commands } = engine.step({ kind: 'bar', bar });
   * await journal.commit(); for (const c of commands) gateway.send(c);
   */
  step(input: EngineInput): StepResult {
    // Most bars journal nothing: the step's arrays are allocated on first use only.
    this.stepRecords = null;
    this.stepCommands = null;
    let reply: StepResult['reply'];
    switch (input.kind) {
      case 'start': this.onStart(input.run); break;
      case 'bar': this.onBar(input.bar); break;
      case 'provider': this.onProvider(input.receivedTs, input.messages); break;
      case 'operator': reply = this.onOperator(input.command); break;
      case 'intent': this.onScriptedIntent(input.intent); break;
      case 'timer':
        this.advanceTo(input.ts);
        this.timers(input.reconcile ?? true);
        if (this.staleAfterMs !== undefined) this.appendAll(decideStaleMarketData(this.state, { staleAfterMs: this.staleAfterMs, lastBarTs: (i) => this.lastBarTs[i.index] }, this.ctx()));
        break;
      case 'rejected_row': this.onRejectedRow(input.row); break;
      case 'simulation': this.onFault(input); break;
      case 'finish': this.onFinish(input.dataSha256, input.lastLine); break;
    }
    this.afterStep();
    if (reply) return { records: this.stepRecords ?? NONE, commands: this.stepCommands ?? NONE, reply };
    return this.stepRecords === null ? NOTHING : { records: this.stepRecords, commands: this.stepCommands ?? NONE };
  }

  /** Folds an already journaled record (restart: the journal is folded before the first step). */
  restore(record: JournalRecord): void {
    evolveAll(this.state, record, this.cfg);
    this.count(record);
    if (record.type === 'S00.run' && record.payload.kind === 'run_completed') this.completed = true;
    if (record.ts > this.now) this.now = record.ts;
  }

  /** Event time of the last input. */
  get clock(): number { return this.now; }

  /** True once the run_completed record is journaled. */
  get runCompleted(): boolean { return this.completed; }

  // ------------------------------------------------------------------ inputs

  private onStart(run: RunStart): void {
    this.completed = false;
    this.append({
      ts: run.ts ?? 0, type: 'S00.run', account: '*', instrument: null, correlationId: null, causationSeq: null,
      payload: {
        kind: 'run_started', runId: run.runId, configHash: this.cfg.hash, seed: this.cfg.seed,
        data: { name: run.dataName, bytes: run.dataBytes }, mode: run.mode, reckonVersion: run.version,
        ...(run.faults === undefined ? {} : { faults: run.faults }),
      },
    });
    if (run.mode === 'live') {
      // Nothing is routed until the startup reconciliation with the provider has answered.
      this.append({ ts: this.now, type: 'S07.operator', account: '*', instrument: null, correlationId: null, causationSeq: null,
        payload: { kind: 'routing', state: 'paused', reason: 'startup: reconciling with the provider before any order', incidentId: null } });
    }
  }

  private onBar(bar: Bar): void {
    const idx = bar.instrument.index;
    this.advanceTo(bar.ts);
    this.counts.marketEvents++;
    this.lastPrice[idx] = bar.close;
    this.lastBarTs[idx] = bar.ts;
    if (this.firstBarTs === null) this.firstBarTs = bar.ts;
    if (this.marketObserver) this.marketObserver(bar);
    this.timers(true);
    const strategies = this.strategies[idx]!;
    for (let i = 0; i < strategies.length; i++) {
      const s = strategies[i]!;
      const r = s.onBar(bar);
      if (r === null) continue;
      if ('fault' in r) this.onStrategyFault(s, r.fault, bar);
      else for (const t of r.targets) this.onTarget(s, t.instrument, t.target, r.signal, bar);
    }
    if (this.equity) this.equity.onBar(bar.ts);
  }

  private onProvider(receivedTs: number, messages: readonly ProviderMessage[]): void {
    this.advanceTo(receivedTs);
    // Pairs whose position a message may have moved: one positions request per pair at the end,
    // linked to the last record that moved it (its intent's chain shows the check).
    let touched: Map<string, { account: string; instrument: string; correlationId: string | null; causationSeq: number }> | null = null;
    const touch = (account: string, instrument: string) => {
      const last = this.stepRecords![this.stepRecords!.length - 1]!;
      (touched ??= new Map()).set(account + '|' + instrument, { account, instrument, correlationId: last.correlationId, causationSeq: last.seq });
    };
    for (const m of messages) {
      switch (m.type) {
        case 'execution_report': {
          const inst = this.cfg.instrumentById.get(m.instrument);
          if (!inst) { this.malformed(m, m.account, `execution report ${m.report.execId} for instrument "${m.instrument}", which is not configured`); break; }
          const drafts = decideExecutionReport(this.state, m, inst, this.ctx());
          const duplicate = drafts.drafts[0]!.type === 'S05.provider' && (drafts.drafts[0]!.payload as { duplicate?: true }).duplicate === true;
          this.appendAll(drafts);
          // An ack moves neither the position nor the working quantity: nothing to reconcile on.
          if (!duplicate && m.report.kind !== 'ack') touch(m.account, inst.id);
          break;
        }
        case 'order_status': {
          const req = this.openRequest(m);
          if (!req) break;
          const { out, touched: moved } = decideOrderStatusAnswer(this.state, m, req, this.ctx());
          this.appendAll(out);
          if (moved) touch(m.account, m.instrument);
          break;
        }
        case 'mass_status': {
          const req = this.openRequest(m);
          if (req) this.appendAll(decideMassStatus(this.state, m, req, this.ctx()));
          break;
        }
        case 'positions': {
          const req = this.openRequest(m);
          if (req) this.appendAll(decidePositionsAnswer(this.state, m, req, this.ctx()));
          break;
        }
        case 'link': this.appendAll(decideLink(this.state, m, this.ctx())); break;
        case 'send_failed': this.appendAll(decideSendFailed(this.state, m, m.clientOrderId, m.command, m.instrument, this.ctx())); break;
        case 'request_rejected': {
          const req = this.openRequest(m);
          if (!req) break;
          const out = new DraftList(this.nextSeq());
          const base = { ts: this.now, account: req.account, instrument: null, correlationId: req.correlationId, causationSeq: req.seq };
          const seq = out.push({ ...base, type: 'S05.provider', payload: { kind: 'request_rejected', requestId: req.requestId, reason: m.reason, raw: m.raw } });
          out.push(flagDraft({ ...base, causationSeq: seq }, 'PROVIDER_REQUEST_REJECTED', `${req.what} request ${req.requestId} refused by the provider: ${m.reason}`, { requestId: req.requestId, what: req.what }));
          this.appendAll(out);
          break;
        }
        case 'malformed': this.malformed(m, m.account ?? '*', m.reason); break;
      }
    }
    if (touched !== null && this.state.provider.link === 'up') {
      const out = new DraftList(this.nextSeq());
      for (const t of (touched as Map<string, { account: string; instrument: string; correlationId: string | null; causationSeq: number }>).values()) {
        pushRequest(out, this.ctx(), { what: 'positions', trigger: 'provider_event', account: t.account, instruments: [t.instrument], correlationId: t.correlationId, causationSeq: t.causationSeq });
      }
      this.appendAll(out);
    }
  }

  /** The open request an answer is for; an answer to a request that is not open is journaled as unmatched (or, redelivered, counted). */
  private openRequest(m: Extract<ProviderMessage, { requestId: string }>): ReturnType<KernelState['provider']['requests']['get']> {
    const req = this.state.provider.requests.get(m.requestId);
    if (req) return req;
    if (m.possDup) { this.redeliveries++; return undefined; }
    this.malformed(m, 'account' in m ? m.account : '*', `${m.type} answer to request ${m.requestId}, which is not open (answered, timed out or abandoned)`);
    return undefined;
  }

  private malformed(m: ProviderMessage, account: string, reason: string): void {
    const out = new DraftList(this.nextSeq());
    const base = { ts: this.now, account, instrument: null, correlationId: null, causationSeq: null };
    const seq = out.push({ ...base, type: 'S05.provider', payload: { kind: 'malformed', reason, raw: m.raw } });
    out.push(flagDraft({ ...base, causationSeq: seq }, 'BAD_PROVIDER_MESSAGE', reason, { messageType: m.type, dedupeKey: m.dedupeKey }));
    this.appendAll(out);
  }

  private onOperator(cmd: OperatorCommand): StepResult['reply'] {
    this.advanceTo(cmd.ts);
    const d = decideOperator(this.state, cmd, this.ctx());
    if (!d.ok) return d;
    const first = this.stepRecords?.length ?? 0;
    for (const draft of d.drafts.drafts) {
      const r = this.append(draft);
      if (r.type === 'S01.intent') this.onIntent(r, this.cfg.instrumentById.get(r.instrument!)!);
    }
    return { ok: true, records: this.stepRecords?.slice(first) ?? [] };
  }

  /**
   * A scripted S01 intent with an explicit intent id, through portfolio, risk and execution like
   * a strategy's (scenarios, operator tools).
   */
  private onScriptedIntent(i: ScriptedIntent): void {
    const inst = this.cfg.instrumentById.get(i.instrument);
    if (!inst) throw new ReckonError('USAGE', `scripted intent ${i.intentId}: unknown instrument ${i.instrument}`);
    if (!this.cfg.accounts.some((a) => a.id === i.account)) throw new ReckonError('USAGE', `scripted intent ${i.intentId}: unknown account ${i.account}`);
    this.advanceTo(i.ts);
    this.timers(false);
    const last = this.lastPrice[inst.index];
    const intent = this.append({
      ts: this.now, type: 'S01.intent', account: i.account, instrument: inst.id, correlationId: i.intentId, causationSeq: null,
      payload: {
        kind: 'intent', intentId: i.intentId, strategyId: i.strategyId, mode: i.mode, quantity: i.quantity, signal: i.signal ?? { source: 'script' },
        bar: last === undefined ? null : { line: 0, ts: this.now, close: fmtPrice(inst, last) },
      },
    }) as JournalRecord<'S01.intent'>;
    this.onIntent(intent, inst);
  }

  /** A quarantined input row: flagged so it is never dropped silently. */
  private onRejectedRow(row: RejectedRow): void {
    this.append(flagDraft(
      { ts: this.now, account: '*', instrument: null, correlationId: null, causationSeq: null },
      'BAD_INPUT_QUARANTINED', `${row.file}:${row.line}: ${row.reason}`, { file: row.file, line: row.line, reason: row.reason },
    ));
  }

  /** Simulation metadata: a fault the faulty venue injected, journaled before the records it affects. */
  private onFault(input: Extract<EngineInput, { kind: 'simulation' }>): void {
    const f = input.fault;
    const order = f.affects === null ? undefined : this.state.execution.orders.get(f.affects);
    // A fault on no order of ours takes the chain of the request whose answer it changed.
    const req = f.requestId === undefined ? undefined : this.state.provider.requests.get(f.requestId);
    this.append({ ts: Math.max(f.ts, 0), type: 'S05.provider', account: f.account, instrument: f.instrument === '*' ? null : f.instrument,
      correlationId: order?.intentId ?? req?.correlationId ?? null, causationSeq: order?.lastCommandSeq ?? req?.seq ?? null,
      payload: { kind: 'fault_injected', fault: f.fault, occurrence: f.occurrence, detail: f.detail, affects: f.affects, simulated: true } });
  }

  /** End of input: the end-of-run reconciliation, then (when it has answered) the run record. */
  private onFinish(dataSha256: string, lastLine: number): void {
    this.finishInput = { dataSha256, lastLine };
    this.equity?.sample(this.now, true);
    const p = this.state.provider;
    if (p.link !== 'up' || p.routing === 'paused') return; // nothing can be asked: the run record follows at once
    const out = new DraftList(this.nextSeq());
    for (const a of this.cfg.accounts) pushRequest(out, this.ctx(), { what: 'mass_status', trigger: 'end_of_run', account: a.id });
    this.appendAll(out);
  }

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

  /** Portfolio nets the intent; a changed desired position is routed (or deferred while routing is paused). */
  private onIntent(intent: JournalRecord<'S01.intent'>, inst: Instrument): void {
    const desired = decidePortfolio(this.state.portfolio, intent, inst);
    if (desired === null) return;
    const s02 = this.append(desired);
    this.appendAll(decideRouting(this.state, { account: intent.account, instrument: inst, intentId: intent.payload.intentId, causationSeq: s02.seq }, this.ctx()));
  }

  // ------------------------------------------------------------------ time and completion

  private advanceTo(ts: number): void {
    if (ts > this.now) this.now = ts;
  }

  private timers(reconcile: boolean): void {
    const s = this.state;
    // Cheap exits for the bar hot path: nothing open, nothing due.
    if (s.provider.requests.size === 0 && s.provider.routing === 'active' && !this.inFlightDue() && !(reconcile && this.intervalDue())) return;
    this.appendAll(decideTimers(s, { firstBarTs: this.firstBarTs, interval: reconcile }, this.ctx()));
  }

  private inFlightDue(): boolean {
    for (const pos of this.state.execution.positions.values()) {
      for (const o of pos.open) {
        if ((o.status === 'pending_new' || o.status === 'pending_cancel' || o.status === 'pending_replace') && this.now - o.lastCommandTs >= this.timeoutMs) return true;
      }
    }
    return false;
  }

  private intervalDue(): boolean {
    const anchor = this.state.provider.lastIntervalTs ?? this.firstBarTs;
    return anchor !== null && this.now >= anchor + this.cfg.raw.reconciliation.intervalMs;
  }

  /** After every input: resume routing once recovery has answered; close the run once the end-of-run pass has. */
  private afterStep(): void {
    const s = this.state;
    if (s.provider.routing === 'paused' && recoveryDone(s)) this.resume();
    if (this.finishInput !== null && !this.completed && !this.endOfRunOpen()) this.complete();
  }

  private resume(): void {
    const deferred = [...this.state.provider.deferred.values()];
    const startup = this.state.provider.pausedFor === 'startup';
    this.append({ ts: this.now, type: 'S07.operator', account: '*', instrument: null, correlationId: null, causationSeq: null,
      payload: { kind: 'routing', state: 'resumed', reason: startup ? 'startup reconciliation answered' : 'reconnect reconciliation answered',
        incidentId: null } });
    for (const d of deferred) {
      const inst = this.cfg.instrumentById.get(d.instrument);
      if (inst) this.appendAll(decideRouting(this.state, { account: d.account, instrument: inst, intentId: d.intentId, causationSeq: d.causationSeq }, this.ctx()));
    }
  }

  private endOfRunOpen(): boolean {
    const p = this.state.provider;
    if (!p.finishing) return false;
    for (const a of this.cfg.accounts) if (p.passes.has(passKey(a.id, 'end_of_run'))) return true;
    for (const r of p.requests.values()) if (r.trigger === 'end_of_run') return true;
    return false;
  }

  private complete(): void {
    const f = this.finishInput!;
    this.append({
      ts: this.now, type: 'S00.run', account: '*', instrument: null, correlationId: null, causationSeq: null,
      payload: { kind: 'run_completed', marketEvents: this.counts.marketEvents, badRows: this.counts.badRows, dataSha256: f.dataSha256, lastLine: f.lastLine },
    });
    this.completed = true;
  }

  // ------------------------------------------------------------------ journaling

  private nextSeq(): number {
    return this.journal.lastSeq() + 1;
  }

  private readonly lastPriceOf = (i: Instrument): number | undefined => this.lastPrice[i.index];
  private readonly requestIdAt = (seq: number): string => this.requestPrefix + seq;

  private ctx(): DecideContext {
    return { cfg: this.cfg, now: this.now, nextSeq: this.nextSeq(), timeoutMs: this.timeoutMs, lastPrice: this.lastPriceOf, requestIdAt: this.requestIdAt };
  }

  private appendAll(list: DraftList): void {
    const ds = list.drafts;
    for (let i = 0; i < ds.length; i++) this.append(ds[i]!);
  }

  /** Journals a draft (sealed: seq and hash), folds it, and derives the command it decides. */
  private append(draft: AnyDraft): JournalRecord {
    const record = this.journal.append(draft);
    evolveAll(this.state, record, this.cfg);
    this.count(record);
    (this.stepRecords ??= []).push(record);
    const cmd = this.commandOf(record);
    if (cmd !== null) (this.stepCommands ??= []).push(cmd);
    return record;
  }

  /** The provider command a journaled record decides: S04 orders and S06 requests (folded state: the order as it now is). */
  private commandOf(r: JournalRecord): ProviderCommand | null {
    if (r.type === 'S04.order') {
      const inst = this.cfg.instrumentById.get(r.instrument!)!;
      const p = r.payload;
      const requestId = this.requestPrefix + r.seq;
      const base = { requestId, ts: r.ts, account: r.account, instrument: inst };
      if (p.kind === 'submit') {
        return { ...base, type: 'submit', clientOrderId: p.clientOrderId, side: p.side, orderType: p.type, timeInForce: p.timeInForce,
          quantity: parseFixed(p.quantity, inst.sizeScale), limitPrice: p.limitPrice === null ? null : parseFixed(p.limitPrice, inst.priceScale) };
      }
      const o = this.state.execution.orders.get(p.kind === 'replace' ? p.origClientOrderId : p.clientOrderId);
      if (!o) return null;
      if (p.kind === 'replace') {
        return { ...base, type: 'replace', origClientOrderId: p.origClientOrderId, clientOrderId: p.clientOrderId, side: o.side, orderType: o.type, timeInForce: o.timeInForce,
          quantity: parseFixed(p.quantity, inst.sizeScale), limitPrice: p.limitPrice === null ? null : parseFixed(p.limitPrice, inst.priceScale) };
      }
      return { ...base, type: 'cancel', clientOrderId: p.clientOrderId, side: o.side, quantity: o.quantity };
    }
    if (r.type === 'S06.reconciliation' && r.payload.kind === 'request') {
      const p = r.payload;
      const base = { requestId: p.requestId, ts: r.ts, account: r.account };
      if (p.what === 'positions') return { ...base, type: 'positions' };
      if (p.what === 'mass_status') return { ...base, type: 'mass_status' };
      const o = p.clientOrderId === null ? undefined : this.state.execution.orders.get(p.clientOrderId);
      if (!o) return null;
      return { ...base, type: 'query_order', instrument: this.cfg.instrumentById.get(o.instrument)!, clientOrderId: o.clientOrderId, side: o.side };
    }
    return null;
  }

  /** Cash (expected, from fills) plus provider-confirmed positions at the last price, over all accounts. */
  equityNow(): { equity: number; cash: number } {
    let cash = 0;
    for (const c of this.state.execution.cash.values()) cash += c;
    let value = 0;
    for (const [key, pos] of this.state.execution.positions) {
      if (pos.confirmed === 0) continue;
      const inst = this.cfg.instrumentById.get(key.slice(key.indexOf('|') + 1))!;
      const last = this.lastPrice[inst.index];
      if (last !== undefined) value += Math.sign(pos.confirmed) * notional(inst, last, Math.abs(pos.confirmed));
    }
    return { equity: cash + value, cash };
  }

  private count(r: JournalRecord): void {
    const c = this.counts;
    switch (r.type) {
      case 'S01.intent': c.intents++; break;
      case 'S03.risk': if (r.payload.decision === 'accepted') c.riskAccepted++; else c.riskRejected++; break;
      case 'S04.order': if (r.payload.kind === 'submit') c.orders++; break;
      case 'S05.provider': {
        const k = r.payload.kind;
        if (k === 'position_report' || k === 'fault_injected' || k === 'link' || k === 'mass_status' || k === 'send_failed' || k === 'request_rejected' || k === 'malformed') break;
        c.providerEvents++;
        if ((k === 'fill' || k === 'partial_fill') && !r.payload.duplicate) c.fills++;
        else if (k === 'reject') c.providerRejected++;
        break;
      }
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

