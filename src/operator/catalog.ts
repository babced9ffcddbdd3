/**
 * The failure catalog (DESIGN §8): every S07 flag or incident carries one of these codes, and
 * every code has a playbook an operator can follow. `reckon playbooks` and docs/playbooks.md are
 * rendered from this list, and the trace and console show the steps beside each flag.
 */
import type { Severity } from '../records/records.js';

export type FailureCode =
  | 'RISK_REJECTED'
  | 'PROVIDER_REJECTED'
  | 'RESIDUAL_UNEXPLAINED'
  | 'POSITION_DRIFT'
  | 'UNKNOWN_ORDER_AT_PROVIDER'
  | 'ORDER_MISSING_AT_PROVIDER'
  | 'ORDER_STUCK_IN_FLIGHT'
  | 'DUPLICATE_PROVIDER_EVENT'
  | 'FILL_AFTER_CANCEL'
  | 'ILLEGAL_ORDER_TRANSITION'
  | 'PROVIDER_UNREACHABLE'
  | 'PROVIDER_RECONNECTED'
  | 'RECONCILIATION_TIMEOUT'
  | 'PROVIDER_REQUEST_REJECTED'
  | 'BAD_PROVIDER_MESSAGE'
  | 'STALE_PROVIDER_SNAPSHOT'
  | 'STALE_MARKET_DATA'
  | 'BAD_INPUT_QUARANTINED'
  | 'STRATEGY_ERROR'
  | 'JOURNAL_INTEGRITY';

export interface Escalation {
  /** Age of the open flag or incident after which it escalates. */
  readonly afterMs: number;
  readonly severity: Severity;
  readonly action: string;
}

export interface FailureEntry {
  readonly code: FailureCode;
  readonly title: string;
  readonly severity: Severity;
  /** Whether detection opens an incident (open → acknowledged → resolved) or only raises a flag. */
  readonly opensIncident: boolean;
  readonly detection: string;
  readonly automaticAction: string;
  readonly operatorSteps: readonly string[];
  readonly escalation: readonly Escalation[];
}

const MIN = 60_000;
const HOUR = 60 * MIN;

