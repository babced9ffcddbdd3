/**
 * The simulated venue as a provider gateway (adapter `sim`): commands go to the matching engine,
 * its execution reports and the answers to queries come back as gateway messages. It lives in
 * event time (see venue.ts for the exact timing rule): a bar or `advance(ts)` moves it, and a
 * query is answered at once, after every report the venue sent before it.
 */
import type { Bar } from '../../marketdata/bar.js';
import type { EventTimeGateway, MessageSink, ProviderCommand } from '../gateway.js';
import { executionMessage, massStatusMessage, orderStatusMessage, positionsMessage } from './encode.js';
import { SimVenue, type SimVenueConfig } from './venue.js';

/**
 * @example
 * const gw = new SimGateway(new SimVenue(simVenueConfigFor(cfg)));
 * gw.connect((m) => inbox.push(m));
 * gw.send({ type: 'positions', requestId: 'R7', ts, account: 'A1' }); // answered at once
 */
export class SimGateway implements EventTimeGateway {
  readonly name: string = 'sim';
  private sink: MessageSink = () => undefined;

  constructor(readonly venue: SimVenue) {}

  static fromConfig(cfg: SimVenueConfig): SimGateway {
    return new SimGateway(new SimVenue(cfg));
  }

  connect(sink: MessageSink): void {
    this.sink = sink;
  }

  send(cmd: ProviderCommand): void {
    const v = this.venue;
    switch (cmd.type) {
      case 'submit':
        v.submit(cmd.ts, { account: cmd.account, instrument: cmd.instrument, clientOrderId: cmd.clientOrderId, side: cmd.side, type: cmd.orderType,
          timeInForce: cmd.timeInForce, quantity: cmd.quantity, limitPrice: cmd.limitPrice });
        return;
      case 'replace':
        v.replace(cmd.ts, { account: cmd.account, instrument: cmd.instrument, origClientOrderId: cmd.origClientOrderId, clientOrderId: cmd.clientOrderId,
          quantity: cmd.quantity, limitPrice: cmd.limitPrice });
        return;
      case 'cancel':
        v.cancel(cmd.ts, { account: cmd.account, instrument: cmd.instrument, clientOrderId: cmd.clientOrderId });
        return;
      case 'query_order':
        this.deliver(cmd.ts);
        this.sink(orderStatusMessage(cmd.ts, cmd.requestId, cmd.account, cmd.instrument, cmd.clientOrderId, v.queryOrder(cmd.ts, cmd.account, cmd.clientOrderId)));
        return;
      case 'mass_status':
        this.deliver(cmd.ts);
        this.sink(massStatusMessage(cmd.ts, cmd.requestId, cmd.account, v.openOrders(cmd.ts, cmd.account)));
        return;
      case 'positions':
        this.deliver(cmd.ts);
        this.sink(positionsMessage(cmd.ts, cmd.requestId, cmd.account, cmd.ts, v.positions(cmd.ts, cmd.account)));
        return;
    }
  }

  /** A live session: the simulated venue is reachable at once. */
  start(): Promise<void> {
    this.sink({ type: 'link', ts: 0, dedupeKey: 'link:sim-start', state: 'up', reason: 'simulated venue ready', raw: { simulated: true, link: 'up' } });
    return Promise.resolve();
  }

  onBar(bar: Bar): void {
    this.venue.onBar(bar);
    this.deliver(bar.ts);
  }

  advance(ts: number): void {
    this.deliver(ts);
  }

  /**
   * When the venue next acts without a bar (a request taking effect, a report due). Not
   * `nextDueTs`: in a plain replay the venue speaks at bars, by design; an asynchronous transport
   * in front of it asks, to model time between bars.
   */
  venueDueTs(): number | null {
    return this.venue.nextEventTs();
  }

  /** Every execution report due by `ts`, in the order the venue sent them. */
  private deliver(ts: number): void {
    const due = this.venue.poll(ts);
    for (let i = 0; i < due.length; i++) this.sink(executionMessage(due[i]!));
  }
}
