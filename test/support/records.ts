/**
 * Given/When/Then helpers for decider tests: seal drafts into journal records (with seq and
 * hash, exactly as the journal would) so tests fold the same records the engine does.
 */
import { makeInstrument } from '../../src/domain/instrument.js';
import { MemoryJournal } from '../../src/journal/memory.js';
import type { AnyDraft, JournalRecord } from '../../src/records/records.js';

export const ALPHA = makeInstrument('FIX-ALPHA', 0, '0.01', '1');
export const CHARLIE = makeInstrument('FIX-CHARLIE', 1, '0.5', '0.001');
export const ACCOUNT = 'acct-1';

/** A journal whose records tests can fold; `seal(draft)` returns the record as journaled. */
export function journal(): { seal<T extends AnyDraft>(d: T): JournalRecord & { type: T['type'] }; records: () => readonly JournalRecord[] } {
  const j = new MemoryJournal();
  return { seal: (d) => j.append(d) as never, records: () => j.all() };
}

export const base = (instrument = ALPHA.id, correlationId: string | null = 'intent-001') => ({
  ts: 1_767_571_200_000, account: ACCOUNT, instrument, correlationId, causationSeq: null,
});
