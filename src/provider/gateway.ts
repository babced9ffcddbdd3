/**
 * The provider gateway: the one seam between the engine and a venue. It is message-based, the
 * way a FIX session or a broker API is:
 *
 * - **commands out** (`ProviderCommand`): submit, replace, cancel, query one order, mass order
 *   status, positions. Each carries a `requestId` (deterministic, unique per journal) and the
 *   engine's event time. The engine hands a command over only after the journal has committed
 *   the record that decided it. `send` never throws for provider trouble: a command that could
 *   not be sent comes back as a `send_failed` message (ambiguous: it may or may not have reached
 *   the venue).
 * - **messages in** (`ProviderMessage`): execution reports, order status, mass status, positions,
 *   link up/down, send failed, a request the provider refused, and malformed input. They arrive
 *   whenever the provider sends them: late, out of order with the engine's clock, or twice.
 *   Every message has a `dedupeKey` (the venue's execution id, or the request it answers), so a
 *   message delivered again changes nothing.
 *
 * Values are in the provider's own terms: integers at the instrument's scales, venue ids, and the
 * raw message as received (`raw`), not journal payloads. The engine turns them into S05 records.
 */
import type { Instrument, OrderType, Side, TimeInForce } from '../domain/types.js';
import type { Bar } from '../marketdata/bar.js';

// ------------------------------------------------------------------ commands (engine -> provider)

interface CommandBase {
  /** Unique per journal and deterministic (derived from the seq of the record that decided it). */
  readonly requestId: string;
  /** Engine event time of the decision (FIX TransactTime). */
  readonly ts: number;
  readonly account: string;
}

export interface SubmitCommand extends CommandBase {
  readonly type: 'submit';
  readonly instrument: Instrument;
  readonly clientOrderId: string;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly timeInForce: TimeInForce;
  /** Integer at the instrument's sizeScale, > 0. */
  readonly quantity: number;
  /** Integer at the instrument's priceScale; null for market orders. */
  readonly limitPrice: number | null;
}

export interface ReplaceCommand extends CommandBase {
  readonly type: 'replace';
  readonly instrument: Instrument;
  /** The order's current client order id (FIX OrigClOrdID). */
  readonly origClientOrderId: string;
  /** The id the order takes once replaced (FIX ClOrdID). */
  readonly clientOrderId: string;
  readonly side: Side;
  readonly orderType: OrderType;
  readonly timeInForce: TimeInForce;
  /** New total order quantity, filled part included (FIX OrderQty semantics). */
  readonly quantity: number;
  readonly limitPrice: number | null;
}

export interface CancelCommand extends CommandBase {
  readonly type: 'cancel';
  readonly instrument: Instrument;
  /** The order to cancel, by its current client order id (FIX OrigClOrdID; the request's own ClOrdID is `requestId`). */
  readonly clientOrderId: string;
  readonly side: Side;
  /** Total order quantity (FIX OrderQty on F). */
  readonly quantity: number;
}

export interface QueryOrderCommand extends CommandBase {
  readonly type: 'query_order';
  readonly instrument: Instrument;
  readonly clientOrderId: string;
  readonly side: Side;
}

/** Mass order status (FIX AF): every open order of the account. */
export interface MassStatusCommand extends CommandBase {
  readonly type: 'mass_status';
}

/** Positions (FIX AN): the account's position in every instrument it holds or has traded. */
export interface PositionsCommand extends CommandBase {
  readonly type: 'positions';
}

export type ProviderCommand = SubmitCommand | ReplaceCommand | CancelCommand | QueryOrderCommand | MassStatusCommand | PositionsCommand;
export type OrderCommand = SubmitCommand | ReplaceCommand | CancelCommand;

// ------------------------------------------------------------------ messages (provider -> engine)

export type ExecutionKind =
  | 'ack'
  | 'reject'
  | 'partial_fill'
  | 'fill'
  | 'cancelled'
  | 'expired'
  | 'replaced'
  | 'cancel_reject'
  /** The venue changed the order on its own (FIX ExecType D): quantities are the new truth. */
  | 'restated';

/** An order's status as the provider reports it (FIX OrdStatus, mapped). */
export type ProviderOrderStatus = 'new' | 'partially_filled' | 'filled' | 'cancelled' | 'expired' | 'rejected';

/** One execution report (FIX 8), in integers at the instrument's scales. */
export interface ExecutionReport {
  readonly kind: ExecutionKind;
  /** The order's client order id as the report names it (after a replace: the new one). */
  readonly clientOrderId: string;
  /** FIX OrigClOrdID on replaced / cancelled / cancel_reject, else null. */
  readonly origClientOrderId: string | null;
  readonly providerOrderId: string | null;
  /** The venue's execution id (FIX ExecID): the message's identity. */
  readonly execId: string;
  readonly side: Side | null;
  /** The order's status after this report. */
  readonly ordStatus: ProviderOrderStatus | null;
  /** Total order quantity (FIX OrderQty), when the report carries it. */
  readonly orderQty: number | null;
  /** Fills only: this execution's quantity and price. */
  readonly lastQty: number;
  readonly lastPrice: number;
  readonly cumQty: number;
  readonly leavesQty: number;
  /** Average fill price (FIX AvgPx) at priceScale, when given. */
  readonly avgPrice: number | null;
  /** Fee of this execution in money units (MONEY_SCALE), 0 when none. */
  readonly fee: number;
  readonly reason: string | null;
}

