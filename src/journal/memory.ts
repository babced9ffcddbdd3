import type { AnyDraft, JournalRecord } from '../records/records.js';
import { sealRecord } from './hash.js';
import { GENESIS_HASH, type JournalStore } from './store.js';

/**
 * In-memory journal with the same sequencing and hash chain as the SQLite store. For unit tests
 * and for benchmarking the pipeline without I/O; `keep: false` keeps only the chain head.
 */
export class MemoryJournal implements JournalStore {
  readonly location = null;
  private readonly records: JournalRecord[] = [];
  private seq = 0;
  private head = GENESIS_HASH;
  constructor(private readonly keep = true) {}

  append(draft: AnyDraft): JournalRecord {
    const { record } = sealRecord(draft, this.seq + 1, this.head);
    this.seq = record.seq;
    this.head = record.hash;
    if (this.keep) this.records.push(record);
    return record;
  }
  flush(): void {}
  lastSeq(): number { return this.seq; }
  headHash(): string { return this.head; }
  *read(fromSeq = 1): IterableIterator<JournalRecord> {
    for (let i = Math.max(0, fromSeq - 1); i < this.records.length; i++) yield this.records[i]!;
  }
  all(): readonly JournalRecord[] { return this.records; }
  close(): void {}
}
