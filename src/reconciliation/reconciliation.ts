/**
 * B04 reconciliation: compares what we want (desired), what we believe (expected) and what the
 * provider confirms (confirmed), with working order quantity, and classifies the gaps:
 *   residual = desired − confirmed  (normal while orders work; flagged when nothing explains it)
 *   drift    = expected − confirmed (never normal)
 * Recovery rule (DESIGN §3): provider truth wins — an explicit adjustment record sets
 * expected := confirmed with both values, an incident opens, and the instrument goes to the
 * configured trading state until an operator acknowledges.
 *
 * decideReconciliation -> the S06 check; decideRecovery(check) -> adjustment, incident, trading
 * state change, flags. Reconciling twice with the same inputs adds no adjustment or flag.
 */
import { formatSigned, parseFixed } from '../domain/fixed-point.js';
import { positionKey, type Instrument, type TradingState } from '../domain/types.js';
import type { AnyDraft, Draft, JournalRecord, ReconClassification, ReconciliationPayload, ReconTrigger } from '../records/records.js';
import { flagDraft, incidentDraft } from '../operator/drafts.js';

export interface ReconSettings {
  readonly residualMaxAgeMs: number;
  readonly onDrift: 'reducing' | 'halted';
}

interface ReconPosition {
  classification: ReconClassification;
  residualSince: number | null;
  /** The last journaled check's payload (what "nothing changed" is compared with). */
  last: Extract<ReconciliationPayload, { kind: 'reconciliation' }> | null;
}

export interface ReconState {
  readonly positions: Map<string, ReconPosition>;
}

export const initialReconState = (): ReconState => ({ positions: new Map() });

export interface ReconInput {
  readonly ts: number;
  readonly account: string;
  readonly instrument: Instrument;
  readonly trigger: ReconTrigger;
  readonly correlationId: string | null;
  readonly causationSeq: number | null;
  readonly desired: number;
  readonly expected: number;
  readonly confirmed: number;
  readonly working: number;
}

/** Classification order: drift first (never normal), then residuals, then in sync. */
export function classify(desired: number, expected: number, confirmed: number, working: number, residualAgeMs: number, maxAgeMs: number): ReconClassification {
  if (expected !== confirmed) return 'DRIFT';
  const residual = desired - confirmed;
  if (residual === 0 && working === 0) return 'IN_SYNC';
  if (working !== residual) return 'RESIDUAL_UNEXPLAINED';
  return residualAgeMs > maxAgeMs ? 'RESIDUAL_AGED' : 'WORKING';
}

/**
 * The S06 check for one (account, instrument).
 *
 * @example
 * // desired +2, expected +1, confirmed +1, working 0 (order expired after a partial fill)
 * decideReconciliation(state, input, settings).payload.classification // 'RESIDUAL_UNEXPLAINED'
 */
export function decideReconciliation(state: ReconState, input: ReconInput, settings: ReconSettings): Draft<'S06.reconciliation'> {
  const i = input.instrument;
  const prev = state.positions.get(positionKey(input.account, i.id));
  const residual = input.desired - input.confirmed;
  const residualSince = residual === 0 ? null : prev?.residualSince ?? input.ts;
  const age = residualSince === null ? 0 : input.ts - residualSince;
  return {
    ts: input.ts, type: 'S06.reconciliation', account: input.account, instrument: i.id,
    correlationId: input.correlationId, causationSeq: input.causationSeq,
    payload: {
      kind: 'reconciliation',
      trigger: input.trigger,
      desired: formatSigned(input.desired, i.sizeScale),
      expected: formatSigned(input.expected, i.sizeScale),
      confirmed: formatSigned(input.confirmed, i.sizeScale),
      working: formatSigned(input.working, i.sizeScale),
      residual: formatSigned(residual, i.sizeScale),
      drift: formatSigned(input.expected - input.confirmed, i.sizeScale),
      classification: classify(input.desired, input.expected, input.confirmed, input.working, age, settings.residualMaxAgeMs),
      residualSinceTs: residualSince,
    },
  };
}

