/**
 * The committed-records stream on NATS JetStream: names, limits, and the message format shared
 * by the publisher (nats-publisher.ts) and the consumer (nats-tail.ts).
 *
 * - Stream `RECKON`, subjects `reckon.*.records`, file storage, limits retention (old messages
 *   discarded first), kept 7 days by default, duplicate window 2 minutes.
 * - Subject `reckon.<journal>.records`: one message per committed batch (split only when a batch
 *   exceeds the server's max payload), body NDJSON: one `journal export` line per record (the
 *   payload exactly as hashed), headers `Reckon-Journal`, `Reckon-First-Seq`, `Reckon-Last-Seq`,
 *   `Reckon-Count`, and `Nats-Msg-Id: <journal>:<firstSeq>-<lastSeq>`, so a retried publish
 *   inside the duplicate window is stored once.
 */
import { JetStreamApiCodes, JetStreamApiError, DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';
import { nanos, type MsgHdrs } from '@nats-io/transport-node';
import { ReckonError } from '../domain/errors.js';
import { exportLine } from '../journal/export.js';
import type { JournalRecord } from '../records/records.js';

export const DEFAULT_STREAM = 'RECKON';
export const DEFAULT_SUBJECT_PREFIX = 'reckon';
export const DEFAULT_BUS = 'nats://127.0.0.1:4222';

/** Where one journal's records go on the bus. */
export interface BusTopology {
  /** Stream name (default RECKON). */
  readonly stream?: string;
  /** First subject token (default reckon): subjects are `<prefix>.<journal>.records`. */
  readonly subjectPrefix?: string;
}

export interface StreamLimits {
  /** How long messages are kept (default 7 days). */
  readonly maxAgeMs?: number;
  /** Stream size cap in bytes, oldest discarded first (default -1: the server's own limit). */
  readonly maxBytes?: number;
  /** De-duplication window for message ids (default 2 minutes). */
  readonly duplicateWindowMs?: number;
}

const TOKEN = /^[A-Za-z0-9_-]{1,100}$/;

/** `reckon.<journal>.records` for a journal name (one subject token). */
export function recordsSubject(journal: string, topo: BusTopology = {}): string {
  const prefix = topo.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
  if (!TOKEN.test(journal)) throw new ReckonError('USAGE', `journal name '${journal}' cannot be a NATS subject token (letters, digits, '_', '-')`);
  if (!TOKEN.test(prefix)) throw new ReckonError('USAGE', `subject prefix '${prefix}' must be one token (letters, digits, '_', '-')`);
  return `${prefix}.${journal}.records`;
}

/** The message id that makes a retried publish of the same batch a duplicate. */
export function batchMsgId(journal: string, firstSeq: number, lastSeq: number): string {
  return `${journal}:${firstSeq}-${lastSeq}`;
}

/**
 * Creates the stream if it is missing; checks an existing one carries `<prefix>.*.records`.
 *
 * @example
 * await ensureRecordsStream(await jetstreamManager(nc), { stream: 'RECKON' });
 */
export async function ensureRecordsStream(jsm: JetStreamManager, topo: BusTopology = {}, limits: StreamLimits = {}): Promise<StreamInfo> {
  const name = topo.stream ?? DEFAULT_STREAM;
  const subject = `${topo.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX}.*.records`;
  try {
    const info = await jsm.streams.info(name);
    if (!(info.config.subjects ?? []).includes(subject)) {
      throw new ReckonError('USAGE', `NATS stream ${name} exists without subject ${subject} (it has ${(info.config.subjects ?? []).join(', ') || 'none'})`);
    }
    return info;
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
  }
  return jsm.streams.add({
    name, subjects: [subject], retention: RetentionPolicy.Limits, storage: StorageType.File, discard: DiscardPolicy.Old,
    max_age: nanos(limits.maxAgeMs ?? 7 * 24 * 3600_000), max_bytes: limits.maxBytes ?? -1,
    duplicate_window: nanos(limits.duplicateWindowMs ?? 120_000), num_replicas: 1,
  });
}

/** A record as one NDJSON line of a bus message (the `journal export` format). */
export function recordLine(r: JournalRecord): string {
  return exportLine({
    seq: r.seq, ts: r.ts, type: r.type, account: r.account, instrument: r.instrument, correlation_id: r.correlationId,
    causation_seq: r.causationSeq, schema: r.schema, payload: JSON.stringify(r.payload), hash: r.hash,
  });
}

/** The records of one bus message, and its seq range from the headers. */
export function decodeBatch(data: Uint8Array, headers: MsgHdrs | undefined): { firstSeq: number; lastSeq: number; records: JournalRecord[] } {
  const text = new TextDecoder().decode(data);
  const records = text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as JournalRecord);
  const first = Number(headers?.get('Reckon-First-Seq') ?? records[0]?.seq);
  const last = Number(headers?.get('Reckon-Last-Seq') ?? records[records.length - 1]?.seq);
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || records.length === 0
    || records[0]!.seq !== first || records[records.length - 1]!.seq !== last || records.length !== last - first + 1) {
    throw new ReckonError('BAD_INPUT', `bus message: seq headers ${first}..${last} do not match its ${records.length} records`);
  }
  return { firstSeq: first, lastSeq: last, records };
}
