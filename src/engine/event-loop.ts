/**
 * The replay loop: the engine and a provider that lives in event time (the simulated venue), in
 * one thread, draining one inbox in event time. It is the same `step` as live mode; what differs
 * is the provider: the simulated venue is part of the deterministic simulation, so the commands a
 * step decides are handed to it at once (it acts on them at ts + latency, whenever that is
 * reached) while the journal is committed per input chunk by the caller. A replay therefore runs
 * as fast as its input and a resumed run re-derives the same journal. A real provider never runs
 * here: live mode (live/live-loop.ts) commits before it sends.
 *
 * Per bar: the venue sees the bar first (matching, expiry) and its messages are stepped, then
 * the bar itself (timers, strategies). Messages the venue sends while a step is released (the
 * answer to a query, say) are stepped right after it, faults it injected before the messages they
 * affect, messages arriving together as one provider input.
 */
import type { EventTimeGateway, ProviderMessage } from '../provider/gateway.js';
import type { FaultyGateway, InjectedFault } from '../provider/sim/faults.js';
import type { Bar } from '../marketdata/bar.js';
import type { Engine } from './engine.js';
import type { EngineInput, StepResult } from './inputs.js';

export interface EventLoopOptions {
  /** Sees every step after its commands were released (progress, latency measurement). */
  readonly onStep?: (result: StepResult) => void;
  /** How many times `finish` may let time pass for answers still on their way (asynchronous test gateways). */
  readonly settleRounds?: number;
}

/**
 * @example
 * const loop = new EventTimeLoop(engine, gateway);
 * loop.input({ kind: 'start', run });
 * for (const bar of bars) loop.bar(bar);
 * loop.finish(sha256, lastLine);
 */
export class EventTimeLoop {
  private messages: ProviderMessage[] = [];
  private faults: InjectedFault[] = [];
  private now = 0;
  private readonly onStep: ((r: StepResult) => void) | undefined;
  private readonly settleRounds: number;
  private readonly barInput: Extract<EngineInput, { kind: 'bar' }> = { kind: 'bar', bar: null as unknown as Bar };

  constructor(readonly engine: Engine, readonly gateway: EventTimeGateway, opts: EventLoopOptions = {}) {
    this.onStep = opts.onStep;
    this.settleRounds = opts.settleRounds ?? 8;
    gateway.connect((m) => { this.messages.push(m); });
    const faulty = gateway as Partial<FaultyGateway>;
    if (typeof faulty.connectFaults === 'function') faulty.connectFaults((f) => { this.faults.push(f); });
  }

  /** One bar: what the gateway holds for earlier times first, then the venue sees the bar, then the engine. */
  bar(bar: Bar): void {
    this.catchUp(bar.ts);
    if (bar.ts > this.now) this.now = bar.ts;
    this.gateway.onBar(bar);
    this.drain();
    // One input object for every bar (the engine keeps neither the input nor the bar past the step).
    (this.barInput as { bar: Bar }).bar = bar;
    this.run(this.barInput);
  }

  /** Time passes without a bar (scenario scripts): the venue's messages due by then, then timers (no interval pass). */
  advance(ts: number): void {
    this.catchUp(ts);
    this.passTo(ts);
  }

  /** Lets time pass to each moment before `ts` the gateway has a message due (asynchronous gateways). */
  private catchUp(ts: number): void {
    let passed: number | null = null;
    for (let due = this.gateway.nextDueTs?.() ?? null; due !== null && due < ts && due !== passed; due = this.gateway.nextDueTs?.() ?? null) {
      passed = due; // a gateway that reports the same time again after it passed has nothing due then
      this.passTo(Math.max(due, this.now));
    }
  }

  private passTo(ts: number): void {
    if (ts > this.now) this.now = ts;
    this.gateway.advance(this.now);
    this.drain();
    this.run({ kind: 'timer', ts: this.now, reconcile: false });
  }

  /** Any other input, with what follows from it. */
  input(input: EngineInput): StepResult {
    const r = this.step(input);
    this.drain();
    return r;
  }

  /**
   * End of input: the end-of-run reconciliation and the run record. An asynchronous test
   * gateway may still hold answers: time is let pass (one timeout at a time) until they arrive or
   * time out as incidents.
   */
  finish(dataSha256: string, lastLine: number): void {
    this.gateway.advance(this.now);
    this.drain();
    this.run({ kind: 'finish', dataSha256, lastLine });
    let waits = 0;
    for (let round = 0; round < this.settleRounds && !this.engine.runCompleted;) {
      // What the gateway still holds arrives when due; otherwise time passes, one timeout at a time.
      const due = this.gateway.nextDueTs?.() ?? null;
      if (due !== null && waits++ < 10_000) { this.passTo(Math.max(due, this.now)); continue; }
      round++;
      this.passTo(this.now + 1_000 * round);
    }
  }

  private run(input: EngineInput): void {
    this.step(input);
    this.drain();
  }

  private step(input: EngineInput): StepResult {
    const r = this.engine.step(input);
    for (const c of r.commands) this.gateway.send(c);
    this.onStep?.(r);
    return r;
  }

  private drain(): void {
    if (this.faults.length === 0 && this.messages.length === 0) return;
    for (;;) {
      if (this.faults.length > 0) {
        const f = this.faults;
        this.faults = [];
        for (const fault of f) this.step({ kind: 'simulation', fault });
        continue;
      }
      if (this.messages.length > 0) {
        const batch = this.messages;
        this.messages = [];
        this.step({ kind: 'provider', receivedTs: this.now, messages: batch });
        continue;
      }
      return;
    }
  }
}