/** One order as the provider reports it on a status query or in a mass status. */
export interface OrderStatusReport {
  readonly account: string;
  readonly instrument: string;
  readonly clientOrderId: string;
  readonly providerOrderId: string;
  readonly side: Side;
  readonly status: ProviderOrderStatus;
  readonly quantity: number;
  readonly cumQty: number;
  readonly leavesQty: number;
  /** Average fill price at priceScale (0 when nothing filled). */
  readonly avgPrice: number;
}

export interface PositionSnapshot {
  readonly account: string;
  readonly instrument: string;
  /** Signed integer at the instrument's sizeScale. */
  readonly position: number;
}

interface MessageBase {
  /** Provider time of the message (venue clock; the simulated venue: event time). */
  readonly ts: number;
  /** Identity of the message: a second message with the same key changes nothing. */
  readonly dedupeKey: string;
  /** Set when the transport says this may be a repeat (FIX PossDupFlag=Y, a redelivery). */
  readonly possDup?: boolean;
  /** The message as received, kept in the S05 record. */
  readonly raw: unknown;
}

export interface ExecutionReportMessage extends MessageBase {
  readonly type: 'execution_report';
  readonly account: string;
  readonly instrument: string;
  readonly report: ExecutionReport;
}

/** Answer to `query_order`: the order, or `null` when the provider does not know it (not unreachable). */
export interface OrderStatusMessage extends MessageBase {
  readonly type: 'order_status';
  readonly requestId: string;
  readonly account: string;
  readonly instrument: string;
  readonly clientOrderId: string;
  readonly order: OrderStatusReport | null;
}

/** Answer to `mass_status`: every order the provider has open for the account. */
export interface MassStatusMessage extends MessageBase {
  readonly type: 'mass_status';
  readonly requestId: string;
  readonly account: string;
  readonly orders: readonly OrderStatusReport[];
}

/** Answer to `positions`, valid as of `asOf` (provider time). */
export interface PositionsMessage extends MessageBase {
  readonly type: 'positions';
  readonly requestId: string;
  readonly account: string;
  readonly asOf: number;
  readonly positions: readonly PositionSnapshot[];
}

/** The session to the provider came up (logged on) or went down (logout, drop, heartbeat timeout, refused). */
export interface LinkMessage extends MessageBase {
  readonly type: 'link';
  readonly state: 'up' | 'down';
  readonly reason: string;
}

/** A command that could not be handed to the provider: AMBIGUOUS, it may or may not have arrived. */
export interface SendFailedMessage extends MessageBase {
  readonly type: 'send_failed';
  readonly requestId: string;
  readonly account: string;
  /** The command that failed, and the order it was about (if any). */
  readonly command: ProviderCommand['type'];
  readonly clientOrderId: string | null;
  readonly instrument: string | null;
  readonly reason: string;
}

/** The provider refused a request outright (FIX BusinessMessageReject / Reject on a query, AN rejected in AO). */
export interface RequestRejectedMessage extends MessageBase {
  readonly type: 'request_rejected';
  readonly requestId: string;
  readonly reason: string;
}

/**
 * Input from the provider the adapter could not map (garbled, unknown symbol, a quantity off the
 * increment, an unsupported ExecType): journaled and flagged, never applied, never a crash.
 */
export interface MalformedMessage extends MessageBase {
  readonly type: 'malformed';
  readonly account: string | null;
  readonly instrument: string | null;
  /** What was wrong, naming the field / tag and value. */
  readonly reason: string;
}

export type ProviderMessage =
  | ExecutionReportMessage
  | OrderStatusMessage
  | MassStatusMessage
  | PositionsMessage
  | LinkMessage
  | SendFailedMessage
  | RequestRejectedMessage
  | MalformedMessage;

// ------------------------------------------------------------------ the port

export type MessageSink = (message: ProviderMessage) => void;

/**
 * A provider adapter. `connect` gives it the sink its messages go to (the engine's inbox); it may
 * call the sink at any time after, from any callback, in any order.
 *
 * @example
 * gateway.connect((m) => inbox.push({ kind: 'provider', message: m }));
 * gateway.send({ type: 'positions', requestId: 'R42', ts, account: 'A1' });
 */
export interface ProviderGateway {
  readonly name: string;
  connect(sink: MessageSink): void;
  /** Hands a command to the provider. Never throws for provider trouble (see `send_failed`). */
  send(command: ProviderCommand): void;
  /** Opens the session (network adapters); the link comes up with a `link` message. */
  start?(): Promise<void>;
  /** Closes the session; messages after this are not delivered. */
  stop?(): Promise<void>;
}

/**
 * A provider that lives in event time with the market data (the simulated venue): it moves only
 * when told that time has passed, so a replay is deterministic and runs as fast as the input.
 */
export interface EventTimeGateway extends ProviderGateway {
  /** The venue sees a bar (matching, expiry): messages due by `bar.ts` go to the sink. */
  onBar(bar: Bar): void;
  /** Time passes without a bar: messages due by `ts` go to the sink. */
  advance(ts: number): void;
  /**
   * When the gateway next has something to deliver on its own (an asynchronous transport's held
   * messages), or null. The event-time loop lets time pass to exactly then, between bars.
   */
  nextDueTs?(): number | null;
}

export function isEventTimeGateway(g: ProviderGateway): g is EventTimeGateway {
  return typeof (g as Partial<EventTimeGateway>).onBar === 'function' && typeof (g as Partial<EventTimeGateway>).advance === 'function';
}
