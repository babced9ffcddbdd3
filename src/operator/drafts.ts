/**
 * The two S07 records every boundary raises for the operator: a flag (look at this) and an
 * incident (act on this, with a lifecycle). Severity comes from the failure catalog, so a code
 * always means the same thing wherever it is raised.
 */
import type { Draft } from '../records/records.js';
import { playbookFor, type FailureCode } from './catalog.js';

/** Envelope fields of the record that raises it (the decider's own). */
export type DraftBase = { ts: number; account: string; instrument: string | null; correlationId: string | null; causationSeq: number | null };

/**
 * @example
 * flagDraft(base, 'RESIDUAL_UNEXPLAINED', 'drift visible for review', { residual: '+1' })
 */
export function flagDraft(base: DraftBase, code: FailureCode, message: string, details: Record<string, string | number | null>): Draft<'S07.operator'> {
  return { ...base, type: 'S07.operator', payload: { kind: 'flag', code, severity: playbookFor(code).severity, message, details } };
}

/**
 * @example
 * incidentDraft(base, `INC-${seq}-POSITION_DRIFT`, 'POSITION_DRIFT', 'expected +2 but provider confirms +1', {})
 */
export function incidentDraft(base: DraftBase, incidentId: string, code: FailureCode, message: string, details: Record<string, string | number | null>): Draft<'S07.operator'> {
  return { ...base, type: 'S07.operator', payload: { kind: 'incident_opened', incidentId, code, severity: playbookFor(code).severity, message, details } };
}
