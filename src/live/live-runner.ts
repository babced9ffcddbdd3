/**
 * Live mode (`reckon serve`): the engine in wall-clock time, fed by one inbox — bars from the
 * feed, messages from the provider gateway, operator commands from the API, timer ticks — and a
 * single loop with two await points:
 *
 *   for (;;) { input = await inbox.take(); step(input); await journal.commit(); send commands; publish records }
 *
 * Nothing reaches the provider or a subscriber (the SSE stream, the console) before the journal has
 * committed it, so a crash can never have sent an order the journal does not know, and a stream
 * never shows a record `/api/records` cannot. Operator commands resolve with their committed
 * records. A live session starts with routing paused until the startup reconciliation with the
 * provider has answered; state before that is the fold of the journal.
 */
import type { RunConfig } from '../config/load.js';
import { ReckonError } from '../domain/errors.js';
import type { TradingState } from '../domain/types.js';
import { Engine, type EngineInput, type OperatorCommand, type StepResult } from '../engine/engine.js';
import { InProcessBus } from '../bus/in-process.js';
import type { EmbeddedJournalStore } from '../journal/store.js';
import type { Bar } from '../marketdata/bar.js';
import { isEventTimeGateway, type ProviderGateway, type ProviderMessage } from '../provider/gateway.js';
import type { FaultSink } from '../provider/sim/faults.js';
import type { JournalRecord } from '../records/records.js';
import { RECKON_VERSION } from '../version.js';
import type { Feed } from './feed.js';
import { Inbox } from './inbox.js';

export interface LiveOptions {
  readonly config: RunConfig;
  /** The journal this process writes (its single writer); resumed by folding it. */
  readonly journal: EmbeddedJournalStore;
  readonly feed: Feed;
  readonly gateway: ProviderGateway;
  /** Wall clock (ms). Live mode is the one place event time comes from it. */
  readonly clock: () => number;
  /** An instrument without a bar for this long is stale (STALE_MARKET_DATA, reducing). */
  readonly staleAfterMs?: number;
  /** Timer period (ms): timeouts, in-flight queries, staleness, the simulated venue's clock. */
  readonly tickMs?: number;
  /** Fault injector of a simulated venue (simulation only): its faults are journaled before what they affect. */
  readonly connectFaults?: (sink: FaultSink) => void;
  /** A message the provider adapter reports on start (e.g. a torn venue log), journaled first. */
  readonly startupMessages?: readonly ProviderMessage[];
}

export type ActionResult = { readonly ok: true; readonly records: readonly JournalRecord[] } | { readonly ok: false; readonly status: 404 | 409; readonly code: string; readonly message: string };

export interface FeedHealth {
  readonly instrument: string;
  readonly lastBarTs: number | null;
  readonly ageMs: number | null;
  readonly stale: boolean;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

type Item =
  | { readonly input: EngineInput; readonly reply?: (r: ActionResult) => void }
  | { readonly message: ProviderMessage }
  | { readonly barrier: () => void; readonly idle?: true };

export class LiveRunner {
  readonly engine: Engine;
  readonly journal: EmbeddedJournalStore;
  /** Committed records, in seq order (the SSE stream and the console subscribe here). */
  readonly bus = new InProcessBus();
  readonly config: RunConfig;
  readonly feed: Feed;
  readonly gateway: ProviderGateway;
  readonly restoredRecords: number;
  /** Observers of per-tick timings (seconds), for /metrics. */
  readonly timings: { tick?: (s: number) => void; tickToOrder?: (s: number) => void } = {};
  private readonly clock: () => number;
  private readonly staleAfterMs: number;
  private readonly tickMs: number;
  private readonly inbox = new Inbox<Item>();
  private readonly abort = new AbortController();
  private loopDone: Promise<void> = Promise.resolve();
  private feedDone: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private fatal: Error | null = null;
  private started = false;

  /**
   * Folds the journal into a new engine (nothing is written). `start()` then journals the run's
   * start and starts the loop, the gateway, the feed and the timer.
   *
   * @example
   * const live = LiveRunner.open({ config, journal, feed, gateway, clock: () => Date.now() });
   * await app.listen(...); await live.start(); // ... await live.stop()
   */
  static open(opts: LiveOptions): LiveRunner {
    return new LiveRunner(opts);
  }

