/**
 * Paper trading keeps the simulated venue's memory across restarts the way a real venue would:
 * every call made to it (commands, bars, and the time moves that delivered messages) is appended
 * to a log beside the journal, and a restart replays that log into a fresh deterministic venue
 * with no one listening — what it delivered then is not delivered again, what it had not yet
 * delivered comes when time next moves. What the venue did but our journal never recorded (a
 * crash between the two) then shows up where it should: in the startup reconciliation. Faults
 * it injected are not injected or reported again on replay (they are in the journal already).
 *
 * A torn last line (a crash in the middle of an append) is detected, cut off so the log stays
 * appendable, and reported as a malformed provider message on start: the last complete entry wins.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync } from 'node:fs';
import type { Instrument } from '../domain/types.js';
import type { Bar } from '../marketdata/bar.js';
import type { EventTimeGateway, MessageSink, ProviderCommand } from '../provider/gateway.js';
import type { FaultSink } from '../provider/sim/faults.js';

type Call =
  | { readonly c: 'cmd'; readonly cmd: Omit<ProviderCommand, 'instrument'> & { instrument?: string } }
  | { readonly c: 'bar'; readonly b: [number, string, number, number, number, number, number, number] }
  | { readonly c: 'adv'; readonly ts: number };

export interface Replayed {
  readonly calls: number;
  /** A torn last line that was cut off: its 1-based line number and length. */
  readonly torn: { readonly line: number; readonly bytes: number } | null;
}

/**
 * @example
 * const { gateway, replayed } = PersistentGateway.open('out/serve/journal.db.venue.log', simGatewayFor(cfg), cfg.instrumentById);
 */
export class PersistentGateway implements EventTimeGateway {
  readonly name: string;
  private sink: MessageSink = () => undefined;
  private delivered = false;

  private constructor(private readonly path: string, private readonly inner: EventTimeGateway) {
    this.name = `${inner.name}+persistent`;
    inner.connect((m) => { this.delivered = true; this.sink(m); });
  }

  static open(path: string, inner: EventTimeGateway, instruments: ReadonlyMap<string, Instrument>): { gateway: PersistentGateway; replayed: Replayed } {
    const gateway = new PersistentGateway(path, inner);
    const replayed = gateway.replay(instruments);
    return { gateway, replayed };
  }

  connect(sink: MessageSink): void { this.sink = sink; }

  start(): Promise<void> { return this.inner.start?.() ?? Promise.resolve(); }
  stop(): Promise<void> { return this.inner.stop?.() ?? Promise.resolve(); }

  send(cmd: ProviderCommand): void {
    this.log({ c: 'cmd', cmd: 'instrument' in cmd ? { ...cmd, instrument: cmd.instrument.id } : cmd });
    this.inner.send(cmd);
  }

  onBar(bar: Bar): void {
    this.log({ c: 'bar', b: [bar.ts, bar.instrument.id, bar.open, bar.high, bar.low, bar.close, bar.volume, bar.line] });
    this.inner.onBar(bar);
  }

  advance(ts: number): void {
    this.delivered = false;
    this.inner.advance(ts);
    if (this.delivered) this.log({ c: 'adv', ts });
  }

  private log(call: Call): void {
    appendFileSync(this.path, JSON.stringify(call) + '\n');
  }

  /** Replays the log with nobody listening (messages and faults go nowhere); cuts a torn tail. */
  private replay(instruments: ReadonlyMap<string, Instrument>): Replayed {
    if (!existsSync(this.path)) return { calls: 0, torn: null };
    const text = readFileSync(this.path, 'utf8');
    const lines = text.split('\n');
    const faulty = this.inner as Partial<{ connectFaults(s: FaultSink): void }>;
    faulty.connectFaults?.(() => undefined);
    const sink = this.sink;
    this.sink = () => undefined;
    let calls = 0;
    let good = 0;
    let torn: Replayed['torn'] = null;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const last = i === lines.length - 1;
      if (line === '' && last) break;
      let call: Call;
      try {
        call = JSON.parse(line) as Call;
      } catch {
        // Only the last line can be torn by a crash mid-append; anything else is a damaged log.
        if (!last) throw new Error(`${this.path}:${i + 1}: not a venue log entry (the log is damaged before its last line)`);
        torn = { line: i + 1, bytes: Buffer.byteLength(line) };
        break;
      }
      this.apply(call, instruments);
      good += Buffer.byteLength(line) + 1;
      calls++;
    }
    if (torn !== null) {
      truncateSync(this.path, good);
      const fd = openSync(this.path, 'r+');
      try { fsyncSync(fd); } finally { closeSync(fd); }
    }
    this.sink = sink;
    return { calls, torn };
  }

  private apply(call: Call, instruments: ReadonlyMap<string, Instrument>): void {
    if (call.c === 'bar') {
      const [ts, id, open, high, low, close, volume, line] = call.b;
      this.inner.onBar({ ts, instrument: instruments.get(id)!, open, high, low, close, volume, line });
    } else if (call.c === 'adv') {
      this.inner.advance(call.ts);
    } else {
      const c = call.cmd;
      this.inner.send((c.instrument === undefined ? c : { ...c, instrument: instruments.get(c.instrument)! }) as ProviderCommand);
    }
  }
}
