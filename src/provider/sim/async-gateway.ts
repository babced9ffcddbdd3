/**
 * The asynchronous test gateway: a decorator that puts any event-time gateway (the simulated
 * venue, with or without faults) behind a transport that delivers late, out of order and twice —
 * proof that nothing in the kernel relies on an answer arriving inside the step that asked.
 *
 * Every message the venue sends is held for a seeded delay (1..maxDelayMs of event time) and
 * some are delivered again later marked PossDup. What a real provider session guarantees is kept,
 * nothing more (see ProviderGateway):
 * - reports of one order arrive in the order sent (a replaced order keeps its stream);
 * - within an account, an answer (positions, mass status, order status) arrives after every
 *   report sent before it and before every report sent after it — a position snapshot never
 *   overtakes, or is overtaken by, the fills it includes;
 * - link up/down, refusals and malformed input are ordered with everything.
 * Reports of different orders between two answers interleave in any order, and redeliveries
 * arrive whenever. Link messages are never repeated (a session event, not a resendable message).
 *
 * Time moves only when the loop says so; `nextDueTs()` tells the event-time loop when the next
 * held message is due, so it lets time pass to exactly then, between bars.
 */
import { seededRng, type Rng } from '../../domain/context.js';
import type { Bar } from '../../marketdata/bar.js';
import type { EventTimeGateway, MessageSink, ProviderCommand, ProviderMessage } from '../gateway.js';
import type { FaultSink } from './faults.js';

export interface AsyncGatewayOptions {
  readonly seed: number;
  /** Largest delay of a message, event-time ms (default 2000: well inside a bar and any timeout). */
  readonly maxDelayMs?: number;
  /** Probability that a message is delivered a second time, PossDup (default 0.2). */
  readonly duplicateProbability?: number;
}

interface Held { readonly due: number; readonly n: number; readonly message: ProviderMessage }

/**
 * @example
 * const gw = new AsyncGateway(simGatewayFor(cfg), { seed: 7 });
 * const loop = new EventTimeLoop(engine, gw); // same scenarios, same expectations
 */
export class AsyncGateway implements EventTimeGateway {
  readonly name: string;
  /** Messages held, and how many were sent twice. */
  readonly stats = { held: 0, duplicated: 0 };
  private sink: MessageSink = () => undefined;
  private readonly rng: Rng;
  private readonly maxDelayMs: number;
  private readonly pDup: number;
  private held: Held[] = [];
  private n = 0;
  private now = 0;
  /** Due of the last message ordered with everything (link, refusal, malformed). */
  private barrier = 0;
  private globalMax = 0;
  /** Per order stream: the due of its last report; replaced ids map to their stream. */
  private readonly orderDue = new Map<string, number>();
  private readonly streamOf = new Map<string, string>();
  /** Per account: the due of its last answer (reports after it wait for it) and of its last message. */
  private readonly answerFloor = new Map<string, number>();
  private readonly accountMax = new Map<string, number>();

  constructor(readonly inner: EventTimeGateway, opts: AsyncGatewayOptions) {
    this.name = `async(${inner.name})`;
    this.rng = seededRng(opts.seed ^ 0x5eed_a5c);
    this.maxDelayMs = opts.maxDelayMs ?? 2_000;
    this.pDup = opts.duplicateProbability ?? 0.2;
  }

  connect(sink: MessageSink): void {
    this.sink = sink;
    this.inner.connect((m) => this.hold(m));
  }

  /** The venue's fault reports, unchanged: a fault is journaled when injected, before what it affects. */
  connectFaults(sink: FaultSink): void {
    const faulty = this.inner as { connectFaults?: (s: FaultSink) => void };
    faulty.connectFaults?.(sink);
  }

  send(command: ProviderCommand): void {
    if (command.ts > this.now) this.now = command.ts;
    this.inner.send(command);
  }

  start(): Promise<void> {
    return this.inner.start?.() ?? Promise.resolve();
  }

  stop(): Promise<void> {
    return this.inner.stop?.() ?? Promise.resolve();
  }

  onBar(bar: Bar): void {
    if (bar.ts > this.now) this.now = bar.ts;
    this.inner.onBar(bar);
    this.release(bar.ts);
  }

  advance(ts: number): void {
    if (ts > this.now) this.now = ts;
    this.inner.advance(ts);
    this.release(ts);
  }

  /** When the next held message is due, or the venue behind acts between bars (null: neither). */
  nextDueTs(): number | null {
    const held = this.held.length === 0 ? null : this.held[0]!.due;
    const venue = (this.inner as Partial<{ venueDueTs(): number | null }>).venueDueTs?.() ?? null;
    return held === null ? venue : venue === null ? held : Math.min(held, venue);
  }

  private delay(): number {
    return 1 + Math.floor(this.rng.next() * this.maxDelayMs);
  }

  private hold(m: ProviderMessage): void {
    const earliest = this.now + this.delay();
    let due: number;
    switch (m.type) {
      case 'execution_report': {
        const r = m.report;
        const stream = this.streamOf.get(r.origClientOrderId ?? r.clientOrderId) ?? this.streamOf.get(r.clientOrderId) ?? `${m.account}|${r.clientOrderId}`;
        this.streamOf.set(r.clientOrderId, stream);
        due = Math.max(earliest, this.barrier, this.answerFloor.get(m.account) ?? 0, this.orderDue.get(stream) ?? 0);
        this.orderDue.set(stream, due);
        this.accountMax.set(m.account, Math.max(this.accountMax.get(m.account) ?? 0, due));
        break;
      }
      case 'order_status': case 'mass_status': case 'positions':
        due = Math.max(earliest, this.barrier, this.accountMax.get(m.account) ?? 0);
        this.answerFloor.set(m.account, due);
        this.accountMax.set(m.account, due);
        break;
      case 'send_failed': {
        const stream = m.clientOrderId === null ? null : (this.streamOf.get(m.clientOrderId) ?? `${m.account}|${m.clientOrderId}`);
        due = Math.max(earliest, this.barrier, stream === null ? this.globalMax : (this.orderDue.get(stream) ?? 0));
        if (stream !== null) this.orderDue.set(stream, due);
        this.accountMax.set(m.account, Math.max(this.accountMax.get(m.account) ?? 0, due));
        break;
      }
      case 'link': case 'request_rejected': case 'malformed':
        due = Math.max(earliest, this.globalMax, this.barrier);
        this.barrier = due;
        break;
    }
    this.globalMax = Math.max(this.globalMax, due);
    this.insert({ due, n: this.n++, message: m });
    this.stats.held++;
    if (m.type !== 'link' && this.rng.next() < this.pDup) {
      this.stats.duplicated++;
      this.insert({ due: due + this.delay(), n: this.n++, message: { ...m, possDup: true } });
    }
  }

  /** Keeps `held` sorted by (due, arrival). */
  private insert(h: Held): void {
    let i = this.held.length;
    while (i > 0 && this.held[i - 1]!.due > h.due) i--;
    this.held.splice(i, 0, h);
  }

  private release(ts: number): void {
    let k = 0;
    while (k < this.held.length && this.held[k]!.due <= ts) k++;
    if (k === 0) return;
    const out = this.held.splice(0, k);
    for (const h of out) this.sink(h.message);
  }
}
