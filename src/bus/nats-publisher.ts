/**
 * Publishes committed journal records to JetStream (stream and format: nats-stream.ts). The
 * runner calls `publish(records)` after each commit with the records that commit made durable;
 * it returns at once and never throws for bus trouble, so the engine's commit path is never
 * held up by NATS.
 *
 * Behind it a queue of batches is sent in order, up to `maxInFlight` messages awaiting their
 * PubAck at once (one acknowledged publish per message caps out at a few thousand messages/s,
 * so the window and one-message-per-batch carry the throughput). A failed or timed-out publish
 * is retried from the first unacknowledged batch with backoff; the message id makes a retry
 * of a batch the stream already stored a duplicate it drops. During an outage batches queue up
 * to `maxQueuedRecords`; past that the oldest are dropped and counted: consumers fill such gaps
 * from the journal, which stays the source of truth.
 */
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { ReckonError } from '../domain/errors.js';
import type { JournalRecord } from '../records/records.js';
import { batchMsgId, DEFAULT_BUS, ensureRecordsStream, recordLine, recordsSubject, type BusTopology, type StreamLimits } from './nats-stream.js';

export interface JetStreamPublisherOptions extends BusTopology {
  /** Journal name: the subject's middle token and the message id prefix. */
  readonly journal: string;
  /** NATS server URL(s) (default nats://127.0.0.1:4222). */
  readonly servers?: string | string[];
  /** Messages awaiting a PubAck at once (default 64). */
  readonly maxInFlight?: number;
  /** Records queued before the oldest batches are dropped (default 500,000). */
  readonly maxQueuedRecords?: number;
  /** How long to wait for one PubAck (default 5 s). */
  readonly ackTimeoutMs?: number;
  /** Limits of the stream if this publisher creates it. */
  readonly limits?: StreamLimits;
  /** Told about each failed publish round (the publisher retries by itself). */
  readonly onError?: (err: Error) => void;
}

/** Counters for /metrics and tests. */
export interface PublisherStats {
  readonly queuedRecords: number;
  readonly queuedMessages: number;
  readonly publishedMessages: number;
  readonly publishedRecords: number;
  /** PubAcks that said the stream already had the message id. */
  readonly duplicates: number;
  readonly droppedRecords: number;
  readonly failedRounds: number;
  readonly lastError: string | null;
}

interface Outgoing {
  readonly id: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly count: number;
  readonly body: Uint8Array;
}

const encoder = new TextEncoder();

/**
 * @example
 * const pub = await JetStreamPublisher.connect({ journal: 'desk1' });
 * const seq = await journal.commit();
 * pub.publish(committedRecords);   // returns at once
 * await pub.close();               // sends what is queued (bounded wait), then disconnects
 */
