/**
 * The seven records (DESIGN §2) plus the run record S00. Every record is an immutable envelope
 * around a payload discriminated by `kind`. Quantities and prices in payloads are exact decimal
 * strings at the instrument's increments; signed quantities carry "+" / "-".
 *
 * Intent, desired position, risk decision, order command, provider event, reconciliation and
 * operator view are separate records linked by `correlationId` (the intent id that started the
 * chain) and `causationSeq` (the record that caused this one); nothing is overwritten.
 */
import type { OrderType, Side, TimeInForce, TradingState } from '../domain/types.js';

/**
 * Version 2 (the kernel seam): every execution report carries the venue's execId; requests to the
 * provider (positions, mass status, order status) are S06 `request` records answered by S05
 * records with the same requestId; link, send_failed, request_rejected, malformed and mass_status
 * S05 kinds; S07 `routing` paused/resumed; inferred fills.
 */
export const SCHEMA_VERSION = 2;

export type RecordType =
  | 'S00.run'
  | 'S01.intent'
  | 'S02.desired'
  | 'S03.risk'
  | 'S04.order'
  | 'S05.provider'
  | 'S06.reconciliation'
  | 'S07.operator';

export const RECORD_TYPES: readonly RecordType[] = [
  'S00.run', 'S01.intent', 'S02.desired', 'S03.risk', 'S04.order', 'S05.provider', 'S06.reconciliation', 'S07.operator',
];

/** Where a decision's market input came from: the bar's line in the input and the values used. */
export interface BarRef {
  readonly line: number;
  readonly ts: number;
  readonly close: string;
}

// ---------------------------------------------------------------- S00 run
export type RunPayload =
  | {
      readonly kind: 'run_started';
      readonly runId: string;
      readonly configHash: string;
      readonly seed: number;
      readonly data: { readonly name: string; readonly bytes: number };
      readonly mode: 'replay' | 'live' | 'scenario';
      readonly reckonVersion: string;
      /**
       * Simulation only: the fault plan of the simulated venue (`KIND:PROB,...` or a scenario's
       * rules), present only when faults are injected. Part of the run's identity.
       */
      readonly faults?: string;
    }
  | {
      readonly kind: 'run_completed';
      readonly marketEvents: number;
      readonly badRows: number;
      /** SHA-256 of the whole market data input, so a journal names exactly what drove it. */
      readonly dataSha256: string;
      readonly lastLine: number;
    };

// ---------------------------------------------------------------- S01 intent
export interface IntentPayload {
  readonly kind: 'intent';
  readonly intentId: string;
  readonly strategyId: string;
  /** target: the strategy's wanted position; delta: a change to its current target. */
  readonly mode: 'target' | 'delta';
  readonly quantity: string;
  /** The signal values that caused the intent (indicator outputs, thresholds). */
  readonly signal: Readonly<Record<string, number | string>>;
  readonly bar: BarRef | null;
}

// ---------------------------------------------------------------- S02 desired position
export interface DesiredPayload {
  readonly kind: 'desired_position';
  readonly desired: string;
  readonly previous: string;
  /** Every strategy's current target that was netted into `desired`. */
  readonly contributions: readonly { readonly strategyId: string; readonly intentId: string; readonly target: string }[];
}

// ---------------------------------------------------------------- S03 risk gate
export type RiskRuleId =
  | 'MAX_POSITION'
  | 'MAX_ORDER_QTY'
  | 'MAX_ORDER_NOTIONAL'
  | 'MAX_GROSS_EXPOSURE'
  | 'ORDER_RATE'
  | 'PRICE_COLLAR'
  | 'TRADING_STATE'
  | 'KILL_SWITCH'
  | 'NO_MARKET_PRICE';

export interface RiskCheck {
  readonly rule: RiskRuleId;
  readonly limit: string;
  readonly observed: string;
  readonly pass: boolean;
}

/** The order execution proposes; risk decides on exactly this. */
export interface ProposedOrder {
  readonly clientOrderId: string;
  readonly action: 'submit' | 'replace';
  readonly origClientOrderId: string | null;
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly quantity: string;
  readonly limitPrice: string | null;
  readonly referencePrice: string;
}

export interface RiskPayload {
  readonly kind: 'risk_decision';
  readonly decision: 'accepted' | 'rejected';
  /** The failing rule when rejected; 'ALL' when accepted. */
  readonly ruleId: RiskRuleId | 'ALL';
  readonly reason: string;
  readonly limit: string;
  readonly observed: string;
  readonly checks: readonly RiskCheck[];
  readonly order: ProposedOrder;
}

