/**
 * Given/When/Then for deciders: `given` folds records into a kernel state with the engine's own
 * fold (`evolveAll`), `when` runs a decider on it with a deterministic context and returns the
 * drafts, `fold` journals and folds what a step would append. Every boundary's decision has the
 * same shape (state, input, ctx) -> drafts, so one helper serves all of them.
 *
 * @example
 * const g = given(cfg, submit('i-1.1', 'buy', '2'), ack('i-1.1', '2'));
 * const drafts = g.when((state, ctx) => decideExecutionReport(state, fillMsg, ALPHA, ctx));
 * expect(drafts.map((d) => d.payload.kind)).toEqual(['fill']);
 */
import { parseConfig, type RunConfig } from '../../src/config/load.js';
import type { DecideContext, DraftList } from '../../src/domain/decider.js';
import { evolveAll, initialKernelState, type KernelState } from '../../src/engine/kernel-state.js';
import { MemoryJournal } from '../../src/journal/memory.js';
import type { AnyDraft, JournalRecord } from '../../src/records/records.js';
import { ACCOUNT } from './records.js';

/** One account, FIX-ALPHA (0.01 / 1) and FIX-CHARLIE (0.5 / 0.001), as test/support/records.ts names them. */
export const SPEC_CONFIG: RunConfig = parseConfig({
  seed: 1,
  accounts: [{ id: ACCOUNT, startingCash: '1000000' }],
  instruments: [
    { id: 'FIX-ALPHA', priceIncrement: '0.01', sizeIncrement: '1', maxPosition: '100', maxOrderQty: '100' },
    { id: 'FIX-CHARLIE', priceIncrement: '0.5', sizeIncrement: '0.001', maxPosition: '2', maxOrderQty: '2' },
  ],
  risk: { maxOrderNotional: '100000', maxGrossExposure: '1000000', orderRate: { maxOrders: 100, windowMs: 3_600_000 }, priceCollarBps: 500 },
}, 'spec');

export interface Given {
  readonly state: KernelState;
  readonly cfg: RunConfig;
  /** Journals and folds a record, as a step does. */
  fold(d: AnyDraft): JournalRecord;
  /** A deterministic decide context at `now` (default: the last record's ts), for the next seq. */
  ctx(now?: number, lastPrice?: number): DecideContext;
  /** Runs a decider on the state; returns its drafts (not folded). */
  when(decide: (state: Readonly<KernelState>, ctx: DecideContext) => DraftList | readonly AnyDraft[], now?: number): AnyDraft[];
  records(): readonly JournalRecord[];
}

export function given(cfg: RunConfig, ...drafts: AnyDraft[]): Given {
  const journal = new MemoryJournal();
  const state = initialKernelState(cfg);
  const fold = (d: AnyDraft) => { const r = journal.append(d); evolveAll(state, r, cfg); return r; };
  drafts.forEach(fold);
  const ctx = (now = state.lastTs, lastPrice?: number): DecideContext => ({
    cfg, now, nextSeq: journal.lastSeq() + 1, timeoutMs: 30_000,
    lastPrice: () => lastPrice, requestIdAt: (seq) => `R${seq}`,
  });
  return {
    state, cfg, fold, ctx, records: () => journal.all(),
    when: (decide, now) => {
      const out = decide(state, ctx(now));
      return 'drafts' in out ? [...out.drafts] : [...out];
    },
  };
}
