/**
 * The data embedded in the static trace and report pages. Node builds it (src/web), the React UI
 * (web/) reads it; both import these types, so the format has one definition. Everything is
 * compact and columnar: strings are interned in `strings`, quantities stay exact decimal strings.
 */
import type { FailureEntry } from '../operator/catalog.js';
import type { PositionGaps } from '../records/records.js';
import type { TradeStatistics } from '../report/statistics.js';
import type { HeldBack } from '../report/held-back.js';
import type { PnlView } from '../report/pnl.js';

export const DATA_FORMAT_VERSION = 2;

/** Intent statuses, in display order. */
export const INTENT_STATUSES = [
  'filled', 'partial', 'residual', 'rejected_risk', 'rejected_provider', 'drift', 'working', 'cancelled', 'no_order',
] as const;
export type IntentStatus = (typeof INTENT_STATUSES)[number];

export const STATUS_LABELS: Readonly<Record<IntentStatus, string>> = {
  filled: 'filled', partial: 'partial', residual: 'residual', rejected_risk: 'rejected by risk',
  rejected_provider: 'rejected by provider', drift: 'drift', working: 'working', cancelled: 'cancelled', no_order: 'no order',
};

/** The four positions, plus the two gaps derived from them (exact decimal strings). */
export const STATE_FIELDS = ['desired', 'expected', 'confirmed', 'working', 'residual', 'drift'] as const;
export type StateField = (typeof STATE_FIELDS)[number];

export interface RunInfo {
  readonly runId: string | null;
  readonly mode: string | null;
  readonly dataName: string | null;
  readonly reckonVersion: string | null;
  readonly seed: number | null;
  readonly configHash: string | null;
  readonly completed: boolean;
}

/** Every journal record, one array per envelope field (index i = i-th record in seq order). */
export interface RecordColumns {
  readonly seq: number[];
  /** Event time, delta-encoded: ts[i] = sum of tsDelta[0..i]. */
  readonly tsDelta: number[];
  /** Index into RECORD_TYPES. */
  readonly type: number[];
  /** String index of payload.kind. */
  readonly kind: number[];
  readonly account: number[];
  /** String index, -1 when the record has no instrument. */
  readonly instrument: number[];
  /** String index of correlationId, -1 when null. */
  readonly corr: number[];
  /** causationSeq, -1 when null. */
  readonly cause: number[];
  /** First 16 hex digits of the record hash (the full head hash is in `head`). */
  readonly hash: string[];
  /** Payload exactly as journaled, as JSON text (parsed lazily by the UI). */
  readonly payload: string[];
}

export interface IntentColumns {
  /** String index of the intent id (= correlationId). */
  readonly id: number[];
  readonly instrument: number[];
  readonly account: number[];
  /** String index of the strategy id; -1 when the chain has no S01 record. */
  readonly strategy: number[];
  /** Index into INTENT_STATUSES. */
  readonly status: number[];
  /** "target +2" / "delta -1": the intent's ask, for the list. */
  readonly ask: string[];
  /** Chain record indices: chain of intent i is chain[chainOff[i] .. chainOff[i+1]). */
  readonly chainOff: number[];
  readonly chain: number[];
  /** Failure codes (string indices) in the chain: codes[codeOff[i] .. codeOff[i+1]). */
  readonly codeOff: number[];
  readonly codes: number[];
  /** Client and provider order ids of the chain, space separated, for search. */
  readonly orderIds: string[];
}

/** Change log of the per-(account, instrument) state; the UI folds it with checkpoints. */
export interface StateLog {
  readonly keyAccount: number[];
  readonly keyInstrument: number[];
  /** One entry per changed field: at seq, key's field (index into STATE_FIELDS) became value. */
  readonly seq: number[];
  readonly key: number[];
  readonly field: number[];
  /** Index into `values`. */
  readonly value: number[];
  readonly values: string[];
}