// ---------------------------------------------------------------- S04 order command
export type OrderCommandPayload =
  | {
      readonly kind: 'submit';
      readonly clientOrderId: string;
      readonly attempt: number;
      readonly side: Side;
      readonly type: OrderType;
      readonly timeInForce: TimeInForce;
      readonly quantity: string;
      readonly limitPrice: string | null;
    }
  | {
      readonly kind: 'replace';
      readonly clientOrderId: string;
      readonly origClientOrderId: string;
      readonly attempt: number;
      readonly side: Side;
      /** New total order quantity (FIX OrderQty semantics: includes what is already filled). */
      readonly quantity: string;
      readonly limitPrice: string | null;
    }
  | {
      readonly kind: 'cancel';
      readonly clientOrderId: string;
      readonly reason: string;
    };

// ---------------------------------------------------------------- S05 provider event
export type ProviderEventKind =
  | 'ack'
  | 'reject'
  | 'partial_fill'
  | 'fill'
  | 'cancelled'
  | 'expired'
  | 'replaced'
  | 'restated'
  | 'cancel_reject'
  | 'status'
  | 'mass_status'
  | 'position_report'
  | 'link'
  | 'send_failed'
  | 'request_rejected'
  | 'malformed'
  | 'fault_injected';

/**
 * Fault kinds the simulated venue can inject (closed list; DESIGN §7). Simulation metadata only:
 * a real provider never produces them.
 */
export type FaultKind =
  | 'drop-ack'
  | 'duplicate-fill'
  | 'fill-before-ack'
  | 'fill-after-cancel'
  | 'reject'
  | 'unknown-order-at-provider'
  | 'order-missing-at-provider'
  | 'disconnect-with-gap'
  | 'external-position-change'
  | 'stale-snapshot';

export const FAULT_KINDS: readonly FaultKind[] = [
  'drop-ack', 'duplicate-fill', 'fill-before-ack', 'fill-after-cancel', 'reject', 'unknown-order-at-provider',
  'order-missing-at-provider', 'disconnect-with-gap', 'external-position-change', 'stale-snapshot',
];

/** An order's status as the provider reports it on a query or a mass order status. */
export type ReportedOrderStatus = 'new' | 'partially_filled' | 'filled' | 'cancelled' | 'expired' | 'rejected' | 'not_found';

/** Delivery marks on an execution report: the transport said it may be a repeat, or its execId was already applied. */
interface Delivery {
  /** The transport flagged it as a possible repeat (FIX PossDupFlag=Y, a redelivery). */
  readonly possDup?: true;
  /** Its execId was already applied: journaled as evidence, never applied again. */
  readonly duplicate?: true;
}