export class JetStreamPublisher {
  private readonly queue: Outgoing[] = [];
  private queuedRecords = 0;
  /** Messages at the head of the queue being sent now. */
  private inFlight = 0;
  private wake: (() => void) | null = null;
  private closing = false;
  private readonly pump: Promise<void>;
  private readonly subject: string;
  private readonly maxBody: number;
  private counters = { publishedMessages: 0, publishedRecords: 0, duplicates: 0, droppedRecords: 0, failedRounds: 0 };
  private lastError: string | null = null;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly opts: JetStreamPublisherOptions,
  ) {
    this.subject = recordsSubject(opts.journal, opts);
    // Headers and framing fit in the rest of the server's max payload.
    this.maxBody = Math.max(4096, nc.info!.max_payload - 4096);
    this.pump = this.run();
  }

  /** Connects, creates the stream if it is missing, and starts the send loop. */
  static async connect(opts: JetStreamPublisherOptions): Promise<JetStreamPublisher> {
    const servers = opts.servers ?? DEFAULT_BUS;
    let nc: NatsConnection;
    try {
      nc = await connect({ servers, name: `reckon publisher ${opts.journal}`, maxReconnectAttempts: -1, reconnectTimeWait: 250, timeout: 5000 });
    } catch (err) {
      throw new ReckonError('USAGE', `bus ${String(servers)}: cannot connect (${(err as Error).message})`);
    }
    try {
      await ensureRecordsStream(await jetstreamManager(nc), opts, opts.limits);
    } catch (err) {
      await nc.close();
      throw err instanceof ReckonError ? err : new ReckonError('USAGE', `bus ${String(servers)}: JetStream not usable (${(err as Error).message})`);
    }
    return new JetStreamPublisher(nc, jetstream(nc), opts);
  }

  /**
   * Queues committed records (seq order, contiguous) as one message, or several when the batch
   * is larger than the server's max payload. Never blocks, never throws for bus trouble.
   */
  publish(records: readonly JournalRecord[]): void {
    if (records.length === 0) return;
    if (this.closing) throw new ReckonError('USAGE', `publisher for ${this.opts.journal} is closed`);
    const first = records[0]!.seq;
    let start = 0;
    let size = 0;
    let lines: string[] = [];
    for (let i = 0; i < records.length; i++) {
      if (records[i]!.seq !== first + i) throw new ReckonError('INVARIANT', `publish: records must be contiguous (seq ${records[i]!.seq} after ${first + i - 1})`);
      const line = recordLine(records[i]!);
      const bytes = Buffer.byteLength(line) + 1;
      if (lines.length > 0 && size + bytes > this.maxBody) {
        this.enqueue(first + start, lines, size);
        lines = [];
        size = 0;
        start = i;
      }
      lines.push(line);
      size += bytes;
    }
    this.enqueue(first + start, lines, size);
    this.wake?.();
  }

  stats(): PublisherStats {
    return { ...this.counters, queuedRecords: this.queuedRecords, queuedMessages: this.queue.length, lastError: this.lastError };
  }

  /** Resolves true once everything queued so far is acknowledged, false after `timeoutMs`. */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.queue.length > 0) {
      if (performance.now() >= deadline) return false;
      await pause(10);
    }
    return true;
  }

  /** Sends what is queued (waiting at most `timeoutMs`), then closes the connection. */
  async close(timeoutMs = 5_000): Promise<void> {
    if (this.closing) return;
    await this.flush(timeoutMs);
    this.closing = true;
    this.wake?.();
    await this.pump;
    await this.nc.close();
  }

  private enqueue(firstSeq: number, lines: readonly string[], size: number): void {
    const count = lines.length;
    if (size > this.maxBody) {
      // One record larger than the server accepts: it cannot travel on the bus; consumers read it from the journal.
      this.counters.droppedRecords += count;
      return;
    }
    const lastSeq = firstSeq + count - 1;
    this.queue.push({ id: batchMsgId(this.opts.journal, firstSeq, lastSeq), firstSeq, lastSeq, count, body: encoder.encode(lines.join('\n') + '\n') });
    this.queuedRecords += count;
    const max = this.opts.maxQueuedRecords ?? 500_000;
    // The oldest batches not already in flight go first.
    while (this.queuedRecords > max && this.queue.length > this.inFlight + 1) {
      const dropped = this.queue.splice(this.inFlight, 1)[0]!;
      this.queuedRecords -= dropped.count;
      this.counters.droppedRecords += dropped.count;
    }
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (!this.closing || this.queue.length > 0) {
      if (this.closing && this.nc.isClosed()) return;
      if (this.queue.length === 0) {
        if (this.closing) return;
        await new Promise<void>((resolve) => { this.wake = resolve; });
        this.wake = null;
        continue;
      }
      const window = this.queue.slice(0, this.opts.maxInFlight ?? 64);
      this.inFlight = window.length;
      const results = await Promise.allSettled(window.map((m) => this.send(m)));
      this.inFlight = 0;
      let done = 0;
      for (const r of results) {
        if (r.status === 'rejected') break;
        done++;
      }
      for (const m of this.queue.splice(0, done)) {
        this.queuedRecords -= m.count;
        this.counters.publishedMessages++;
        this.counters.publishedRecords += m.count;
      }
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        const err = failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
        this.lastError = err.message;
        this.counters.failedRounds++;
        this.opts.onError?.(err);
        if (this.closing) return; // close() already waited its budget
        await pause(backoff);
        backoff = Math.min(backoff * 2, 5_000);
      } else {
        backoff = 100;
      }
    }
  }

  private async send(m: Outgoing): Promise<void> {
    const h = headers();
    h.set('Reckon-Journal', this.opts.journal);
    h.set('Reckon-First-Seq', String(m.firstSeq));
    h.set('Reckon-Last-Seq', String(m.lastSeq));
    h.set('Reckon-Count', String(m.count));
    h.set('Content-Type', 'application/x-ndjson');
    const ack = await this.js.publish(this.subject, m.body, { msgID: m.id, headers: h, timeout: this.opts.ackTimeoutMs ?? 5_000 });
    if (ack.duplicate) this.counters.duplicates++;
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