  private constructor(private readonly opts: LiveOptions) {
    this.config = opts.config;
    this.journal = opts.journal;
    this.feed = opts.feed;
    this.gateway = opts.gateway;
    this.clock = opts.clock;
    this.staleAfterMs = opts.staleAfterMs ?? 10_000;
    this.tickMs = opts.tickMs ?? 200;
    this.engine = new Engine({ config: opts.config, journal: opts.journal, trackEquity: true, staleAfterMs: this.staleAfterMs });
    let restored = 0;
    for (const r of this.journal.readSync(1)) { this.engine.restore(r); restored++; }
    this.restoredRecords = restored;
  }

  /** Routing is active: the startup (or reconnect) reconciliation has answered and the link is up. */
  get ready(): boolean {
    const p = this.engine.state.provider;
    return this.started && p.routing === 'active' && p.link === 'up';
  }

  /** Why the session is not ready, or null. */
  get startupError(): string | null {
    if (this.fatal) return this.fatal.message;
    const p = this.engine.state.provider;
    if (!this.started) return 'starting';
    if (p.link !== 'up') return p.outage ? `provider unreachable (${p.outage.incidentId})` : 'waiting for the provider link';
    if (p.routing === 'paused') return p.pausedFor === 'startup' ? 'reconciling with the provider before any order' : 'reconciling after a reconnect';
    return null;
  }

  /** The provider link as the journal records it (never a field set at startup). */
  get providerConnected(): boolean {
    return this.engine.state.provider.link === 'up';
  }

  /** Journals the start (routing paused until the startup reconciliation answers) and starts everything. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.gateway.connect((m) => this.inbox.push({ message: m }));
    this.opts.connectFaults?.((fault) => this.inbox.push({ input: { kind: 'simulation', fault } }));
    this.loopDone = this.loop();
    for (const m of this.opts.startupMessages ?? []) this.inbox.push({ message: m });
    this.inbox.push({ input: { kind: 'start', run: { runId: `live-${this.config.hash.slice(0, 12)}`, dataName: 'live feed', dataBytes: 0, mode: 'live', version: RECKON_VERSION, ts: this.now() } } });
    await this.gateway.start?.();
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.feedDone = this.config.instruments.length === 0 ? Promise.resolve() : this.feed.run((bar) => this.onBar(bar), this.abort.signal).catch((e: unknown) => {
      process.stderr.write(`reckon serve: feed stopped: ${(e as Error).message}\n`);
    });
  }

  async stop(): Promise<void> {
    this.abort.abort();
    if (this.timer) clearInterval(this.timer);
    await this.feedDone;
    await this.gateway.stop?.();
    this.inbox.close();
    await this.loopDone;
    await this.journal.close();
  }

  /** Resolves once every input queued so far has been stepped and committed (its records published). */
  settled(): Promise<void> {
    return new Promise<void>((resolve) => this.inbox.push({ barrier: resolve }));
  }

  /**
   * Resolves once the inbox is empty: what was queued, and what stepping it made the provider
   * answer meanwhile, stepped and committed (tests and tools; never resolves under a constant stream).
   */
  idle(): Promise<void> {
    return new Promise<void>((resolve) => this.inbox.push({ barrier: resolve, idle: true }));
  }

  // ------------------------------------------------------------------ inputs

  private onBar(bar: Bar): void {
    if (isEventTimeGateway(this.gateway)) this.gateway.onBar(bar);
    this.inbox.push({ input: { kind: 'bar', bar: { ...bar } } });
  }

  private tick(): void {
    const now = this.now();
    if (isEventTimeGateway(this.gateway)) this.gateway.advance(now);
    if (this.inbox.size < 64) this.inbox.push({ input: { kind: 'timer', ts: now } });
  }

  // ------------------------------------------------------------------ the loop

