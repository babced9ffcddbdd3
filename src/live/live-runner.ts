/**
 * Paper trading in wall-clock time (`reckon serve`): the same Engine as a replay, fed by a live
 * feed, journaled to SQLite with a commit per tick (durable before anything is routed), with
 * startup reconciliation before any order, market-data staleness detection, and the operator
 * actions of the console — every one a journaled record with actor and reason.
 */
import { existsSync } from 'node:fs';
import type { RunConfig } from '../config/load.js';
import { ReckonError } from '../domain/errors.js';
import { formatSigned } from '../domain/fixed-point.js';
import type { Instrument, TradingState } from '../domain/types.js';
import { Engine } from '../engine/engine.js';
import { simVenueFor } from '../engine/replay.js';
import { OPEN } from '../execution/order-lifecycle.js';
import { SqliteJournal } from '../journal/sqlite.js';
import { verifyJournal } from '../journal/verify.js';
import type { Bar } from '../marketdata/bar.js';
import type { MarketDrivenProvider } from '../provider/port.js';
import type { Draft, JournalRecord } from '../records/records.js';
import { tradingStateOf } from '../risk/risk.js';
import { incidentDraft } from '../reconciliation/reconciliation.js';
import { RECKON_VERSION } from '../version.js';
import type { Feed } from './feed.js';
import { PersistentVenue } from './persistent-venue.js';

export interface LiveOptions {
  readonly config: RunConfig;
  readonly journalPath: string;
  readonly feed: Feed;
  /** Wall clock (ms). Live mode is the one place event time comes from it. */
  readonly clock: () => number;
  /** An instrument without a bar for this long is stale (STALE_MARKET_DATA, reducing). */
  readonly staleAfterMs?: number;
  /** The provider behind the persistence log (default: the simulated venue of the config). */
  readonly provider?: MarketDrivenProvider;
}

export type ActionResult = { readonly ok: true; readonly records: readonly JournalRecord[] } | { readonly ok: false; readonly status: 404 | 409; readonly code: string; readonly message: string };

export interface FeedHealth {
  readonly instrument: string;
  readonly lastBarTs: number | null;
  readonly ageMs: number | null;
  readonly stale: boolean;
}

export class LiveRunner {
  readonly engine: Engine;
  readonly journal: SqliteJournal;
  readonly restoredRecords: number;
  ready = false;
  startupError: string | null = null;
  providerConnected = true;
  /** Observers of per-tick timings (seconds), for /metrics. */
  readonly timings: { tick?: (s: number) => void; tickToOrder?: (s: number) => void } = {};
  private tickStart = -1;
  readonly config: RunConfig;
  private readonly clock: () => number;
  readonly feed: Feed;
  private readonly staleAfterMs: number;
  private readonly lastBarWall: (number | null)[];
  private readonly stale: boolean[];
  private readonly abort = new AbortController();
  private feedDone: Promise<void> = Promise.resolve();
  private staleTimer: NodeJS.Timeout | undefined;
  private actions = 0;

  /**
   * Opens (or resumes) the journal, restores state by folding it, and reconciles with the
   * provider before any order. Call `run()` to start the feed.
   *
   * @example
   * const live = LiveRunner.open({ config, journalPath: 'out/serve/journal.db', feed });
   * live.run(); // ... live.stop()
   */
  static open(opts: LiveOptions): LiveRunner {
    if (existsSync(opts.journalPath)) {
      const v = verifyJournal(opts.journalPath);
      if (!v.ok) throw new ReckonError('JOURNAL_INTEGRITY', `${opts.journalPath}: journal broken at seq ${v.firstBadSeq}: ${v.reason}`);
    }
    return new LiveRunner(opts);
  }

  private constructor(opts: LiveOptions) {
    const cfg = (this.config = opts.config);
    this.clock = opts.clock;
    this.feed = opts.feed;
    this.staleAfterMs = opts.staleAfterMs ?? 10_000;
    this.journal = SqliteJournal.open(opts.journalPath, { durability: cfg.raw.journal.durability ?? 'full', batchSize: cfg.raw.journal.batchSize, anchor: 'head-file' });
    const { venue } = PersistentVenue.open(`${opts.journalPath}.venue.log`, opts.provider ?? simVenueFor(cfg), cfg.instrumentById);
    venue.onRoute = () => { if (this.tickStart >= 0) this.timings.tickToOrder?.((performance.now() - this.tickStart) / 1000); };
    this.engine = new Engine({ config: cfg, journal: this.journal, provider: venue, flushEachBar: true, trackEquity: true });
    let restored = 0;
    for (const r of this.journal.readSync(1)) { this.engine.apply(r); restored++; }
    this.restoredRecords = restored;
    this.lastBarWall = cfg.instruments.map(() => null);
    this.stale = cfg.instruments.map(() => false);
    this.startup();
  }

