/**
 * The engine's state, and the one fold that builds it: `evolveAll` folds a journaled record into
 * every boundary's state. The engine applies it to each record it journals, a restart folds the
 * journal with it, and the scenario view, the trace and tests use the same function — so the
 * state after seq N is the same however it was reached.
 *
 * Only market data (last prices, strategy indicators) is not in the journal: bars are inputs,
 * identified by their content hash in the S00 records.
 */
import type { RunConfig } from '../config/load.js';
import { evolveExecution, initialExecutionState, type ExecutionState } from '../execution/state.js';
import { evolveIncidents, initialIncidentState, type IncidentState } from '../operator/incidents.js';
import { evolvePortfolio, initialPortfolioState, type PortfolioState } from '../portfolio/portfolio.js';
import type { JournalRecord } from '../records/records.js';
import { evolveRecon, initialReconState, type ReconState } from '../reconciliation/reconciliation.js';
import { evolveProvider, initialProviderState, type ProviderState } from '../reconciliation/provider-state.js';
import { evolveRisk, initialRiskState, type RiskState } from '../risk/risk.js';

export interface KernelState {
  readonly portfolio: PortfolioState;
  readonly risk: RiskState;
  readonly execution: ExecutionState;
  readonly recon: ReconState;
  readonly incidents: IncidentState;
  readonly provider: ProviderState;
  /** Seq of the last record folded (0 when none). */
  lastSeq: number;
  /** ts of the last record folded. */
  lastTs: number;
}

/**
 * The state before the first record of a run with this config.
 *
 * @example
 * const s = initialKernelState(cfg); for (const r of records) evolveAll(s, r, cfg);
 */
export function initialKernelState(cfg: RunConfig): KernelState {
  return {
    portfolio: initialPortfolioState(),
    risk: initialRiskState(cfg.instruments.map((i) => [i.id, cfg.limits.get(i.id)!.tradingState]), cfg.raw.risk.killSwitch),
    execution: initialExecutionState(new Map(cfg.accounts.map((a) => [a.id, a.startingCash]))),
    recon: initialReconState(),
    incidents: initialIncidentState(),
    provider: initialProviderState(),
    lastSeq: 0,
    lastTs: 0,
  };
}

/** Folds one journaled record into every boundary's state, in place. */
export function evolveAll(s: KernelState, record: JournalRecord, cfg: RunConfig): KernelState {
  const inst = record.instrument === null ? undefined : cfg.instrumentById.get(record.instrument);
  evolvePortfolio(s.portfolio, record, inst);
  evolveRisk(s.risk, record, cfg.raw.risk.orderRate.windowMs);
  evolveExecution(s.execution, record, inst);
  evolveRecon(s.recon, record);
  evolveIncidents(s.incidents, record);
  evolveProvider(s.provider, record);
  s.lastSeq = record.seq;
  if (record.ts > s.lastTs) s.lastTs = record.ts;
  return s;
}

/**
 * Folds records (in seq order) up to and including `untilSeq` (default: all).
 *
 * @example
 * const s = foldRecords(records, cfg, 120); s.execution.positions.get('A1|FIX-ALPHA')?.confirmed
 */
export function foldRecords(records: Iterable<JournalRecord>, cfg: RunConfig, untilSeq = Number.POSITIVE_INFINITY): KernelState {
  const s = initialKernelState(cfg);
  for (const r of records) {
    if (r.seq > untilSeq) break;
    evolveAll(s, r, cfg);
  }
  return s;
}
