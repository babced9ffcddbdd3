/**
 * Resume after a crash (DESIGN §5): the engine re-runs the same inputs from the start and this
 * wrapper checks every regenerated record against the one already journaled — same seq, same
 * hash — instead of writing it. Past the journal's end it appends normally. A killed run thus
 * ends with the head hash of an uninterrupted one, and a journal that does not match the data or
 * config is refused at the first differing seq rather than silently extended.
 */
import { ReckonError } from '../domain/errors.js';
import type { AnyDraft, JournalRecord } from '../records/records.js';
import { sealRecord, type JournalChain } from './hash.js';
import { asAsync, GENESIS_HASH, type EmbeddedJournalStore } from './store.js';

export class ResumingJournal implements EmbeddedJournalStore {
  private seq = 0;
  private head = GENESIS_HASH;
  private readonly stored: Iterator<JournalRecord>;
  private readonly storedLast: number;

  /**
   * @example
   * const journal = new ResumingJournal(SqliteJournal.open(path)); // verifies, then appends
   */
  constructor(private readonly store: EmbeddedJournalStore) {
    this.storedLast = store.lastSeq();
    this.stored = store.readSync(1);
  }

  get location(): string | null { return this.store.location; }
  get chain(): JournalChain { return this.store.chain; }

  /** True while records are still being checked against the existing journal. */
  get replaying(): boolean { return this.seq < this.storedLast; }

  /** Records verified against the existing journal so far. */
  get verified(): number { return Math.min(this.seq, this.storedLast); }

  append(draft: AnyDraft): JournalRecord {
    if (this.seq >= this.storedLast) return this.store.append(draft);
    const { record } = sealRecord(draft, this.seq + 1, this.head, this.store.chain);
    const stored = this.stored.next();
    if (stored.done || stored.value.hash !== record.hash) {
      const got = stored.done ? 'nothing' : `${stored.value.type} ${JSON.stringify(stored.value.payload).slice(0, 160)}`;
      throw new ReckonError('JOURNAL_MISMATCH',
        `--resume: seq ${record.seq} regenerated from this data and config (${record.type} ${JSON.stringify(record.payload).slice(0, 160)}) differs from the journal (${got}); ` +
        'the journal was written from other inputs — use a new --out directory');
    }
    this.seq = record.seq;
    this.head = record.hash;
    return record;
  }

  commitSync(): number { return this.replaying ? this.seq : this.store.commitSync(); }
  commit(): Promise<number> { return Promise.resolve(this.commitSync()); }
  /** While replaying, the regenerated records are the committed ones they were checked against. */
  committedSeq(): number { return this.replaying ? this.seq : this.store.committedSeq(); }
  lastSeq(): number { return this.replaying ? this.seq : this.store.lastSeq(); }
  headHash(): string { return this.replaying ? this.head : this.store.headHash(); }
  readSync(fromSeq?: number): IterableIterator<JournalRecord> { return this.store.readSync(fromSeq); }
  read(fromSeq?: number): AsyncIterableIterator<JournalRecord> { return asAsync(this.readSync(fromSeq)); }
  closeSync(): void { this.store.closeSync(); }
  close(): Promise<void> { this.closeSync(); return Promise.resolve(); }
}
