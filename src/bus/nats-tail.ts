/**
 * Follows a journal as it is committed: `reckon tail`, and the console's record stream. Yields
 * committed records in seq order, each once, whatever the bus does.
 *
 * With a bus: a durable JetStream pull consumer with explicit acks on `<prefix>.<journal>.records`.
 * - Position: the next seq to yield. A message whose records are all below it is a duplicate
 *   (redelivery, retried publish) and is acked and skipped; one that starts above it leaves a
 *   gap, which is read from the journal before the message's own records are yielded. When the
 *   bus is quiet for `idleMs` the journal's head is checked too, so records whose message was
 *   dropped or never sent (publisher outage, crash after commit) still arrive.
 * - A message is acked once all its records were taken (the caller asked for the next record, or
 *   stopped right after its last). After a restart the position comes from `fromSeq` when given
 *   (a caller that keeps its own position, like a console folding the records, passes its last
 *   seq + 1 and never sees a record twice), else from the last acked message (its
 *   Reckon-Last-Seq + 1); unacked messages are redelivered and skipped by seq. Records committed
 *   before a new consumer existed are read from the journal first.
 *   Not covered without `fromSeq`: records a stopped tail had taken from a batch it did not
 *   finish, or had read from the journal while the bus was quiet, are shown again.
 * - Every record must chain to the one before (hash over the envelope and payload): a record
 *   from the bus that does not is discarded and read from the journal instead; one from the
 *   journal that does not stops the tail (JOURNAL_INTEGRITY).
 * Without a bus the journal is polled every `pollMs`.
 */
import {
  AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, jetstream, jetstreamManager,
  type ConsumerMessages, type JsMsg, type JetStreamManager,
} from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { ReckonError } from '../domain/errors.js';
import { canonicalText, defaultChain, linkHash, type JournalChain } from '../journal/hash.js';
import type { JournalSource } from '../journal/open-any.js';
import { GENESIS_HASH } from '../journal/store.js';
import type { JournalRecord } from '../records/records.js';
import { DEFAULT_BUS, DEFAULT_STREAM, decodeBatch, ensureRecordsStream, recordsSubject, type BusTopology } from './nats-stream.js';

export interface TailBusOptions extends BusTopology {
  readonly servers?: string | string[];
  /** Durable consumer name: one per reader that keeps its own position. */
  readonly durable: string;
  /** Redelivery after this long without an ack (default 30 s). */
  readonly ackWaitMs?: number;
  /** An unused durable consumer is removed by the server after this long (default 7 days). */
  readonly inactiveMs?: number;
}

export interface RecordTailOptions {
  /** The journal: catch-up, gap fill and polling read it. */
  readonly source: JournalSource;
  /** First seq to yield. Default: where the durable consumer left off, else the next record committed. */
  readonly fromSeq?: number;
  readonly bus?: TailBusOptions;
  /** Journal poll interval without a bus (default 200 ms). */
  readonly pollMs?: number;
  /** With a bus: check the journal after this long without a message (default 1 s). */
  readonly idleMs?: number;
}

/** Gap fills read at most this many records per query. */
const FILL_PAGE = 2000;

/**
 * @example
 * const tail = await RecordTail.open({ source: await openJournalReader(url), bus: { durable: 'console' } });
 * for await (const record of tail.records()) fold(state, record);
 */
export class RecordTail {
  private next: number | null;
  private prevHash: string | null = null;
  /** The journal's chain as this process would write it (a keyed journal needs RECKON_JOURNAL_KEY here too). */
  private readonly chain: JournalChain = defaultChain();
  private closed = false;
  private stopWaiting: (() => void) | null = null;
  private messages: ConsumerMessages | null = null;
  private loop: Promise<void> | null = null;

  private constructor(
    private readonly opts: RecordTailOptions,
    start: { next: number | null; catchUpTo: number },
    private readonly nc: NatsConnection | null,
  ) {
    this.next = start.next;
    this.catchUpTo = start.catchUpTo;
  }

  /** Records up to this seq are read from the journal first; later ones come from the bus. */
  private readonly catchUpTo: number;

