/**
 * Paper trading keeps the simulated venue's memory across restarts the way a real venue would:
 * every call made to it (requests and bars, with their times, and the polls that delivered events)
 * is appended to a log beside the journal, and a restart replays that log into a fresh
 * deterministic venue: events it had delivered are delivered again to nobody, events it had not
 * yet delivered come on the next poll. What the venue did
 * but our journal never recorded (a crash between the two) then shows up where it should: in
 * startup reconciliation, as drift with an incident.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { Instrument } from '../domain/types.js';
import type { Bar } from '../marketdata/bar.js';
import type { CancelRequest, InjectedFault, MarketDrivenProvider, OrderStatusReport, PositionSnapshot, ProviderEvent, ReplaceRequest, SubmitRequest } from '../provider/port.js';

type Call =
  | { readonly c: 'submit'; readonly ts: number; readonly req: Omit<SubmitRequest, 'instrument'> & { instrument: string } }
  | { readonly c: 'replace'; readonly ts: number; readonly req: Omit<ReplaceRequest, 'instrument'> & { instrument: string } }
  | { readonly c: 'cancel'; readonly ts: number; readonly req: Omit<CancelRequest, 'instrument'> & { instrument: string } }
  | { readonly c: 'bar'; readonly b: [number, string, number, number, number, number, number, number] }
  | { readonly c: 'poll'; readonly ts: number };

export class PersistentVenue implements MarketDrivenProvider {
  readonly name: string;

  /**
   * @example
   * const venue = PersistentVenue.open('out/serve/journal.db.venue.log', simVenueFor(cfg), cfg.instrumentById);
   */
  static open(path: string, inner: MarketDrivenProvider, instruments: ReadonlyMap<string, Instrument>): { venue: PersistentVenue; replayedCalls: number } {
    const venue = new PersistentVenue(path, inner);
    let replayedCalls = 0;
    if (existsSync(path)) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (!line) continue;
        venue.replay(JSON.parse(line) as Call, instruments);
        replayedCalls++;
      }
    }
    return { venue, replayedCalls };
  }

  /** Called when an order or replace is handed to the provider (tick-to-order measurement). */
  onRoute: (() => void) | null = null;

  private constructor(private readonly path: string, private readonly inner: MarketDrivenProvider) {
    this.name = `${inner.name}+persistent`;
  }

  private log(call: Call): void { appendFileSync(this.path, JSON.stringify(call) + '\n'); }

  private replay(call: Call, instruments: ReadonlyMap<string, Instrument>): void {
    const inst = (id: string) => instruments.get(id)!;
    switch (call.c) {
      case 'submit': this.inner.submit(call.ts, { ...call.req, instrument: inst(call.req.instrument) }); break;
      case 'replace': this.inner.replace(call.ts, { ...call.req, instrument: inst(call.req.instrument) }); break;
      case 'cancel': this.inner.cancel(call.ts, { ...call.req, instrument: inst(call.req.instrument) }); break;
      case 'bar': {
        const [ts, id, open, high, low, close, volume, line] = call.b;
        this.inner.onBar({ ts, instrument: inst(id), open, high, low, close, volume, line });
        break;
      }
      case 'poll': this.inner.poll(call.ts); break;
    }
  }

  submit(ts: number, req: SubmitRequest): void {
    this.log({ c: 'submit', ts, req: { ...req, instrument: req.instrument.id } });
    this.inner.submit(ts, req);
    this.onRoute?.();
  }
  replace(ts: number, req: ReplaceRequest): void {
    this.log({ c: 'replace', ts, req: { ...req, instrument: req.instrument.id } });
    this.inner.replace(ts, req);
    this.onRoute?.();
  }
  cancel(ts: number, req: CancelRequest): void { this.log({ c: 'cancel', ts, req: { ...req, instrument: req.instrument.id } }); this.inner.cancel(ts, req); }
  onBar(bar: Bar): void {
    this.log({ c: 'bar', b: [bar.ts, bar.instrument.id, bar.open, bar.high, bar.low, bar.close, bar.volume, bar.line] });
    this.inner.onBar(bar);
  }
  poll(ts: number): ProviderEvent[] {
    const events = this.inner.poll(ts);
    if (events.length > 0) this.log({ c: 'poll', ts });
    return events;
  }
  drainFaults(): InjectedFault[] { return this.inner.drainFaults?.() ?? []; }
  positions(ts: number, account: string): PositionSnapshot[] { return this.inner.positions(ts, account); }
  openOrders(ts: number, account: string): OrderStatusReport[] { return this.inner.openOrders(ts, account); }
  queryOrder(ts: number, account: string, clientOrderId: string): OrderStatusReport | 'not_found' { return this.inner.queryOrder(ts, account, clientOrderId); }
}
