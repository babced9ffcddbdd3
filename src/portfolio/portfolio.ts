/**
 * B01 portfolio: owns the desired position per (account, instrument). It nets the current
 * targets of every strategy trading that pair into one desired position and emits an S02 record
 * when the net changes, listing every contributing intent. It never sends orders and never reads
 * provider state.
 *
 * decide(state, intent) -> S02 draft or null;  evolve(state, record) folds S01/S02 records.
 * evolve updates the state object in place (the engine owns it) and returns it.
 */
import { parseFixed, formatSigned } from '../domain/fixed-point.js';
import { positionKey, type Instrument } from '../domain/types.js';
import type { Draft, IntentPayload, JournalRecord } from '../records/records.js';

interface StrategyTarget { readonly intentId: string; readonly target: number }

export interface PortfolioPosition {
  desired: number;
  /** strategyId -> its latest target, in first-seen order. */
  readonly targets: Map<string, StrategyTarget>;
}

export interface PortfolioState {
  readonly positions: Map<string, PortfolioPosition>;
}

export const initialPortfolioState = (): PortfolioState => ({ positions: new Map() });

/** Desired position of a pair (0 when the portfolio never targeted it). */
export function desiredOf(state: PortfolioState, account: string, instrument: string): number {
  return state.positions.get(positionKey(account, instrument))?.desired ?? 0;
}

/**
 * Nets every strategy's current target into the desired position. Call with the intent already
 * folded into `state` (evolvePortfolio), so a delta intent is applied exactly once.
 *
 * @example
 * // Given strategy A targets +2 and B targets -1 on FIX-ALPHA (desired +1)
 * // When B's intent to +1 is folded: decidePortfolio(...) -> S02 desired "+3", previous "+1"
 */
export function decidePortfolio(
  state: PortfolioState,
  intent: JournalRecord<'S01.intent'>,
  instrument: Instrument,
): Draft<'S02.desired'> | null {
  const pos = state.positions.get(positionKey(intent.account, instrument.id));
  if (!pos) return null;
  const contributions: { strategyId: string; intentId: string; target: string }[] = [];
  let desired = 0;
  for (const [strategyId, t] of pos.targets) {
    desired += t.target;
    contributions.push({ strategyId, intentId: t.intentId, target: formatSigned(t.target, instrument.sizeScale) });
  }
  if (desired === pos.desired) return null;
  return {
    ts: intent.ts, type: 'S02.desired', account: intent.account, instrument: instrument.id,
    correlationId: intent.payload.intentId, causationSeq: intent.seq,
    payload: {
      kind: 'desired_position',
      desired: formatSigned(desired, instrument.sizeScale),
      previous: formatSigned(pos.desired, instrument.sizeScale),
      contributions,
    },
  };
}

/** Folds S01 (a strategy's target) and S02 (the netted desired position). */
export function evolvePortfolio(state: PortfolioState, record: JournalRecord, instrument: Instrument | undefined): PortfolioState {
  if (!instrument) return state;
  if (record.type === 'S01.intent') {
    const p: IntentPayload = record.payload;
    const key = positionKey(record.account, instrument.id);
    let pos = state.positions.get(key);
    if (!pos) state.positions.set(key, (pos = { desired: 0, targets: new Map() }));
    const qty = parseFixed(p.quantity, instrument.sizeScale, 'intent quantity');
    const current = pos.targets.get(p.strategyId)?.target ?? 0;
    pos.targets.set(p.strategyId, { intentId: p.intentId, target: p.mode === 'target' ? qty : current + qty });
  } else if (record.type === 'S02.desired') {
    const key = positionKey(record.account, instrument.id);
    let pos = state.positions.get(key);
    if (!pos) state.positions.set(key, (pos = { desired: 0, targets: new Map() }));
    pos.desired = parseFixed(record.payload.desired, instrument.sizeScale, 'desired');
  }
  return state;
}