  /** Connects (with a bus), creates the stream and the durable consumer if missing, fixes the start. */
  static async open(opts: RecordTailOptions): Promise<RecordTail> {
    if (opts.fromSeq !== undefined && (!Number.isSafeInteger(opts.fromSeq) || opts.fromSeq < 1)) {
      throw new ReckonError('USAGE', `--from: ${opts.fromSeq} is not a seq number (1 or more)`);
    }
    if (!opts.bus) return new RecordTail(opts, { next: opts.fromSeq ?? (await opts.source.heads()).lastSeq + 1, catchUpTo: Number.MAX_SAFE_INTEGER }, null);
    const bus = opts.bus;
    const servers = bus.servers ?? DEFAULT_BUS;
    let nc: NatsConnection;
    try {
      nc = await connect({ servers, name: `reckon tail ${opts.source.name}`, maxReconnectAttempts: -1, reconnectTimeWait: 250, timeout: 5000 });
    } catch (err) {
      throw new ReckonError('USAGE', `bus ${String(servers)}: cannot connect (${(err as Error).message})`);
    }
    try {
      const jsm = await jetstreamManager(nc);
      await ensureRecordsStream(jsm, bus);
      const start = await durableStart(jsm, opts);
      return new RecordTail(opts, start, nc);
    } catch (err) {
      await nc.close();
      throw err instanceof ReckonError ? err : new ReckonError('USAGE', `bus ${String(servers)}: ${(err as Error).message}`);
    }
  }

  /** The next seq this tail will yield (null until known: a durable consumer with nothing acked yet). */
  position(): number | null { return this.next; }

  /** Committed records in seq order from the start, each once, until `close()`. */
  async *records(): AsyncGenerator<JournalRecord> {
    if (this.next !== null) {
      this.prevHash = this.next === 1 ? GENESIS_HASH : (await this.opts.source.range(this.next - 1, this.next - 1))[0]?.hash ?? null;
      yield* this.fromJournal(this.catchUpTo);
    }
    if (!this.nc) {
      while (!this.closed) {
        await this.wait(this.opts.pollMs ?? 200);
        yield* this.fromJournal(Number.MAX_SAFE_INTEGER);
      }
      return;
    }
    const bus = this.opts.bus!;
    const consumer = await jetstream(this.nc).consumers.get(bus.stream ?? DEFAULT_STREAM, bus.durable);
    this.messages = await consumer.consume({ max_messages: 256 });
    const it = this.messages[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<JsMsg>> | null = null;
    let current: JsMsg | null = null;
    let loopDone = (): void => undefined;
    this.loop = new Promise<void>((resolve) => { loopDone = resolve; });
    try {
      while (!this.closed) {
        pending ??= it.next();
        const got = await Promise.race([pending, this.wait(this.opts.idleMs ?? 1000).then(() => null)]);
        this.stopWaiting?.();
        if (got === null) {
          // Quiet bus: anything committed meanwhile comes from the journal.
          if (this.next !== null && !this.closed) yield* this.fromJournal(Number.MAX_SAFE_INTEGER);
          continue;
        }
        pending = null;
        if (got.done) return;
        // Acked once every record of it was taken: a tail stopped halfway gets it again.
        current = got.value;
        if (yield* this.fromMessage(current)) current.ack();
        current = null;
        if (this.closed) return;
      }
    } finally {
      // The caller stopped right after taking a message's last record: that message is done with.
      if (current && this.next !== null && this.next > lastSeqOf(current)) current.ack();
      this.messages.stop();
      loopDone();
    }
  }

  /** Stops the tail: `records()` ends after the record being handled; the connection closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopWaiting?.();
    this.messages?.stop();
    if (this.nc) {
      // Let the loop send its last ack (bounded: a caller that never resumes the loop does not hold us).
      if (this.loop) await Promise.race([this.loop, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      await this.nc.flush().catch(() => undefined);
      await this.nc.close();
    }
  }

  /** Yields the message's records not yet yielded; true when the message is done with. */
  private async *fromMessage(m: JsMsg): AsyncGenerator<JournalRecord, boolean> {
    let batch: ReturnType<typeof decodeBatch>;
    try {
      batch = decodeBatch(m.data, m.headers);
    } catch {
      return true; // not a batch this tail can read: its records come from the journal (gap fill)
    }
    if (this.next === null) this.next = batch.firstSeq;
    if (batch.lastSeq < this.next) return true;
    if (batch.firstSeq > this.next) yield* this.fromJournal(batch.firstSeq - 1);
    for (const r of batch.records) {
      if (this.closed) return false;
      if (r.seq < this.next) continue;
      if (r.seq !== this.next || !this.chains(r)) {
        // Not the record the journal has next: the journal has the truth.
        yield* this.fromJournal(batch.lastSeq);
        return !this.closed;
      }
      this.accept(r);
      yield r;
    }
    return true;
  }

  /** Records next..toSeq (or to the journal's head) from the journal, checked against the chain. */
  private async *fromJournal(toSeq: number): AsyncGenerator<JournalRecord> {
    while (!this.closed && this.next !== null && this.next <= toSeq) {
      const to = Math.min(toSeq, this.next + FILL_PAGE - 1);
      const page = await this.opts.source.range(this.next, to);
      if (page.length === 0) return;
      for (const r of page) {
        if (r.seq !== this.next || !this.chains(r)) {
          throw new ReckonError('JOURNAL_INTEGRITY', `${this.opts.source.location}: seq ${this.next} ${r.seq !== this.next ? `missing (next row is seq ${r.seq})` : 'does not chain to the record before'}; run 'reckon journal verify'`);
        }
        this.accept(r);
        yield r;
        if (this.closed) return;
      }
      if (page.length < to - (page[0]!.seq) + 1) return;
    }
  }

  /** The record's hash recomputed from its fields and the hash before it (unknown only for a durable's very first record). */
  private chains(r: JournalRecord): boolean {
    if (this.prevHash === null) return true;
    return linkHash(this.chain, this.prevHash, canonicalText(
      this.chain.format, r.seq, r.ts, r.type, r.account, r.instrument, r.correlationId, r.causationSeq, r.schema, JSON.stringify(r.payload),
    )) === r.hash;
  }

  private accept(r: JournalRecord): void {
    this.prevHash = r.hash;
    this.next = r.seq + 1;
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void { clearTimeout(t); resolve(); }
      this.stopWaiting = done;
    });
  }
}

