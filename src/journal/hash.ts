/**
 * The hash chain: how a record's bytes are encoded (the journal format) and linked to the one
 * before, plainly (SHA-256) or keyed (HMAC-SHA256). Every store seals through `sealRecord` and
 * every reader verifies through `linkHash`, so one journal format means one encoding everywhere.
 *
 * Format 2 (current): canonical = JSON array of the envelope fields, a newline, the payload JSON
 * exactly as stored. JSON keeps types apart (null vs "", 5 vs "5") and never contains a raw
 * newline, so the first "\n" ends the envelope unambiguously.
 * Format 1 (read only): the envelope fields joined by "\n", NULL written as "" — ambiguous.
 *
 * hash(n) = H(hash(n-1) + "\n" + canonical(n)), H = sha256 or HMAC-SHA256(key); the first
 * record chains to GENESIS_HASH.
 */
import { createHmac, hash as digest } from 'node:crypto';
import { ReckonError } from '../domain/errors.js';
import { SCHEMA_VERSION, type AnyDraft, type JournalRecord } from '../records/records.js';

/** Journal format versions a reader accepts; writers write CURRENT_FORMAT only. */
export type JournalFormat = 1 | 2;
export const CURRENT_FORMAT: JournalFormat = 2;

/** How a journal's records are encoded and linked. */
export interface JournalChain {
  readonly format: JournalFormat;
  /** HMAC-SHA256 key of a keyed chain (format 2 only); null for plain SHA-256. */
  readonly key: Buffer | null;
}

/** The chain new journals get without a key. */
export const PLAIN_CHAIN: JournalChain = { format: CURRENT_FORMAT, key: null };

/**
 * The chain a new journal gets here: the current format, keyed when `RECKON_JOURNAL_KEY` is set.
 *
 * @example
 * new MemoryJournal(true, defaultChain()); // same head hash as a SqliteJournal opened here
 */
export function defaultChain(env: NodeJS.ProcessEnv = process.env): JournalChain {
  return { format: CURRENT_FORMAT, key: journalKeyFromEnv(env) };
}

/** Environment variable holding the key of keyed journals. */
export const JOURNAL_KEY_ENV = 'RECKON_JOURNAL_KEY';
const MIN_KEY_BYTES = 16;

/**
 * The journal key from `RECKON_JOURNAL_KEY` (its UTF-8 bytes), or null when unset or empty.
 * Throws USAGE for a key shorter than 16 bytes.
 *
 * @example
 * // RECKON_JOURNAL_KEY=$(openssl rand -hex 32) reckon run ...
 * const key = journalKeyFromEnv(); // Buffer of 64 bytes
 */
export function journalKeyFromEnv(env: NodeJS.ProcessEnv = process.env): Buffer | null {
  const text = env[JOURNAL_KEY_ENV];
  if (text === undefined || text === '') return null;
  const key = Buffer.from(text, 'utf8');
  if (key.length < MIN_KEY_BYTES) {
    throw new ReckonError('USAGE', `${JOURNAL_KEY_ENV} is ${key.length} bytes; use at least ${MIN_KEY_BYTES} (e.g. openssl rand -hex 32)`);
  }
  return key;
}

/**
 * A short public identifier of a key (16 hex chars of HMAC(key, label)): recorded in a keyed
 * journal's meta so a wrong key can be told apart from a rewritten chain. It reveals nothing a
 * keyed row hash would not.
 */
export function keyId(key: Buffer): string {
  return createHmac('sha256', key).update('reckon journal key id').digest('hex').slice(0, 16);
}

/** Canonical bytes of a record in the given format (see the file header). */
export function canonicalText(
  format: JournalFormat, seq: number, ts: number, type: string, account: string, instrument: string | null,
  correlationId: string | null, causationSeq: number | null, schema: number, payloadJson: string,
): string {
  if (format === 1) {
    return `${seq}\n${ts}\n${type}\n${account}\n${instrument ?? ''}\n${correlationId ?? ''}\n${causationSeq ?? ''}\n${schema}\n${payloadJson}`;
  }
  return JSON.stringify([seq, ts, type, account, instrument, correlationId, causationSeq, schema]) + '\n' + payloadJson;
}

/** Links a record's canonical bytes to the previous hash. */
export function linkHash(chain: JournalChain, prevHash: string, canonical: string): string {
  if (chain.key === null) {
    // One-shot hash of one string: about 3x cheaper than createHash().update() x3 for small records.
    return digest('sha256', prevHash + '\n' + canonical, 'hex');
  }
  return createHmac('sha256', chain.key).update(prevHash + '\n' + canonical).digest('hex');
}

/**
 * Tag that binds a head (seq, hash) to the key, stored with the recorded head and in the head
 * file of a keyed journal: without the key nobody can move the head back to an earlier record
 * (cutting rows off the end). Null for unkeyed chains.
 */
export function headMac(chain: JournalChain, seq: number, hash: string): string | null {
  return chain.key === null ? null : createHmac('sha256', chain.key).update(`reckon head\n${seq}\n${hash}`).digest('hex');
}

/**
 * Sequences a draft: assigns seq and schema, serialises the payload once, links the hash.
 * `chain` is the journal's (its format and key); new journals use PLAIN_CHAIN or a keyed one.
 *
 * @example
 * const { record, payloadJson } = sealRecord(draft, 1, GENESIS_HASH, { format: 2, key: null });
 */
export function sealRecord(
  draft: AnyDraft, seq: number, prevHash: string, chain: JournalChain = PLAIN_CHAIN,
): { record: JournalRecord; payloadJson: string } {
  const payloadJson = JSON.stringify(draft.payload);
  const hash = linkHash(chain, prevHash, canonicalText(
    chain.format, seq, draft.ts, draft.type, draft.account, draft.instrument, draft.correlationId, draft.causationSeq, SCHEMA_VERSION, payloadJson,
  ));
  // A literal with a fixed field order keeps one hidden class for every record (no spread).
  const record = {
    seq, ts: draft.ts, type: draft.type, account: draft.account, instrument: draft.instrument,
    correlationId: draft.correlationId, causationSeq: draft.causationSeq, schema: SCHEMA_VERSION, hash, payload: draft.payload,
  } as JournalRecord;
  return { record, payloadJson };
}