  /** Startup reconciliation: positions and orders against the provider before any order. */
  private startup(): void {
    const now = this.now();
    this.engine.start({ runId: `live-${this.config.hash.slice(0, 12)}`, dataName: 'live feed', dataBytes: 0, mode: 'live', version: RECKON_VERSION });
    try {
      this.engine.reconcileAll('startup', now);
      this.ready = true;
    } catch (e) {
      // Trading stays halted until an operator acknowledges: nothing is sent on an unknown state.
      this.startupError = (e as Error).message;
      this.providerConnected = false;
      const base = { ts: now, account: '*', instrument: null, correlationId: null, causationSeq: null };
      const inc = this.engine.append(incidentDraft(base, `INC-startup-${this.journal.lastSeq() + 1}-PROVIDER_UNREACHABLE`, 'PROVIDER_UNREACHABLE',
        `startup reconciliation failed: ${this.startupError}`, { error: this.startupError }));
      for (const inst of this.config.instruments) {
        this.engine.append({ ...base, instrument: inst.id, causationSeq: inc.seq, type: 'S07.operator', payload: {
          kind: 'trading_state_changed', from: tradingStateOf(this.engine.risk, inst.id), to: 'halted', actor: 'system:startup',
          reason: 'startup reconciliation failed', incidentId: inc.payload.kind === 'incident_opened' ? inc.payload.incidentId : null } });
      }
    }
    this.commit();
  }

  /** Starts the feed and the staleness watch. */
  run(): void {
    if (!this.ready) return;
    this.feedDone = this.config.instruments.length === 0 ? Promise.resolve() : this.feedRun();
    this.staleTimer = setInterval(() => this.checkStaleness(), Math.min(1000, this.staleAfterMs / 2));
  }

  private async feedRun(): Promise<void> {
    await this.feed.run((bar) => this.onBar(bar), this.abort.signal);
  }

  onBar(bar: Bar): void {
    const idx = bar.instrument.index;
    this.lastBarWall[idx] = this.clock();
    if (this.stale[idx]) this.stale[idx] = false;
    this.tickStart = performance.now();
    this.engine.onBar(bar);
    this.timings.tick?.((performance.now() - this.tickStart) / 1000);
    this.tickStart = -1;
  }

  /** STALE_MARKET_DATA: an instrument without bars for staleAfterMs goes reducing (once per episode). */
  checkStaleness(): void {
    const now = this.clock();
    for (const inst of this.config.instruments) {
      const last = this.lastBarWall[inst.index] ?? null;
      if (last === null || this.stale[inst.index] || now - last < this.staleAfterMs) continue;
      this.stale[inst.index] = true;
      const base = { ts: this.now(), account: '*', instrument: inst.id, correlationId: null, causationSeq: null };
      const incidentId = `INC-${this.journal.lastSeq() + 1}-STALE_MARKET_DATA`;
      const inc = this.engine.append(incidentDraft(base, incidentId, 'STALE_MARKET_DATA', `no market data for ${inst.id} for ${now - last} ms`, { lastBarAgeMs: now - last }));
      const from = tradingStateOf(this.engine.risk, inst.id);
      if (from === 'active') {
        this.engine.append({ ...base, causationSeq: inc.seq, type: 'S07.operator', payload: { kind: 'trading_state_changed', from, to: 'reducing', actor: 'system:market-data', reason: 'stale market data: no fresh reference price', incidentId } });
      }
      this.commit();
    }
  }