/**
 * The durable consumer (created with deliver-new when missing) and the seq to start from:
 * `fromSeq`; else after the last message it acked; else, new, the next record committed.
 * Records committed before the start (the head read once the consumer exists, so nothing
 * committed in between is missed) are read from the journal, the rest from the bus: the bus
 * messages the durable acks are what a restart resumes from.
 */
async function durableStart(jsm: JetStreamManager, opts: RecordTailOptions): Promise<{ next: number | null; catchUpTo: number }> {
  const bus = opts.bus!;
  const stream = bus.stream ?? DEFAULT_STREAM;
  const subject = recordsSubject(opts.source.name, bus);
  let info;
  try {
    info = await jsm.consumers.info(stream, bus.durable);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)) throw err;
    await jsm.consumers.add(stream, {
      durable_name: bus.durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, filter_subject: subject,
      ack_wait: nanos(bus.ackWaitMs ?? 30_000), max_ack_pending: 1024, inactive_threshold: nanos(bus.inactiveMs ?? 7 * 24 * 3600_000),
    });
    const head = (await opts.source.heads()).lastSeq;
    return { next: opts.fromSeq ?? head + 1, catchUpTo: head };
  }
  if (info.config.filter_subject !== subject) {
    throw new ReckonError('USAGE', `durable consumer ${bus.durable} on ${stream} follows ${info.config.filter_subject ?? 'every subject'}, not ${subject}: choose another --durable`);
  }
  if (opts.fromSeq !== undefined) return { next: opts.fromSeq, catchUpTo: (await opts.source.heads()).lastSeq };
  const floor = info.ack_floor.stream_seq;
  const last = floor === 0 ? null : await jsm.streams.getMessage(stream, { seq: floor }).catch(() => null);
  const lastSeq = Number(last?.header.get('Reckon-Last-Seq'));
  return { next: Number.isSafeInteger(lastSeq) && lastSeq > 0 ? lastSeq + 1 : null, catchUpTo: 0 };
}

function lastSeqOf(m: JsMsg): number {
  const last = Number(m.headers?.get('Reckon-Last-Seq'));
  return Number.isSafeInteger(last) ? last : Number.MAX_SAFE_INTEGER;
}
