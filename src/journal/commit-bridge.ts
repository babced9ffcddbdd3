/**
 * Lets the replay engine, which commits through the embedded store's `commitSync`, journal into
 * a store that only commits asynchronously (PostgreSQL). `commitSync()` starts a commit of what
 * is pending and returns at once; the replay loop awaits `settle()` at every input chunk, so
 * the run waits for the database exactly where it would wait for SQLite.
 *
 * Replay only: there nothing leaves the process before the run's end (the simulated venue is in
 * process). A live runner must await `commit()` before handing commands out, not use this.
 */
import { ReckonError } from '../domain/errors.js';
import type { AnyDraft, JournalRecord } from '../records/records.js';
import type { EmbeddedJournalStore, JournalStore } from './store.js';
import { PLAIN_CHAIN, type JournalChain } from './hash.js';

export class AwaitedCommitJournal implements EmbeddedJournalStore {
  private last: Promise<number> | null = null;
  private failure: unknown = null;

  /** @example const journal = new AwaitedCommitJournal(await PostgresJournal.open(url)); */
  constructor(private readonly store: JournalStore) {}

  get location(): string | null { return this.store.location; }

  /** PostgreSQL journals seal with the plain chain of the current format. */
  get chain(): JournalChain { return PLAIN_CHAIN; }

  append(draft: AnyDraft): JournalRecord {
    this.raise();
    return this.store.append(draft);
  }

  /** Starts a commit of the pending records (if any); returns the seq committed so far. */
  commitSync(): number {
    this.raise();
    if (this.store.lastSeq() > this.store.committedSeq()) {
      const run = this.store.commit();
      run.catch((err: unknown) => { this.failure ??= err; });
      this.last = run;
    }
    return this.store.committedSeq();
  }

  /** Commits what is pending and waits for every commit started so far; rejects with the first failure. */
  async settle(): Promise<number> {
    this.commitSync();
    if (this.last) await this.last.catch(() => undefined);
    this.raise();
    return this.store.committedSeq();
  }

  commit(): Promise<number> { return this.settle(); }
  committedSeq(): number { return this.store.committedSeq(); }
  lastSeq(): number { return this.store.lastSeq(); }
  headHash(): string { return this.store.headHash(); }
  read(fromSeq?: number): AsyncIterableIterator<JournalRecord> { return this.store.read(fromSeq); }

  readSync(): IterableIterator<JournalRecord> {
    throw new ReckonError('USAGE', `${this.location}: this journal store reads asynchronously only`);
  }

  closeSync(): void {
    throw new ReckonError('USAGE', `${this.location}: this journal store closes asynchronously only (await close())`);
  }

  async close(): Promise<void> {
    try {
      await this.settle();
    } finally {
      await this.store.close();
    }
  }

  private raise(): void {
    if (this.failure !== null) throw this.failure instanceof Error ? this.failure : new Error(String(this.failure));
  }
}