  feedHealth(): FeedHealth[] {
    const now = this.clock();
    return this.config.instruments.map((i) => {
      const last = this.lastBarWall[i.index] ?? null;
      return { instrument: i.id, lastBarTs: last, ageMs: last === null ? null : now - last, stale: this.stale[i.index] ?? false };
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    if (this.staleTimer) clearInterval(this.staleTimer);
    await this.feedDone.catch(() => undefined);
    this.journal.closeSync();
  }

  // ------------------------------------------------------------------ operator actions

  /** Acknowledge or resolve an incident; acknowledging releases the recovery rule's trading state. */
  incident(action: 'ack' | 'resolve', incidentId: string, actor: string, reason: string): ActionResult {
    try {
      const records = this.engine.operator({ action, incidentId, actor, reason, ts: this.now() });
      this.commit();
      return { ok: true, records };
    } catch (e) {
      if (!(e instanceof ReckonError)) throw e;
      const unknown = e.message.startsWith('unknown');
      return { ok: false, status: unknown ? 404 : 409, code: unknown ? 'INCIDENT_NOT_FOUND' : 'INCIDENT_STATE', message: e.message };
    }
  }

  setTradingState(instrumentId: string, to: TradingState, actor: string, reason: string): ActionResult {
    const inst = this.instrument(instrumentId);
    if (!inst) return notFound('INSTRUMENT_NOT_FOUND', `unknown instrument "${instrumentId}"`);
    const from = tradingStateOf(this.engine.risk, inst.id);
    return this.appendAll([{ ...this.base(inst.id), type: 'S07.operator', payload: { kind: 'trading_state_changed', from, to, actor, reason, incidentId: null } }]);
  }

  /** Halts everything and cancels every open order. */
  killSwitch(engaged: boolean, actor: string, reason: string): ActionResult {
    const records = this.engine.operator({ action: 'kill_switch', engaged, actor, reason, ts: this.now() });
    if (!engaged) { this.commit(); return { ok: true, records }; }
    const cancels: JournalRecord[] = [...records];
    for (const pos of this.engine.execution.positions.values()) {
      for (const o of [...pos.open]) {
        if (o.status === 'pending_cancel') continue;
        cancels.push(this.engine.cancelOrder(o, `kill switch: ${reason}`, records[0]!.seq, this.now()));
      }
    }
    this.commit();
    return { ok: true, records: cancels };
  }

  cancelOrder(clientOrderId: string, actor: string, reason: string): ActionResult {
    const o = this.engine.execution.orders.get(clientOrderId);
    if (!o) return notFound('ORDER_NOT_FOUND', `unknown client order id "${clientOrderId}"`);
    if (!OPEN.has(o.status) || o.status === 'pending_cancel') return { ok: false, status: 409, code: 'ORDER_NOT_OPEN', message: `order ${clientOrderId} is ${o.status}` };
    const action = this.engine.append({ ...this.base(o.instrument), account: o.account, correlationId: o.intentId, type: 'S07.operator', payload: { kind: 'operator_action', action: 'cancel_order', actor, reason, target: clientOrderId } });
    const cancel = this.engine.cancelOrder(o, `operator ${actor}: ${reason}`, action.seq, this.now());
    this.commit();
    return { ok: true, records: [action, cancel] };
  }

  /**
   * Flatten an instrument: the operator takes over its desired position (an S01 intent of
   * strategy `operator` that nets every pair of the instrument to zero) and the instrument goes
   * reducing so strategies cannot add to it; the closing orders pass the risk gate as usual.
   */
  flatten(instrumentId: string, actor: string, reason: string): ActionResult {
    const inst = this.instrument(instrumentId);
    if (!inst) return notFound('INSTRUMENT_NOT_FOUND', `unknown instrument "${instrumentId}"`);
    const records: JournalRecord[] = [];
    const action = this.engine.append({ ...this.base(inst.id), type: 'S07.operator', payload: { kind: 'operator_action', action: 'flatten', actor, reason, target: inst.id } });
    records.push(action);
    const from = tradingStateOf(this.engine.risk, inst.id);
    if (from === 'active') {
      records.push(this.engine.append({ ...this.base(inst.id), causationSeq: action.seq, type: 'S07.operator', payload: { kind: 'trading_state_changed', from, to: 'reducing', actor, reason: `flatten: ${reason}`, incidentId: null } }));
    }
    for (const account of this.config.accounts) {
      const pos = this.engine.portfolio.positions.get(`${account.id}|${inst.id}`);
      if (!pos) continue;
      let others = 0;
      for (const [sid, t] of pos.targets) if (sid !== 'operator') others += t.target;
      const intentId = `op-intent-${String(++this.actions).padStart(3, '0')}-${this.journal.lastSeq() + 1}`;
      const intent = this.engine.append({ ...this.base(inst.id), account: account.id, correlationId: intentId, causationSeq: action.seq, type: 'S01.intent', payload: {
        kind: 'intent', intentId, strategyId: 'operator', mode: 'target', quantity: formatSigned(-others, inst.sizeScale),
        signal: { action: 'flatten', actor, reason }, bar: null } }) as JournalRecord<'S01.intent'>;
      records.push(intent);
      this.engine.onIntent(intent, inst);
    }
    this.commit();
    return { ok: true, records };
  }

  private appendAll(drafts: readonly Draft<'S07.operator'>[]): ActionResult {
    const records = drafts.map((d) => this.engine.append(d));
    this.commit();
    return { ok: true, records };
  }

  private base(instrument: string | null) {
    return { ts: this.now(), account: this.config.accounts[0]?.id ?? '*', instrument, correlationId: null, causationSeq: null };
  }

  private instrument(id: string): Instrument | undefined { return this.config.instrumentById.get(id); }

  /** Live event time: the wall clock, never behind the last market event. */
  private now(): number { return Math.max(this.clock(), this.engine.clock); }

  private commit(): void { this.engine.flush(); }
}

const notFound = (code: string, message: string): ActionResult => ({ ok: false, status: 404, code, message });
