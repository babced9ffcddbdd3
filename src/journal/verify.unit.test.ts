import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../records/records.js';
import { makeDrafts } from './fixtures.test.js';
import { MemoryJournal } from './memory.js';
import { GENESIS_HASH } from './store.js';
import { verifyRecords, type VerifyRow } from './verify.js';

function rowsOf(records: readonly JournalRecord[]): VerifyRow[] {
  return records.map((r) => ({
    seq: r.seq, ts: r.ts, type: r.type, account: r.account, instrument: r.instrument, correlationId: r.correlationId,
    causationSeq: r.causationSeq, schema: r.schema, payloadJson: JSON.stringify(r.payload), hash: r.hash,
  }));
}

function journal(n: number): MemoryJournal {
  const m = new MemoryJournal();
  for (const d of makeDrafts(n)) m.append(d);
  return m;
}

describe('verifyRecords (store-independent)', () => {
  it('accepts MemoryJournal records and reports the head', () => {
    const m = journal(40);
    expect(verifyRecords(rowsOf(m.all()), { head: { seq: 40, hash: m.headHash() } }))
      .toEqual({ ok: true, records: 40, lastSeq: 40, headHash: m.headHash(), format: 2, keyed: false, anchors: [], notes: [] });
    expect(verifyRecords([])).toEqual({ ok: true, records: 0, lastSeq: 0, headHash: GENESIS_HASH, format: 2, keyed: false, anchors: [], notes: [] });
  });

  it('names the first bad seq for altered, missing, repeated and reordered rows', () => {
    const rows = rowsOf(journal(40).all());
    const altered = rows.map((r) => (r.seq === 12 ? { ...r, instrument: 'XRP-USD' } : r));
    expect(verifyRecords(altered)).toMatchObject({ ok: false, records: 11, firstBadSeq: 12, reason: 'seq 12: hash mismatch (record altered)' });

    const gap = rows.filter((r) => r.seq !== 5);
    expect(verifyRecords(gap)).toMatchObject({ ok: false, firstBadSeq: 5, reason: 'seq 5 missing (next row is seq 6)' });

    const repeated = [...rows.slice(0, 8), rows[7]!, ...rows.slice(8)];
    expect(verifyRecords(repeated)).toMatchObject({ ok: false, firstBadSeq: 9, reason: expect.stringMatching(/found seq 8/) as unknown });

    const reordered = [...rows];
    [reordered[2], reordered[3]] = [reordered[3]!, reordered[2]!];
    expect(verifyRecords(reordered)).toMatchObject({ ok: false, firstBadSeq: 3 });
  });

  it('uses the recorded head to detect truncation and a rewritten chain', () => {
    const m = journal(40);
    const rows = rowsOf(m.all());
    expect(verifyRecords(rows.slice(0, 38), { head: { seq: 40, hash: m.headHash() } }))
      .toMatchObject({ ok: false, records: 38, firstBadSeq: 39 });
    expect(verifyRecords(rows, { head: { seq: 40, hash: GENESIS_HASH } }))
      .toMatchObject({ ok: false, firstBadSeq: 40, reason: expect.stringMatching(/recorded head/) as unknown });
  });
});
