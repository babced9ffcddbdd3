/**
 * Grouped-commit append rate of the SQLite journal: `append` (seq, canonical JSON, SHA-256
 * chain) of representative records, committed in transactions of `batchSize` (the journal's
 * automatic flush), then a final flush; fresh file per run, durability 'normal' (WAL).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteJournal } from '../journal/sqlite.js';
import type { AnyDraft } from '../records/records.js';

/** The mix the pipeline writes most: provider fills, position reports and reconciliation checks. */
export function benchDrafts(): AnyDraft[] {
  const fill: AnyDraft = {
    ts: 1_767_571_260_000, type: 'S05.provider', account: 'bench-account', instrument: 'FIX-ALPHA', correlationId: 'intent-001', causationSeq: 4,
    payload: {
      kind: 'fill', clientOrderId: 'intent-001.1', providerOrderId: 'P00000001', execId: 'E00000001', side: 'buy',
      lastQty: '100', lastPrice: '100.02', cumQty: '100', leavesQty: '0', fee: '0.500100',
      raw: { MsgType: '8', ExecType: 'F', OrdStatus: '2', ClOrdID: 'intent-001.1', OrderID: 'P00000001', ExecID: 'E00000001', Side: '1', LastQty: '100', LastPx: '100.02', CumQty: '100', LeavesQty: '0', Commission: '0.500100' },
    },
  };
  const report: AnyDraft = {
    ts: 1_767_571_260_000, type: 'S05.provider', account: 'bench-account', instrument: 'FIX-ALPHA', correlationId: 'intent-001', causationSeq: 5,
    payload: { kind: 'position_report', requestId: 'R5', position: '+100', asOf: 1_767_571_260_000, raw: { account: 'bench-account', instrument: 'FIX-ALPHA', position: 100 } },
  };
  const check: AnyDraft = {
    ts: 1_767_571_260_000, type: 'S06.reconciliation', account: 'bench-account', instrument: 'FIX-ALPHA', correlationId: 'intent-001', causationSeq: 6,
    payload: {
      kind: 'reconciliation', trigger: 'provider_event', desired: '+100', expected: '+100', confirmed: '+100', working: '0',
      residual: '0', drift: '0', classification: 'IN_SYNC', residualSinceTs: null,
    },
  };
  return [fill, report, check];
}

export function runJournalAppends(n: number, batchSize: number): { appends: number; seconds: number } {
  const dir = mkdtempSync(join(tmpdir(), 'reckon-journal-bench-'));
  const j = SqliteJournal.open(join(dir, 'journal.db'), { durability: 'normal', batchSize });
  try {
    const mix = benchDrafts();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) j.append(mix[i % mix.length]!);
    j.commitSync();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { appends: n, seconds };
  } finally {
    j.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}
