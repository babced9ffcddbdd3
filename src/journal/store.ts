/**
 * The journal port: append-only, gap-free seq, each entry hash-chained to the one before, one
 * writer at a time. `append` seals a record at once (seq and hash assigned, nothing written);
 * `commit` makes every sealed record durable in one transaction. The engine hands nothing to a
 * provider or a subscriber past `committedSeq()`.
 *
 * Two await points in the live loop: the next input, and `commit()`. Embedded stores (SQLite, in
 * memory) also commit synchronously, which the replay loop uses per input chunk.
 */
import type { AnyDraft, JournalRecord } from '../records/records.js';
import type { JournalChain } from './hash.js';

export interface JournalStore {
  /** File path or connection label (never a password); null for the in-memory store. */
  readonly location: string | null;
  /** Sequences and hashes a record and keeps it pending; returns it as it will be stored. */
  append(draft: AnyDraft): JournalRecord;
  /**
   * Commits every pending record in one transaction and resolves to the committed seq. On failure
   * nothing of the batch is committed, the records stay pending, and the promise rejects.
   */
  commit(): Promise<number>;
  /** Seq of the last committed record (0 when none). */
  committedSeq(): number;
  /** Seq of the last sealed record, pending ones included. */
  lastSeq(): number;
  /** Hash of the last sealed record, pending ones included. */
  headHash(): string;
  /** Committed records in seq order from `fromSeq` (default 1). */
  read(fromSeq?: number): AsyncIterableIterator<JournalRecord>;
  /** Commits what is pending, releases the writer lock and closes. Idempotent. */
  close(): Promise<void>;
}

/** A store in this process (SQLite file, memory): it can also commit, read and close synchronously. */
export interface EmbeddedJournalStore extends JournalStore {
  /** The journal's format and key: what `sealRecord` needs to reproduce its hashes (resume). */
  readonly chain: JournalChain;
  commitSync(): number;
  readSync(fromSeq?: number): IterableIterator<JournalRecord>;
  closeSync(): void;
}

export const GENESIS_HASH = '0'.repeat(64);

/** Adapts a synchronous reader to the port's async `read`. */
export async function* asAsync(records: Iterable<JournalRecord>): AsyncIterableIterator<JournalRecord> {
  for (const r of records) yield r;
}
