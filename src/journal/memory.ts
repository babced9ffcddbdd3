import type { AnyDraft, JournalRecord } from '../records/records.js';
import { defaultChain, sealRecord, type JournalChain } from './hash.js';
import { asAsync, GENESIS_HASH, type EmbeddedJournalStore } from './store.js';

/**
 * In-memory journal with the same sequencing and hash chain as the SQLite store. For unit tests
 * and for benchmarking the pipeline without I/O; `keep: false` keeps only the chain head.
 */
export class MemoryJournal implements EmbeddedJournalStore {
  readonly location = null;
  private readonly records: JournalRecord[] = [];
  private seq = 0;
  private head = GENESIS_HASH;
  /** `chain` defaults to the current format, keyed when RECKON_JOURNAL_KEY is set (as SqliteJournal). */
  constructor(private readonly keep = true, readonly chain: JournalChain = defaultChain()) {}

  append(draft: AnyDraft): JournalRecord {
    const { record } = sealRecord(draft, this.seq + 1, this.head, this.chain);
    this.seq = record.seq;
    this.head = record.hash;
    if (this.keep) this.records.push(record);
    return record;
  }
  commitSync(): number { return this.seq; }
  commit(): Promise<number> { return Promise.resolve(this.seq); }
  committedSeq(): number { return this.seq; }
  lastSeq(): number { return this.seq; }
  headHash(): string { return this.head; }
  *readSync(fromSeq = 1): IterableIterator<JournalRecord> {
    for (let i = Math.max(0, fromSeq - 1); i < this.records.length; i++) yield this.records[i]!;
  }
  read(fromSeq = 1): AsyncIterableIterator<JournalRecord> { return asAsync(this.readSync(fromSeq)); }
  all(): readonly JournalRecord[] { return this.records; }
  closeSync(): void {}
  close(): Promise<void> { return Promise.resolve(); }
}
