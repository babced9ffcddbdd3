/**
 * What an operator sees in a journal: the state rebuilt by folding its records with the same
 * evolve functions the engine uses (never engine internals), up to any seq, plus record labels
 * for chains ("S05.provider:partial_fill", "S07.operator:flag(RESIDUAL_UNEXPLAINED)").
 */
import type { RunConfig } from '../config/load.js';
import { formatSigned } from '../domain/fixed-point.js';
import { positionKey } from '../domain/types.js';
import { foldRecords, type KernelState } from '../engine/kernel-state.js';
import { workingOf } from '../execution/state.js';
import { desiredOf } from '../portfolio/portfolio.js';
import type { JournalRecord, PositionGaps } from '../records/records.js';
import { tradingStateOf } from '../risk/risk.js';

/** The state folded from a journal: the engine's own fold (engine/kernel-state.ts). */
export type FoldedState = KernelState;

export type PositionView = PositionGaps;

/**
 * Folds records (in seq order) up to and including `untilSeq` (default: all).
 *
 * @example
 * const s = foldJournal(records, cfg, 120); positionView(s, cfg, 'fixture-account-01', 'FIX-ALPHA').confirmed // '+1'
 */
export function foldJournal(records: Iterable<JournalRecord>, cfg: RunConfig, untilSeq = Number.POSITIVE_INFINITY): FoldedState {
  return foldRecords(records, cfg, untilSeq);
}

export function positionView(s: Pick<FoldedState, 'portfolio' | 'execution'>, cfg: RunConfig, account: string, instrument: string): PositionView {
  const inst = cfg.instrumentById.get(instrument)!;
  const pos = s.execution.positions.get(positionKey(account, instrument));
  const desired = desiredOf(s.portfolio, account, instrument);
  const expected = pos?.expected ?? 0;
  const confirmed = pos?.confirmed ?? 0;
  const f = (v: number) => formatSigned(v, inst.sizeScale);
  return { desired: f(desired), expected: f(expected), confirmed: f(confirmed), working: f(workingOf(pos)), residual: f(desired - confirmed), drift: f(expected - confirmed) };
}

export const tradingStateIn = (s: FoldedState, instrument: string): string => tradingStateOf(s.risk, instrument);

export const orderStatusIn = (s: FoldedState, clientOrderId: string): string => s.execution.orders.get(clientOrderId)?.status ?? 'unknown';

/** The token of a record: type, plus the payload kind (S03: the decision) where a type has several. */
export function recordToken(r: JournalRecord): string {
  switch (r.type) {
    case 'S01.intent':
    case 'S02.desired':
      return r.type;
    case 'S03.risk':
      return `S03.risk:${r.payload.decision}`;
    default:
      return `${r.type}:${r.payload.kind}`;
  }
}

/** Token plus the detail that tells records of one kind apart (rule, code, fault, classification). */
export function recordLabel(r: JournalRecord): string {
  const t = recordToken(r);
  const p = r.payload as unknown as Record<string, unknown>;
  let detail: unknown = null;
  if (r.type === 'S03.risk' && r.payload.decision === 'rejected') detail = r.payload.ruleId;
  else if (r.type === 'S07.operator' && (p.kind === 'flag' || p.kind === 'incident_opened')) detail = p.code;
  else if (r.type === 'S07.operator' && p.kind === 'trading_state_changed') detail = p.to;
  else if (r.type === 'S05.provider' && p.kind === 'fault_injected') detail = p.fault;
  else if (r.type === 'S05.provider' && p.kind === 'status') detail = p.ordStatus;
  else if (r.type === 'S06.reconciliation' && p.kind === 'reconciliation') detail = p.classification;
  return detail === null ? t : `${t}(${String(detail)})`;
}