export type ProviderPayload =
  | (Delivery & {
      readonly kind: 'ack' | 'cancelled' | 'expired' | 'replaced' | 'restated';
      readonly clientOrderId: string;
      readonly providerOrderId: string | null;
      /** The venue's execution id (FIX ExecID): the report's identity. */
      readonly execId: string;
      readonly cumQty: string;
      readonly leavesQty: string;
      readonly reason: string | null;
      readonly origClientOrderId: string | null;
      readonly raw: unknown;
    })
  | (Delivery & {
      readonly kind: 'reject' | 'cancel_reject';
      readonly clientOrderId: string;
      readonly providerOrderId: string | null;
      readonly execId: string;
      readonly reason: string;
      readonly origClientOrderId: string | null;
      readonly raw: unknown;
    })
  | (Delivery & {
      readonly kind: 'partial_fill' | 'fill';
      readonly clientOrderId: string;
      readonly providerOrderId: string;
      readonly execId: string;
      readonly side: Side;
      readonly lastQty: string;
      readonly lastPrice: string;
      readonly cumQty: string;
      readonly leavesQty: string;
      readonly fee: string;
      /**
       * Provider time of the execution (FIX TransactTime), in the provider's clock like a
       * snapshot's `asOf`: a snapshot older than the last fill is stale. On an inferred fill, the
       * time of the report that revealed it (it executed by then; a snapshot from before may not
       * include it).
       */
      readonly transactTime?: number;
      readonly raw: unknown;
      /**
       * Present (true) on a fill the engine inferred from a status report whose CumQty is above
       * what the fills it received add up to (reports lost around a disconnect): quantity = the
       * difference, price from AvgPx, fee unknown (0). Caused by that status record.
       */
      readonly inferred?: true;
    })
  | {
      /**
       * The provider's answer about one order: to a status query (`source: 'query'`, asked when a
       * command has no answer past the in-flight timeout) or found by reconciling against the
       * mass order status (`'mass_status'`). `ordStatus: 'not_found'` means the provider does not
       * know the order (distinct from unreachable, which produces no answer). Applied with status
       * precedence: a terminal status never changes on a report.
       */
      readonly kind: 'status';
      readonly source: 'query' | 'mass_status';
      /** The S06 request this answers (null for orders listed in a mass status). */
      readonly requestId: string | null;
      /** Our client order id (the one asked about). */
      readonly clientOrderId: string;
      /** The provider's current client order id for the order (differs after a replace we never heard of). */
      readonly currentClientOrderId: string | null;
      readonly providerOrderId: string | null;
      readonly ordStatus: ReportedOrderStatus;
      readonly quantity: string;
      readonly cumQty: string;
      readonly leavesQty: string;
      /** Average fill price as reported ("0" when nothing filled). */
      readonly avgPrice: string;
      readonly reason: string | null;
      readonly origClientOrderId: string | null;
      readonly raw: unknown;
    }
  | {
      /** A mass order status answer arrived (its orders follow as `status` records where they change something). */
      readonly kind: 'mass_status';
      readonly requestId: string;
      readonly openOrders: number;
      readonly raw: unknown;
    }
  | {
      readonly kind: 'position_report';
      /** The S06 request this answers. */
      readonly requestId: string | null;
      /** Provider-confirmed position: the ground truth reconciliation compares against. */
      readonly position: string;
      /** Time the provider's position is valid for (its snapshot time). */
      readonly asOf: number;
      readonly raw: unknown;
      /**
       * Present (true) when the snapshot is older than the last fill or the last snapshot already
       * applied for the pair: kept as evidence, never folded into the confirmed position.
       */
      readonly stale?: true;
    }
  | {
      /** The session to the provider came up or went down. */
      readonly kind: 'link';
      readonly state: 'up' | 'down';
      readonly reason: string;
      readonly raw: unknown;
    }
  | {
      /** A command that could not be handed over: ambiguous, it may or may not have reached the provider. */
      readonly kind: 'send_failed';
      readonly requestId: string;
      /** The order the command was about, if any. */
      readonly clientOrderId: string | null;
      readonly command: string;
      readonly reason: string;
      /** The outage it happened in (PROVIDER_UNREACHABLE incident), if one is open. */
      readonly incidentId: string | null;
      readonly raw: unknown;
    }
  | {
      /** The provider refused a request outright (business reject, positions request refused). */
      readonly kind: 'request_rejected';
      readonly requestId: string;
      readonly reason: string;
      readonly raw: unknown;
    }
  | {
      /** Input from the provider that could not be mapped: kept, flagged, never applied. */
      readonly kind: 'malformed';
      readonly reason: string;
      readonly raw: unknown;
    }
  | {
      /**
       * SIMULATION METADATA, not a venue message: the simulated venue's fault injector reports a
       * fault it injected, so a trace shows cause and effect. Journaled by the simulation loop
       * before the records the fault affects; every fold ignores it.
       */
      readonly kind: 'fault_injected';
      readonly fault: FaultKind;
      /** The n-th injection of this kind in the run (1-based); effects of one fault share it. */
      readonly occurrence: number;
      readonly detail: string;
      /** Client order id the fault affects, or null (a position change, a disconnect). */
      readonly affects: string | null;
      readonly simulated: true;
    };

/** The S05 payloads about one order: they carry its client order id. */
export type OrderReportPayload = Extract<ProviderPayload, { readonly clientOrderId: string }>;

/** True for an S05 payload about one order (execution reports and status answers). */
export function isOrderReport(p: ProviderPayload): p is OrderReportPayload {
  return 'clientOrderId' in p && typeof p.clientOrderId === 'string' && p.kind !== 'send_failed';
}

// ---------------------------------------------------------------- S06 reconciliation
/** The three positions and their two gaps, exact decimal strings (checks, summary, views). */
export interface PositionGaps {
  readonly desired: string;
  readonly expected: string;
  readonly confirmed: string;
  readonly working: string;
  /** desired - confirmed */
  readonly residual: string;
  /** expected - confirmed */
  readonly drift: string;
}

export type ReconClassification =
  | 'IN_SYNC'
  | 'WORKING'
  | 'RESIDUAL_UNEXPLAINED'
  | 'RESIDUAL_AGED'
  | 'DRIFT';

export type ReconTrigger = 'provider_event' | 'interval' | 'startup' | 'end_of_run' | 'operator' | 'reconnect' | 'in_flight_timeout';

/** What a request asks the provider for. */
export type RequestWhat = 'positions' | 'mass_status' | 'order_status';

