/**
 * A journal store that hands every committed batch to a publisher once its commit resolved, and
 * never before: records reach the bus only up to the committed seq. The runner wraps its store
 * in it; nothing else changes for the engine.
 */
import type { AnyDraft, JournalRecord } from '../records/records.js';
import type { JournalStore } from '../journal/store.js';

/** What receives committed records (JetStreamPublisher, or a test double). */
export interface CommittedRecordsSink {
  publish(records: readonly JournalRecord[]): void;
}

/**
 * @example
 * const journal = new PublishingJournal(await openJournalWriter(url), await JetStreamPublisher.connect({ journal: 'desk1' }));
 * journal.append(draft);
 * await journal.commit();   // committed, then published as one message
 */
export class PublishingJournal implements JournalStore {
  private sealed: JournalRecord[] = [];

  constructor(private readonly store: JournalStore, private readonly sink: CommittedRecordsSink) {}

  get location(): string | null { return this.store.location; }

  append(draft: AnyDraft): JournalRecord {
    const r = this.store.append(draft);
    this.sealed.push(r);
    return r;
  }

  async commit(): Promise<number> {
    const seq = await this.store.commit();
    this.release(seq);
    return seq;
  }

  committedSeq(): number { return this.store.committedSeq(); }
  lastSeq(): number { return this.store.lastSeq(); }
  headHash(): string { return this.store.headHash(); }
  read(fromSeq?: number): AsyncIterableIterator<JournalRecord> { return this.store.read(fromSeq); }

  async close(): Promise<void> {
    await this.store.close();
    this.release(this.store.committedSeq());
  }

  /** Publishes the sealed records up to `seq` (a store may commit on its own, e.g. SQLite at its batch size). */
  private release(seq: number): void {
    let n = 0;
    while (n < this.sealed.length && this.sealed[n]!.seq <= seq) n++;
    if (n === 0) return;
    const batch = this.sealed.length === n ? this.sealed : this.sealed.slice(0, n);
    this.sealed = this.sealed.length === n ? [] : this.sealed.slice(n);
    this.sink.publish(batch);
  }
}