export const FAILURE_CATALOG: readonly FailureEntry[] = [
  {
    code: 'RISK_REJECTED', title: 'Order rejected by the risk gate', severity: 'info', opensIncident: false,
    detection: 'B02 rejects a proposed order: an S03 record with decision "rejected", the rule id, the limit and the observed value.',
    automaticAction: 'Nothing is routed. The desired position stays as the portfolio set it, so the gap shows as a residual.',
    operatorSteps: [
      'Open the intent in the trace and read the S03 record: which rule, which limit, which observed value.',
      'Decide whether the limit is right. If it is, the strategy asked for too much: leave it, or lower the strategy target.',
      'If the limit is wrong, change it in the risk config and restart; never bypass the gate by hand.',
    ],
    escalation: [{ afterMs: 1 * HOUR, severity: 'warning', action: 'Repeated rejections on one rule within an hour: review the strategy or the limit.' }],
  },
  {
    code: 'PROVIDER_REJECTED', title: 'Order rejected by the provider', severity: 'warning', opensIncident: false,
    detection: 'An S05 "reject" event for a submitted order (a definitive refusal: terminal).',
    automaticAction: 'The order is terminal (rejected); nothing is resubmitted automatically. The residual stays visible.',
    operatorSteps: [
      'Read the provider reason in the S05 record (raw message kept).',
      'Compare with venue limits (maximum quantity, buying power, price increment).',
      'Fix the cause (sizing, config) before the strategy re-targets; resubmission happens only on a new desired position.',
    ],
    escalation: [{ afterMs: 30 * MIN, severity: 'critical', action: 'Several provider rejections in 30 minutes: halt the instrument and contact the provider.' }],
  },
  {
    code: 'RESIDUAL_UNEXPLAINED', title: 'Residual with no working order to explain it', severity: 'warning', opensIncident: false,
    detection: 'Reconciliation: desired − confirmed ≠ 0 and no working order covers it (e.g. partial fill then expiry, rejected order), or the residual ages past reconciliation.residualMaxAgeMs.',
    automaticAction: 'Flag "drift visible for review". Execution does not chase the residual on its own; the next desired position re-plans the whole gap.',
    operatorSteps: [
      'Open the intent chain: see the order, its fills and how it ended (expired, cancelled, rejected).',
      'Decide: accept the smaller position, or let the strategy re-target (a new intent re-plans desired − confirmed − working).',
      'If it recurs on one instrument, review participation, time in force and the order type in the execution config.',
    ],
    escalation: [{ afterMs: 4 * HOUR, severity: 'critical', action: 'Residual older than four hours: set the instrument to reducing and review the strategy.' }],
  },
  {
    code: 'POSITION_DRIFT', title: 'Expected position differs from provider-confirmed position', severity: 'critical', opensIncident: true,
    detection: 'Reconciliation: expected − confirmed ≠ 0 (a missed fill, an unknown fill, an external trade, a lost cancel).',
    automaticAction: 'Provider truth wins: an adjustment record sets expected := confirmed with both values, an incident opens, the instrument goes to the configured trading state (reconciliation.onDrift, default reducing-only) until an operator acknowledges — released only when no other unacknowledged incident on the instrument still needs it.',
    operatorSteps: [
      'Read the adjustment record: expected before, confirmed, size of the adjustment.',
      'Find the cause in the provider events around it (missing or duplicated fill, external trade, lost cancel); confirm the provider position out of band if needed.',
      'Acknowledge the incident with a note: this releases the instrument to active.',
      'Resolve the incident once the cause is understood and recorded.',
    ],
    escalation: [
      { afterMs: 15 * MIN, severity: 'critical', action: 'Unacknowledged for 15 minutes: page the on-call operator.' },
      { afterMs: 1 * HOUR, severity: 'critical', action: 'Unacknowledged for an hour: engage the kill switch.' },
    ],
  },
  {
    code: 'UNKNOWN_ORDER_AT_PROVIDER', title: 'Provider reports an order we never sent', severity: 'critical', opensIncident: true,
    detection: 'A provider event or open-order snapshot names a client order id with no S04 command in the journal.',
    automaticAction: 'One incident per unknown client order id. Its fills are not counted as ours (expected stays), so they change only the provider-confirmed position: reconciliation finds the drift and the recovery rule adjusts and puts the instrument reducing-only (POSITION_DRIFT).',
    operatorSteps: [
      'Check whether another system or a person trades the same account.',
      'Cancel the unknown order at the provider if it is still open.',
      'Acknowledge with the finding; resolve once the account is exclusive again.',
    ],
    escalation: [{ afterMs: 15 * MIN, severity: 'critical', action: 'Unacknowledged for 15 minutes: halt the account.' }],
  },
  {
    code: 'ORDER_MISSING_AT_PROVIDER', title: 'Working order not found at the provider', severity: 'critical', opensIncident: true,
    detection: 'Reconciliation against the mass order status (interval, reconnect, end of run): an order we believe working is absent, and the provider answers "not found" when asked for it (distinct from provider unreachable).',
    automaticAction: 'An S05 status record (ordStatus not_found) closes the order: it stops counting as working only after the provider confirms it is unknown; the residual becomes visible (RESIDUAL_UNEXPLAINED).',
    operatorSteps: [
      'Query the order at the provider by client order id and by provider order id.',
      'If it never arrived, let the strategy re-target; if it was filled, reconcile the fills.',
      'Acknowledge and resolve with the finding.',
    ],
    escalation: [{ afterMs: 30 * MIN, severity: 'critical', action: 'Still missing after 30 minutes: halt the instrument.' }],
  },
  {
    code: 'ORDER_STUCK_IN_FLIGHT', title: 'Order without a definitive outcome', severity: 'warning', opensIncident: true,
    detection: 'An order command (S04) has no definitive answer past the in-flight timeout (default 30 s event time) and asking the provider does not resolve it: the provider is unreachable (ambiguous: timeout, send failure, disconnect), or it answers "not found" for a submission it never acknowledged.',
    automaticAction: 'Past the timeout the engine asks the provider (S05 status, source "query") and applies what it knows. Unresolved, the order stays in flight — never treated as rejected, never resubmitted under a new id; reconciliation by mass order status after reconnect resolves it. A submission the provider does not know is closed as not_found.',
    operatorSteps: [
      'Check provider connectivity.',
      'Query the order status at the provider; the next reconciliation resolves it.',
      'Never resubmit by hand under a new id while the first one may still be live.',
    ],
    escalation: [{ afterMs: 10 * MIN, severity: 'critical', action: 'In flight for 10 minutes: set the instrument to halted.' }],
  },
  {
    code: 'DUPLICATE_PROVIDER_EVENT', title: 'Duplicate provider event ignored', severity: 'info', opensIncident: false,
    detection: 'An execution report repeats an execution id already applied.',
    automaticAction: 'De-duplicated by execution id: the position is not changed twice. The duplicate stays in the journal as an S05 record.',
    operatorSteps: [
      'No action needed for a single duplicate.',
      'If duplicates are frequent, raise it with the provider (session resend behaviour).',
    ],
    escalation: [],
  },
  {
    code: 'FILL_AFTER_CANCEL', title: 'Fill received after the order was cancelled', severity: 'warning', opensIncident: false,
    detection: 'A fill arrives for an order already in a cancelled or expired state.',
    automaticAction: 'Accepted as the real world: position and expected state include the fill; the order status does not regress.',
    operatorSteps: [
      'Review the resulting position: it may now exceed the desired position.',
      'Let the strategy re-target, or reduce by hand through the console (through the risk gate).',
    ],
    escalation: [{ afterMs: 1 * HOUR, severity: 'critical', action: 'Position still beyond the desired target after an hour: review.' }],
  },
  {
    code: 'ILLEGAL_ORDER_TRANSITION', title: 'Provider event not allowed by the order lifecycle', severity: 'warning', opensIncident: true,
    detection: 'A provider event asks for a transition the order transition table does not allow (e.g. an ack after a fill).',
    automaticAction: 'The status does not regress; the event is kept in the journal; fills in it still count toward the position.',
    operatorSteps: [
      'Read the event sequence of the order in the trace.',
      'Query the order at the provider to learn its real status.',
      'Acknowledge with the finding; report the provider behaviour if it repeats.',
    ],
    escalation: [{ afterMs: 1 * HOUR, severity: 'critical', action: 'Unacknowledged for an hour: halt the instrument.' }],
  },
  {
    code: 'PROVIDER_UNREACHABLE', title: 'Provider unreachable', severity: 'critical', opensIncident: true,
    detection: 'The provider link goes down (logout, dropped connection, heartbeat timeout, refused connect) or a command cannot be sent (distinct from "not found"). One incident per outage.',
    automaticAction: 'Routing pauses (an S07 routing record): intents and desired positions are still journaled, no order is sent. A command that failed to send stays in flight (ambiguous: never a reject). When the link comes back the engine flags PROVIDER_RECONNECTED and reconciles by mass order status (missed fills are inferred from the reported CumQty) and then positions (trigger "reconnect"); only when that has answered does routing resume and the paused pairs are re-planned.',
    operatorSteps: [
      'Check network and provider status.',
      'After reconnect, read the reconnect reconciliation: S05 status records resolve in-flight orders, inferred fills show fills reported while we were away, any POSITION_DRIFT incident shows what no report explains.',
      'Acknowledge after the reconnect reconciliation is clean; resolve with the cause of the outage.',
    ],
    escalation: [{ afterMs: 5 * MIN, severity: 'critical', action: 'Unreachable for five minutes: call the provider desk.' }],
  },
  {
    code: 'PROVIDER_RECONNECTED', title: 'Provider reachable again', severity: 'info', opensIncident: false,
    detection: 'The provider link comes up after an outage (PROVIDER_UNREACHABLE).',
    automaticAction: 'Every account is reconciled: mass order status first (status queries for orders it does not list), then positions (trigger "reconnect"); routing stays paused until that has answered, then the paused pairs are re-planned (S07 routing resumed).',
    operatorSteps: [
      'Review the reconnect reconciliation records that follow the flag, up to the routing resumed record.',
      'Acknowledge the PROVIDER_UNREACHABLE incident named in the flag once they are clean.',
    ],
    escalation: [],
  },
  {
    code: 'RECONCILIATION_TIMEOUT', title: 'Provider did not answer a reconciliation request', severity: 'warning', opensIncident: true,
    detection: 'An S06 request (positions, mass order status, order status) has no answer after the request timeout (event time).',
    automaticAction: 'The request is closed with this incident. A startup or reconnect request is asked again and routing stays paused until it is answered (never trade on an unknown state); an interval pass resumes at the next interval.',
    operatorSteps: [
      'Check the provider session (heartbeats, logon) and whether the venue supports the request (FIX AF, AN, H).',
      'If the venue does not answer positions at all, reconciliation cannot confirm positions: halt the instruments until it does.',
      'Acknowledge once requests are answered again.',
    ],
    escalation: [{ afterMs: 15 * MIN, severity: 'critical', action: 'No answers for 15 minutes: positions are unconfirmed; halt trading and call the provider.' }],
  },
  {
    code: 'PROVIDER_REQUEST_REJECTED', title: 'Provider refused a request', severity: 'warning', opensIncident: false,
    detection: 'The provider answered a reconciliation request with a refusal (FIX BusinessMessageReject, RequestForPositionsAck rejected, Reject on a query).',
    automaticAction: 'The request is closed; the pass continues without it (a refused positions request leaves confirmed positions as they were).',
    operatorSteps: [
      'Read the reason and the raw message in the S05 record.',
      'Check that the account and symbols are permissioned for status and position requests at the venue.',
    ],
    escalation: [{ afterMs: 1 * HOUR, severity: 'critical', action: 'Requests refused for an hour: positions are unconfirmed; raise it with the provider.' }],
  },
  {
    code: 'BAD_PROVIDER_MESSAGE', title: 'Provider message could not be mapped', severity: 'warning', opensIncident: false,
    detection: 'A message from the provider the adapter or engine could not map: garbled, an unknown symbol or account, a quantity or price off the instrument increment, an unsupported ExecType, an answer to a request that is not open.',
    automaticAction: 'The message is journaled as received (S05 malformed, raw kept) and never applied; nothing is rounded or guessed.',
    operatorSteps: [
      'Read the reason (field, tag, value) and the raw message in the S05 record.',
      'Fix the instrument mapping or increments in the config if the venue is right; raise it with the provider if not.',
      'Reconciliation compares positions with the provider: an unapplied fill shows as drift there.',
    ],
    escalation: [{ afterMs: 30 * MIN, severity: 'critical', action: 'Repeated unmappable messages: halt the instrument until the mapping is fixed.' }],
  },
  {
    code: 'STALE_PROVIDER_SNAPSHOT', title: 'Provider position snapshot older than what we have seen', severity: 'warning', opensIncident: false,
    detection: 'A position snapshot whose asOf is older than the last fill seen for the pair, or older than the snapshot already applied (asOf < max(last fill ts, confirmed asOf)).',
    automaticAction: 'The snapshot is journaled (S05 position_report with stale: true) but not folded into the confirmed position, and the pair is not reconciled on it: no adjustment, no false drift. The next fresh snapshot reconciles.',
    operatorSteps: [
      'No action for an occasional stale snapshot.',
      'If it repeats, check the provider\'s position service (caching, replication lag).',
    ],
    escalation: [{ afterMs: 1 * HOUR, severity: 'warning', action: 'Stale snapshots for an hour: positions are not being reconciled; raise it with the provider.' }],
  },
  {
    code: 'STALE_MARKET_DATA', title: 'Market data stale', severity: 'warning', opensIncident: true,
    detection: 'No bar or tick for an instrument within the configured staleness limit.',
    automaticAction: 'The instrument goes to reducing-only: the price collar has no fresh reference.',
    operatorSteps: [
      'Check the market data feed.',
      'Acknowledge once data flows again; the instrument returns to active.',
    ],
    escalation: [{ afterMs: 15 * MIN, severity: 'critical', action: 'Stale for 15 minutes: halt the instrument.' }],
  },
  {
    code: 'BAD_INPUT_QUARANTINED', title: 'Bad market data row quarantined', severity: 'warning', opensIncident: false,
    detection: 'A market data row fails validation while running with --bad-rows quarantine.',
    automaticAction: 'The row is written with its reason to rejected-rows.csv, counted in the summary and flagged here; it never reaches a strategy.',
    operatorSteps: [
      'Open rejected-rows.csv: file line, reason and raw row.',
      'Fix the source data and re-run if the row mattered.',
    ],
    escalation: [],
  },
  {
    code: 'STRATEGY_ERROR', title: 'Strategy output unusable for one bar', severity: 'warning', opensIncident: false,
    detection: 'A strategy\'s onBar threw, or returned something that is not a valid target: not a signed decimal string, off the instrument\'s size increment, above its maxPosition, an instrument the strategy does not trade, or a malformed signal. The flag names the strategy id, the bar line and the reason.',
    automaticAction: 'That bar\'s output is discarded (no S01 intent); the strategy\'s previous target stands and the run goes on. A module that cannot be loaded, exports the wrong shape or does not return within its timeoutMs stops the run instead (exit 2), before or at that bar.',
    operatorSteps: [
      'Read the reason and the bar line in the flag; open that line of the input file.',
      'Reproduce it in a unit test with runStrategyOnCsv over the same CSV (docs/strategies.md), fix the strategy, and re-run.',
      'Targets are decimal strings at the size increment: ctx.target(x) rounds a float onto the increment and within maxPosition.',
    ],
    escalation: [{ afterMs: 1 * HOUR, severity: 'critical', action: 'Repeated strategy errors for an hour: the strategy is not trading what it means to; stop it and fix it.' }],
  },
  {
    code: 'JOURNAL_INTEGRITY', title: 'Journal hash chain broken', severity: 'critical', opensIncident: true,
    detection: '`reckon journal verify` or a resume finds a record whose hash, sequence or content does not match the chain.',
    automaticAction: 'Resume refuses to continue on the journal; nothing is appended to a broken chain.',
    operatorSteps: [
      'Run `reckon journal verify` to find the first bad seq.',
      'Restore the journal from a copy, or start a new run; never edit a journal by hand.',
    ],
    escalation: [],
  },
];

const BY_CODE = new Map(FAILURE_CATALOG.map((e) => [e.code, e]));

/** The generated playbook document, relative to the repository root. */
export const PLAYBOOK_DOC = 'docs/playbooks.md';

/** Anchor of a code's section in docs/playbooks.md: its code in lower case. */
export const playbookAnchor = (code: FailureCode | string): string => code.toLowerCase();

/**
 * Link from a flag or incident to its playbook.
 *
 * @example
 * playbookLink('POSITION_DRIFT') // 'docs/playbooks.md#position_drift'
 */
export const playbookLink = (code: FailureCode | string): string => `${PLAYBOOK_DOC}#${playbookAnchor(code)}`;

/** True when `code` is a catalog code. */
export const isFailureCode = (code: string): code is FailureCode => BY_CODE.has(code as FailureCode);

/** The catalog entry for a code; throws on an unknown code, since every flag must have one. */
export function playbookFor(code: FailureCode): FailureEntry {
  const e = BY_CODE.get(code);
  if (!e) throw new Error(`no playbook for ${code}`);
  return e;
}