/**
 * Follow-up records of a journaled check: the recovery rule on drift, flags on entering an
 * unexplained or aged residual. `previous` is the pair's classification before this check, so a
 * repeated check with the same inputs flags nothing new (idempotent).
 */
export function decideRecovery(
  previous: ReconClassification,
  check: Draft<'S06.reconciliation'> & { readonly seq: number },
  instrument: Instrument,
  tradingState: TradingState,
  settings: ReconSettings,
): AnyDraft[] {
  const p = check.payload;
  if (p.kind !== 'reconciliation') return [];
  const prev = previous;
  const base = { ts: check.ts, account: check.account, instrument: instrument.id, correlationId: check.correlationId, causationSeq: check.seq };
  const out: AnyDraft[] = [];
  if (p.classification === 'DRIFT') {
    const incidentId = `INC-${check.seq}-POSITION_DRIFT`;
    out.push({ ...base, type: 'S06.reconciliation', payload: {
      kind: 'adjustment', expectedBefore: p.expected, confirmed: p.confirmed,
      adjustment: formatSigned(-parseFixed(p.drift, instrument.sizeScale, 'drift'), instrument.sizeScale),
      reason: 'provider truth wins: expected set to the provider-confirmed position',
    } });
    out.push(incidentDraft(base, incidentId, 'POSITION_DRIFT', `expected ${p.expected} but provider confirms ${p.confirmed} (drift ${p.drift})`, {
      expected: p.expected, confirmed: p.confirmed, drift: p.drift, desired: p.desired, restricts: settings.onDrift,
    }));
    if (stricter(settings.onDrift, tradingState)) {
      out.push({ ...base, type: 'S07.operator', payload: {
        kind: 'trading_state_changed', from: tradingState, to: settings.onDrift, actor: 'system:reconciliation',
        reason: `recovery rule: ${settings.onDrift} until POSITION_DRIFT ${incidentId} is acknowledged`, incidentId,
      } });
    }
  } else if (p.classification !== prev && (p.classification === 'RESIDUAL_UNEXPLAINED' || p.classification === 'RESIDUAL_AGED')) {
    const aged = p.classification === 'RESIDUAL_AGED';
    out.push(flagDraft(base, 'RESIDUAL_UNEXPLAINED', aged
      ? `drift visible for review: residual ${p.residual} older than ${Math.round(settings.residualMaxAgeMs / 60000)} min`
      : 'drift visible for review', {
      residual: p.residual, desired: p.desired, confirmed: p.confirmed, working: p.working, classification: p.classification,
    }));
  }
  return out;
}

/**
 * True when an interval check would repeat the pair's last journaled check exactly (same values,
 * same classification, same residual age origin): the pass counts it as quiet instead.
 */
export function isQuietCheck(state: ReconState, check: Draft<'S06.reconciliation'>): boolean {
  const p = check.payload;
  if (p.kind !== 'reconciliation' || check.instrument === null) return false;
  const last = state.positions.get(positionKey(check.account, check.instrument))?.last;
  return last != null && last.desired === p.desired && last.expected === p.expected && last.confirmed === p.confirmed
    && last.working === p.working && last.classification === p.classification && last.residualSinceTs === p.residualSinceTs;
}

/** Folds S06 checks (classification, residual age). */
export function evolveRecon(state: ReconState, record: JournalRecord): ReconState {
  if (record.type === 'S06.reconciliation' && record.payload.kind === 'reconciliation' && record.instrument) {
    const key = positionKey(record.account, record.instrument);
    let pos = state.positions.get(key);
    if (!pos) state.positions.set(key, (pos = { classification: 'IN_SYNC', residualSince: null, last: null }));
    pos.classification = record.payload.classification;
    pos.residualSince = record.payload.residualSinceTs;
    pos.last = record.payload;
  }
  return state;
}

const RANK: Readonly<Record<TradingState, number>> = { active: 0, reducing: 1, halted: 2 };
const stricter = (to: TradingState, from: TradingState): boolean => RANK[to] > RANK[from];
