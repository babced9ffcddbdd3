/**
 * The journal port (DESIGN §5): append-only, gap-free seq, each entry hash-chained to the one
 * before. Appends are buffered and committed as a group by `flush()` (one transaction per batch
 * or tick); `lastSeq()`/`headHash()` include buffered records.
 */
import type { AnyDraft, JournalRecord } from '../records/records.js';

export interface JournalStore {
  /** File path or connection label; null for the in-memory store. */
  readonly location: string | null;
  /** Sequences, hashes and buffers a record; returns it as it will be stored. */
  append(draft: AnyDraft): JournalRecord;
  /** Commits buffered records in one transaction. */
  flush(): void;
  lastSeq(): number;
  headHash(): string;
  /** Records in seq order, committed ones only, from `fromSeq` (default 1). */
  read(fromSeq?: number): IterableIterator<JournalRecord>;
  close(): void;
}

export const GENESIS_HASH = '0'.repeat(64);
