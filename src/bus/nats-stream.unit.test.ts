import { describe, expect, it } from 'vitest';
import { ReckonError } from '../domain/errors.js';
import { makeDrafts } from '../journal/fixtures.test.js';
import { MemoryJournal } from '../journal/memory.js';
import type { JournalRecord } from '../records/records.js';
import { batchMsgId, decodeBatch, recordLine, recordsSubject } from './nats-stream.js';
import { PublishingJournal } from './nats-publishing-journal.js';
import { headers } from '@nats-io/transport-node';

function sealed(n: number): JournalRecord[] {
  const m = new MemoryJournal();
  for (const d of makeDrafts(n)) m.append(d);
  return [...m.all()];
}

describe('bus message format', () => {
  it('Given committed records, When encoded as NDJSON and decoded, Then the records come back equal, payload bytes as hashed', () => {
    const recs = sealed(12).slice(3);
    const h = headers();
    h.set('Reckon-First-Seq', '4');
    h.set('Reckon-Last-Seq', '12');
    const body = new TextEncoder().encode(recs.map(recordLine).join('\n') + '\n');
    expect(decodeBatch(body, h)).toEqual({ firstSeq: 4, lastSeq: 12, records: recs });
    expect(recordLine(recs[0]!)).toMatch(/^\{"seq":4,"ts":\d+,"type":"S04.order",.*"payload":\{"kind":"submit",/);
  });

  it('Given headers that do not match the records, Then decoding refuses the message', () => {
    const recs = sealed(3);
    const h = headers();
    h.set('Reckon-First-Seq', '1');
    h.set('Reckon-Last-Seq', '4');
    expect(() => decodeBatch(new TextEncoder().encode(recs.map(recordLine).join('\n')), h)).toThrow(ReckonError);
  });

  it('names subjects and message ids per journal, refusing names that are not one subject token', () => {
    expect(recordsSubject('desk1')).toBe('reckon.desk1.records');
    expect(recordsSubject('desk1', { subjectPrefix: 't_x' })).toBe('t_x.desk1.records');
    expect(batchMsgId('desk1', 5, 9)).toBe('desk1:5-9');
    expect(() => recordsSubject('a.b')).toThrow(/subject token/);
    expect(() => recordsSubject('a', { subjectPrefix: 'x.*' })).toThrow(/one token/);
  });
});

describe('PublishingJournal', () => {
  it('Given appends, When committed, Then exactly the committed records are published, once, in one batch per commit', async () => {
    const batches: number[][] = [];
    const j = new PublishingJournal(new MemoryJournal(), { publish: (rs) => batches.push(rs.map((r) => r.seq)) });
    for (const d of makeDrafts(3)) j.append(d);
    expect(batches).toEqual([]);
    await j.commit();
    await j.commit(); // nothing new
    for (const d of makeDrafts(2, 3)) j.append(d);
    await j.close();
    expect(batches).toEqual([[1, 2, 3], [4, 5]]);
  });
});
