import { describe, expect, it } from 'vitest';
import { canonicalText, defaultChain, headMac, journalKeyFromEnv, keyId, linkHash, PLAIN_CHAIN, sealRecord, type JournalChain } from './hash.js';
import { makeDrafts } from './fixtures.test.js';
import { GENESIS_HASH } from './store.js';
import { verifyRecords, type VerifyRow } from './verify.js';
import type { AnyDraft } from '../records/records.js';

const KEYED: JournalChain = { format: 2, key: Buffer.from('0123456789abcdef0123456789abcdef') };

function rowOf(draft: AnyDraft, seq: number, prev: string, chain: JournalChain = PLAIN_CHAIN): VerifyRow {
  const { record, payloadJson } = sealRecord(draft, seq, prev, chain);
  return { ...record, payloadJson };
}

describe('canonical encoding', () => {
  it('format 2 tells NULL from "" and 5 from "5"; format 1 did not', () => {
    const args = [1, 2, 'S01.intent', 'acc'] as const;
    expect(canonicalText(2, ...args, null, 'c', 5, 1, '{}')).not.toBe(canonicalText(2, ...args, '', 'c', 5, 1, '{}'));
    expect(canonicalText(2, ...args, 'i', null, 5, 1, '{}')).not.toBe(canonicalText(2, ...args, 'i', '', 5, 1, '{}'));
    expect(canonicalText(2, ...args, 'i', 'c', 5, 1, '{}')).not.toBe(canonicalText(2, ...args, 'i', 'c', '5' as unknown as number, 1, '{}'));
    expect(canonicalText(1, ...args, null, 'c', 5, 1, '{}')).toBe(canonicalText(1, ...args, '', 'c', 5, 1, '{}'));
  });

  it('a field cannot borrow bytes from its neighbour (format 1 joined them with newlines)', () => {
    expect(canonicalText(2, 1, 2, 'T', 'acc', 'a\nb', 'c', null, 1, '{}')).not.toBe(canonicalText(2, 1, 2, 'T', 'acc', 'a', 'b\nc', null, 1, '{}'));
    expect(canonicalText(1, 1, 2, 'T', 'acc', 'a\nb', 'c', null, 1, '{}')).toBe(canonicalText(1, 1, 2, 'T', 'acc', 'a', 'b\nc', null, 1, '{}'));
  });

  it('verify fails when a stored NULL becomes "" (or a number becomes text) under the same hash', () => {
    const [intent] = makeDrafts(1) as [AnyDraft];
    const row = rowOf({ ...intent, correlationId: null, instrument: null }, 1, GENESIS_HASH);
    expect(verifyRecords([row]).ok).toBe(true);
    expect(verifyRecords([{ ...row, instrument: '' }])).toMatchObject({ ok: false, firstBadSeq: 1 });
    expect(verifyRecords([{ ...row, correlationId: '' }])).toMatchObject({ ok: false, firstBadSeq: 1 });
    const caused = rowOf({ ...intent, causationSeq: 5 }, 1, GENESIS_HASH);
    expect(verifyRecords([{ ...caused, causationSeq: '5' as unknown as number }])).toMatchObject({ ok: false, firstBadSeq: 1 });
  });
});

describe('keyed chain', () => {
  it('links with HMAC: another key, or none, gives other hashes', () => {
    const drafts = makeDrafts(20);
    const seal = (chain: JournalChain) => {
      let prev = GENESIS_HASH;
      return drafts.map((d, i) => { const r = rowOf(d, i + 1, prev, chain); prev = r.hash; return r; });
    };
    const keyed = seal(KEYED);
    expect(verifyRecords(keyed, { chain: KEYED }).ok).toBe(true);
    expect(verifyRecords(keyed, { chain: PLAIN_CHAIN })).toMatchObject({ ok: false, firstBadSeq: 1 });
    expect(verifyRecords(keyed, { chain: { format: 2, key: Buffer.from('another key of sixteen+ bytes') } })).toMatchObject({ ok: false, firstBadSeq: 1 });
    // A re-chain without the key (plain SHA-256 over the same records) does not pass as keyed.
    expect(verifyRecords(seal(PLAIN_CHAIN), { chain: KEYED })).toMatchObject({ ok: false, firstBadSeq: 1 });
    expect(linkHash(KEYED, GENESIS_HASH, 'x')).not.toBe(linkHash(PLAIN_CHAIN, GENESIS_HASH, 'x'));
  });

  it('binds the recorded head to the key', () => {
    let prev = GENESIS_HASH;
    const rows = makeDrafts(10).map((d, i) => { const r = rowOf(d, i + 1, prev, KEYED); prev = r.hash; return r; });
    const head = { seq: 10, hash: prev, mac: headMac(KEYED, 10, prev) };
    expect(verifyRecords(rows, { chain: KEYED, head }).ok).toBe(true);
    // Cut to 8 rows with the head moved to row 8: the attacker cannot make its tag.
    const cut = { seq: 8, hash: rows[7]!.hash, mac: headMac({ format: 2, key: Buffer.from('attacker key, sixteen+') }, 8, rows[7]!.hash) };
    expect(verifyRecords(rows.slice(0, 8), { chain: KEYED, head: cut })).toMatchObject({ ok: false, reason: expect.stringMatching(/does not verify with the key/) as unknown });
    expect(headMac(PLAIN_CHAIN, 10, prev)).toBeNull();
  });

  it('reads the key from RECKON_JOURNAL_KEY and refuses a short one', () => {
    expect(journalKeyFromEnv({})).toBeNull();
    expect(journalKeyFromEnv({ RECKON_JOURNAL_KEY: '' })).toBeNull();
    expect(journalKeyFromEnv({ RECKON_JOURNAL_KEY: 'k'.repeat(16) })?.length).toBe(16);
    expect(() => journalKeyFromEnv({ RECKON_JOURNAL_KEY: 'short' })).toThrow(/at least 16/);
    expect(defaultChain({ RECKON_JOURNAL_KEY: 'k'.repeat(32) }).key).not.toBeNull();
    expect(keyId(Buffer.from('k'.repeat(32)))).toMatch(/^[0-9a-f]{16}$/);
  });
});