export type ReconciliationPayload =
  | (PositionGaps & {
      readonly kind: 'reconciliation';
      readonly trigger: ReconTrigger;
      readonly classification: ReconClassification;
      readonly residualSinceTs: number | null;
    })
  | {
      /** Recovery rule: provider truth wins; expected := confirmed, both values kept. */
      readonly kind: 'adjustment';
      readonly expectedBefore: string;
      readonly confirmed: string;
      readonly adjustment: string;
      readonly reason: string;
    }
  | {
      /**
       * A request to the provider for reconciliation: positions, mass order status or one
       * order's status. Answered by S05 records carrying the same requestId; unanswered after
       * `timeoutMs`, it becomes an incident. A link-down abandons every open request.
       */
      readonly kind: 'request';
      readonly requestId: string;
      readonly what: RequestWhat;
      readonly trigger: ReconTrigger;
      /** Instruments whose positions are checked on the answer; null = every configured instrument. */
      readonly instruments: readonly string[] | null;
      /** order_status: the order asked about, and the seq of its command the question is about. */
      readonly clientOrderId: string | null;
      readonly commandSeq: number | null;
      readonly timeoutMs: number;
    }
  | {
      /**
       * A positions answer reconciled (every trigger but provider_event). Pairs whose provider
       * position and check are exactly as last journaled are counted as `quiet` instead of
       * repeating identical S05/S06 records.
       */
      readonly kind: 'pass';
      readonly requestId: string | null;
      readonly trigger: ReconTrigger;
      readonly pairs: number;
      readonly checked: number;
      readonly quiet: number;
    };

// ---------------------------------------------------------------- S07 operator view
export type Severity = 'info' | 'warning' | 'critical';

export type OperatorPayload =
  | {
      readonly kind: 'flag';
      readonly code: string;
      readonly severity: Severity;
      readonly message: string;
      readonly details: Readonly<Record<string, string | number | null>>;
    }
  | {
      readonly kind: 'incident_opened';
      readonly incidentId: string;
      readonly code: string;
      readonly severity: Severity;
      readonly message: string;
      readonly details: Readonly<Record<string, string | number | null>>;
    }
  | {
      readonly kind: 'incident_acknowledged' | 'incident_resolved';
      readonly incidentId: string;
      readonly actor: string;
      readonly reason: string;
    }
  | {
      readonly kind: 'trading_state_changed';
      readonly from: TradingState;
      readonly to: TradingState;
      readonly actor: string;
      readonly reason: string;
      readonly incidentId: string | null;
    }
  | {
      readonly kind: 'kill_switch';
      readonly engaged: boolean;
      readonly actor: string;
      readonly reason: string;
    }
  | {
      /**
       * Routing to the provider paused (link down) or resumed (after the reconnect reconciliation
       * answered). Desired positions decided while paused are re-planned on resume.
       */
      readonly kind: 'routing';
      readonly state: 'paused' | 'resumed';
      readonly reason: string;
      readonly incidentId: string | null;
    }
  | {
      /** An operator action that trades or cancels (console or API): who, why, on what. */
      readonly kind: 'operator_action';
      readonly action: 'cancel_order' | 'flatten';
      readonly actor: string;
      readonly reason: string;
      readonly target: string;
    };

// ---------------------------------------------------------------- envelope
export interface PayloadByType {
  readonly 'S00.run': RunPayload;
  readonly 'S01.intent': IntentPayload;
  readonly 'S02.desired': DesiredPayload;
  readonly 'S03.risk': RiskPayload;
  readonly 'S04.order': OrderCommandPayload;
  readonly 'S05.provider': ProviderPayload;
  readonly 'S06.reconciliation': ReconciliationPayload;
  readonly 'S07.operator': OperatorPayload;
}

/** A record before the journal has sequenced it. */
export interface Draft<T extends RecordType = RecordType> {
  readonly ts: number;
  readonly type: T;
  readonly account: string;
  readonly instrument: string | null;
  readonly correlationId: string | null;
  readonly causationSeq: number | null;
  readonly payload: PayloadByType[T];
}

/** A journaled record: gap-free `seq`, schema version, and the hash chain link. */
export type JournalRecord<T extends RecordType = RecordType> = {
  readonly [K in T]: Draft<K> & {
    readonly seq: number;
    readonly schema: number;
    readonly hash: string;
  };
}[T];

export type AnyDraft = { readonly [K in RecordType]: Draft<K> }[RecordType];

/** Narrowing helper: `isType(r, 'S05.provider')` types `r.payload` as ProviderPayload. */
export function isType<T extends RecordType>(r: JournalRecord, type: T): r is Extract<JournalRecord, { type: T }> {
  return r.type === type;
}
