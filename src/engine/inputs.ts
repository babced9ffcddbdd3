/**
 * The engine's one input union and what a step returns. Everything that can change the engine's
 * state arrives as one of these, through one inbox, one at a time.
 */
import type { Bar, RejectedRow } from '../marketdata/bar.js';
import type { OperatorCommand, OperatorDecision } from '../commands/operator.js';
import type { ProviderCommand, ProviderMessage } from '../provider/gateway.js';
import type { InjectedFault } from '../provider/sim/faults.js';
import type { JournalRecord } from '../records/records.js';

/** What starts a run: the S00 run_started record (config hash, seed, input identity, fault plan). */
export interface RunStart {
  readonly runId: string;
  readonly dataName: string;
  readonly dataBytes: number;
  /** live: routing stays paused until the startup reconciliation with the provider has answered. */
  readonly mode: 'replay' | 'live' | 'scenario';
  readonly version: string;
  readonly faults?: string;
  /** Event time of the record (live: the wall clock at start; replays: 0). */
  readonly ts?: number;
}

/** A scripted S01 intent with an explicit id (scenarios, operator tools). */
export interface ScriptedIntent {
  readonly ts: number;
  readonly account: string;
  readonly instrument: string;
  readonly intentId: string;
  readonly strategyId: string;
  readonly mode: 'target' | 'delta';
  /** Signed decimal at the instrument's size increment, e.g. "+2". */
  readonly quantity: string;
  readonly signal?: Readonly<Record<string, number | string>>;
}

export type EngineInput =
  | { readonly kind: 'start'; readonly run: RunStart }
  | { readonly kind: 'bar'; readonly bar: Bar }
  /** Messages from the provider gateway, as many as arrived together; `receivedTs` is when they reached the inbox. */
  | { readonly kind: 'provider'; readonly receivedTs: number; readonly messages: readonly ProviderMessage[] }
  | { readonly kind: 'operator'; readonly command: OperatorCommand }
  | { readonly kind: 'intent'; readonly intent: ScriptedIntent }
  /** Time passes: timeouts, in-flight queries, recovery; the interval pass unless `reconcile` is false. */
  | { readonly kind: 'timer'; readonly ts: number; readonly reconcile?: boolean }
  | { readonly kind: 'rejected_row'; readonly row: RejectedRow }
  /** Simulation metadata only: a fault the simulated venue injected (never from a production gateway). */
  | { readonly kind: 'simulation'; readonly fault: InjectedFault }
  /** End of input: the end-of-run reconciliation, then run_completed. */
  | { readonly kind: 'finish'; readonly dataSha256: string; readonly lastLine: number };

export interface StepResult {
  /** Records the step journaled, in seq order (sealed; committed by the runner). */
  readonly records: readonly JournalRecord[];
  /** Provider commands those records decide: to be sent once the journal has committed them. */
  readonly commands: readonly ProviderCommand[];
  /** Operator inputs: accepted with the records, or refused with a status and code. */
  readonly reply?: { readonly ok: true; readonly records: readonly JournalRecord[] } | Extract<OperatorDecision, { ok: false }>;
}
