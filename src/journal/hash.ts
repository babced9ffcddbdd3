import { createHash } from 'node:crypto';
import { SCHEMA_VERSION, type AnyDraft, type JournalRecord } from '../records/records.js';

/**
 * The bytes a record's hash covers: every envelope field and the payload JSON exactly as stored.
 * hash(n) = sha256(hash(n-1) + "\n" + canonical(n)); the first record chains to GENESIS_HASH.
 */
export function canonicalText(
  seq: number, ts: number, type: string, account: string, instrument: string | null,
  correlationId: string | null, causationSeq: number | null, schema: number, payloadJson: string,
): string {
  return `${seq}\n${ts}\n${type}\n${account}\n${instrument ?? ''}\n${correlationId ?? ''}\n${causationSeq ?? ''}\n${schema}\n${payloadJson}`;
}

export function chainHash(prevHash: string, canonical: string): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

/** Sequences a draft: assigns seq and schema, serialises the payload once, links the hash. */
export function sealRecord(draft: AnyDraft, seq: number, prevHash: string): { record: JournalRecord; payloadJson: string } {
  const payloadJson = JSON.stringify(draft.payload);
  const hash = chainHash(prevHash, canonicalText(
    seq, draft.ts, draft.type, draft.account, draft.instrument, draft.correlationId, draft.causationSeq, SCHEMA_VERSION, payloadJson,
  ));
  const record = { ...draft, seq, schema: SCHEMA_VERSION, hash } as JournalRecord;
  return { record, payloadJson };
}