  private async loop(): Promise<void> {
    for (;;) {
      const item = await this.inbox.take();
      if (item === null) return;
      let input: EngineInput;
      let reply: ((r: ActionResult) => void) | undefined;
      if ('barrier' in item) {
        if (item.idle && this.inbox.size > 0) this.inbox.push(item);
        else item.barrier();
        continue;
      }
      if ('message' in item) {
        // Messages that arrived together are one provider input.
        const more = this.inbox.takeWhile((i) => 'message' in i) as { message: ProviderMessage }[];
        input = { kind: 'provider', receivedTs: this.now(), messages: [item.message, ...more.map((m) => m.message)] };
      } else {
        input = item.input;
        reply = item.reply;
      }
      const t0 = performance.now();
      let result: StepResult;
      try {
        result = this.engine.step(input);
      } catch (e) {
        reply?.({ ok: false, status: 409, code: 'REFUSED', message: e instanceof ReckonError ? e.message : 'internal error' });
        if (e instanceof ReckonError) continue;
        this.fail(e as Error);
        return;
      }
      if (result.records.length > 0) {
        try {
          await this.journal.commit();
        } catch (e) {
          // Nothing of this step leaves the process: the journal could not make it durable.
          this.fail(e as Error);
          reply?.({ ok: false, status: 409, code: 'JOURNAL_UNAVAILABLE', message: (e as Error).message });
          return;
        }
      }
      for (const c of result.commands) this.gateway.send(c);
      if (result.commands.length > 0 && input.kind === 'bar') this.timings.tickToOrder?.((performance.now() - t0) / 1000);
      for (const r of result.records) this.bus.publish(r);
      if (input.kind === 'bar') this.timings.tick?.((performance.now() - t0) / 1000);
      if (reply) reply(result.reply && !result.reply.ok ? result.reply : { ok: true, records: result.reply?.ok ? result.reply.records : result.records });
    }
  }

  private fail(e: Error): void {
    this.fatal = e;
    process.stderr.write(`reckon serve: stopped: ${e.message}\n`);
    this.abort.abort();
    if (this.timer) clearInterval(this.timer);
    this.inbox.close();
  }

  // ------------------------------------------------------------------ operator actions

  /** An operator command through the inbox; resolves once its records are committed (or it was refused). */
  handle(command: DistributiveOmit<OperatorCommand, 'ts'>): Promise<ActionResult> {
    if (this.fatal) return Promise.resolve({ ok: false, status: 409, code: 'ENGINE_STOPPED', message: this.fatal.message });
    return new Promise((resolve) => this.inbox.push({ input: { kind: 'operator', command: { ...command, ts: this.now() } as OperatorCommand }, reply: resolve }));
  }

  /** Acknowledge or resolve an incident; acknowledging releases the recovery rule's trading state. */
  incident(action: 'ack' | 'resolve', incidentId: string, actor: string, reason: string): Promise<ActionResult> {
    return this.handle({ action, incidentId, actor, reason });
  }

  setTradingState(instrument: string, state: TradingState, actor: string, reason: string): Promise<ActionResult> {
    return this.handle({ action: 'trading_state', instrument, state, actor, reason });
  }

  /** Halts everything and cancels every open order (engaged), or releases the switch. */
  killSwitch(engaged: boolean, actor: string, reason: string): Promise<ActionResult> {
    return this.handle({ action: 'kill_switch', engaged, actor, reason });
  }

  cancelOrder(clientOrderId: string, actor: string, reason: string): Promise<ActionResult> {
    return this.handle({ action: 'cancel_order', clientOrderId, actor, reason });
  }

  /** The operator takes over the instrument's desired position (flat) and sets it reducing. */
  flatten(instrument: string, actor: string, reason: string): Promise<ActionResult> {
    return this.handle({ action: 'flatten', instrument, actor, reason });
  }

  feedHealth(): FeedHealth[] {
    const now = this.clock();
    return this.config.instruments.map((i) => {
      const last = this.engine.lastBarTs[i.index] ?? null;
      const age = last === null ? null : now - last;
      return { instrument: i.id, lastBarTs: last, ageMs: age, stale: age !== null && age >= this.staleAfterMs };
    });
  }

  /** Live event time: the wall clock, never behind the engine's clock. */
  private now(): number { return Math.max(this.clock(), this.engine.clock); }
}