/** Lifecycle of an S07 flag or incident in the incidents list (flags have none). */
export const INCIDENT_STATES = ['open', 'acknowledged', 'resolved', 'flag'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

/**
 * Every S07 flag and incident_opened record, tied to an intent or not (a drift found by an
 * interval check has none), with the records around it: what detected it and what that was
 * caused by (causationSeq upwards), what the detection did automatically (adjustment, trading
 * state change), and the operator's acknowledgement and resolution (by causationSeq and incident id).
 */
export interface IncidentColumns {
  /** Record index of the flag or incident_opened record. */
  readonly record: number[];
  /** String index of the failure code. */
  readonly code: number[];
  readonly severity: number[];
  /** String index of the incident id; -1 for a flag. */
  readonly incidentId: number[];
  /** Index into INCIDENT_STATES. */
  readonly state: number[];
  /** Intent (index into IntentColumns) whose chain holds the record; -1 when it has none. */
  readonly intent: number[];
  /** Record index of the acknowledgement (or the resolution when it came without one); -1 when none. */
  readonly ack: number[];
  /** Related record indices in seq order, the record itself included: chain[chainOff[i] .. chainOff[i+1]). */
  readonly chainOff: number[];
  readonly chain: number[];
  /**
   * Simulated faults (S05 fault_injected) on the instrument since its previous check, before the
   * check that raised this: simulation metadata shown as context, not a causal link.
   */
  readonly faultOff: number[];
  readonly faults: number[];
}

/** Per failure code: how often the journal has it, for the Playbooks view and the code filter. */
export interface CodeCount {
  readonly code: string;
  readonly incidents: number;
  readonly flags: number;
  /** Flags and incidents not tied to an intent. */
  readonly withoutIntent: number;
  /** Intents whose chain carries the code. */
  readonly intents: number;
  /** Flags and incidents per instrument ('' for none), most first. */
  readonly byInstrument: readonly (readonly [string, number])[];
}

/**
 * What `reckon journal verify` said about the journal when the page was built. null: not
 * checked (the pages `reckon run` writes come from the journal the same process just wrote).
 */
export type JournalVerification =
  | { readonly ok: true }
  | { readonly ok: false; readonly firstBadSeq: number; readonly reason: string };

export interface PageIntegrity {
  readonly verification: JournalVerification | null;
  /** Reading stopped before the end: the page holds the records up to `lastReadSeq` only. */
  readonly unreadable: { readonly lastReadSeq: number; readonly reason: string } | null;
}

/** Integrity of a page built without checking its journal. */
export const UNCHECKED_INTEGRITY: PageIntegrity = { verification: null, unreadable: null };

export interface TraceData {
  readonly format: typeof DATA_FORMAT_VERSION;
  readonly title: string;
  readonly source: string;
  readonly run: RunInfo | null;
  readonly head: { readonly lastSeq: number; readonly headHash: string; readonly firstTs: number; readonly lastTs: number; readonly count: number };
  readonly strings: string[];
  readonly records: RecordColumns;
  readonly intents: IntentColumns;
  readonly incidents: IncidentColumns;
  readonly codes: readonly CodeCount[];
  readonly state: StateLog;
  readonly catalog: readonly FailureEntry[];
  readonly integrity: PageIntegrity;
}

// ---------------------------------------------------------------- report

export type { EquityStatistics, InstrumentTradeRow, TradeStatistics } from '../report/statistics.js';
export type { HeldBack, OpenIncidentsByCode, RestrictedInstrument } from '../report/held-back.js';
export type { PnlRow, PnlTotals, PnlView } from '../report/pnl.js';

/** summary.json as the engine writes it (only what the report reads is typed strictly). */
export interface RunSummary {
  readonly counts?: Readonly<Record<string, number>>;
  readonly positions?: readonly {
    readonly account: string; readonly instrument: string; readonly desired: string; readonly expected: string;
    readonly confirmed: string; readonly working: string; readonly residual: string; readonly drift: string;
  }[];
  readonly performance?: {
    readonly startingEquity: string; readonly endingEquity: string; readonly returnPct: number;
    readonly maxDrawdownPct: number; readonly sharpe: number; readonly trades: number; readonly fees: string;
    readonly periodDays?: number; readonly annualisedMeaningful?: boolean;
  };
  readonly journal?: { readonly path: string; readonly lastSeq: number; readonly headHash: string };
  readonly throughput?: { readonly wallMs: number; readonly eventsPerSecond: number };
  readonly heldBack?: HeldBack;
  readonly pnl?: PnlView;
}

export interface PositionRow extends PositionGaps {
  readonly account: string;
  readonly instrument: string;
}

export interface IncidentCodeRow {
  readonly code: string;
  readonly title: string;
  readonly severity: string;
  readonly flags: number;
  readonly incidents: number;
  /** Flags and incidents not tied to an intent (a drift found by an interval check). */
  readonly withoutIntent: number;
  /** Flags and incidents per instrument ('' for none), most first. */
  readonly byInstrument: readonly (readonly [string, number])[];
  /** Up to 20 intent ids carrying the code, for links into the trace. */
  readonly intents: readonly string[];
}

export interface FlagRow {
  readonly seq: number;
  /** The incident's id (trace link `#incident=ID`); null for a flag (`#incident=SEQ`). */
  readonly incidentId: string | null;
  readonly ts: number;
  readonly code: string;
  readonly severity: string;
  readonly instrument: string | null;
  readonly intent: string | null;
  readonly message: string;
}

export interface PriceSeries {
  readonly instrument: string;
  readonly ts: number[];
  readonly open: string[];
  readonly high: string[];
  readonly low: string[];
  readonly close: string[];
}

export interface FillPoint {
  readonly ts: number;
  readonly side: 'buy' | 'sell';
  readonly qty: string;
  readonly price: string;
  readonly intent: string | null;
}

/** One headline figure; `source` tells whether it came from summary.json or was computed here. */
export interface Figure {
  readonly key: string;
  readonly label: string;
  /** The raw value as in summary.json or as computed (number or exact decimal string). */
  readonly value: number | string | null;
  readonly unit: 'pct' | 'ratio' | 'money' | 'count' | 'duration' | 'share';
  readonly source: 'summary.json' | 'computed';
  /** Why the figure should not be read at face value (annualised figures of a short run). */
  readonly caveat?: string;
}

export interface ReportData {
  readonly format: typeof DATA_FORMAT_VERSION;
  readonly title: string;
  readonly source: string;
  readonly run: RunInfo | null;
  readonly period: { readonly firstTs: number; readonly lastTs: number } | null;
  readonly figures: readonly Figure[];
  readonly equity: { readonly ts: number[]; readonly equity: string[]; readonly drawdownPct: number[]; readonly kind: 'equity.csv' | 'reconstructed' } | null;
  readonly prices: readonly PriceSeries[];
  readonly fills: Readonly<Record<string, readonly FillPoint[]>>;
  readonly trade: TradeStatistics;
  readonly positions: readonly PositionRow[];
  readonly recon: {
    readonly checks: number;
    /** Interval checks that found a pair exactly as last journaled (counted by S06 pass records). */
    readonly quietChecks: number;
    readonly adjustments: number;
    readonly byClassification: Readonly<Record<string, number>>;
    readonly openResiduals: number;
    readonly drifts: number;
  };
  readonly incidents: readonly IncidentCodeRow[];
  readonly flags: readonly FlagRow[];
  readonly flagsTotal: number;
  readonly counts: Readonly<Record<string, number>> | null;
  readonly journal: { readonly lastSeq: number; readonly headHash: string } | null;
  readonly links: { readonly trace: string | null; readonly csv: readonly string[] };
  readonly integrity: PageIntegrity;
  /** P&L per instrument and in total (average cost), folded from the journal at the last close. */
  readonly pnl: PnlView;
  /** Restricted instruments, open incidents, risk rejections by rule. */
  readonly heldBack: HeldBack;
}
