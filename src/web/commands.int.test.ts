/**
 * The trace and report pages from real SQLite journal files: verified, tampered with (a payload
 * rewritten after dropping the append-only trigger), and unreadable past a record.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateJournal } from '../../test/browser/fixtures.js';
import { tamperPayload, writeSqliteJournal } from '../../test/browser/journal-files.js';
import type { ReportData, TraceData } from './data-types.js';
import { writeReport, writeTrace } from './commands.js';

function embedded<T>(file: string): T {
  const m = /data-encoding="gzip\+base64">([^<]*)<\/script>/.exec(readFileSync(file, 'utf8'));
  if (!m) throw new Error(`${file}: no embedded data`);
  return JSON.parse(gunzipSync(Buffer.from(m[1]!, 'base64')).toString('utf8')) as T;
}

const g = generateJournal(120, 3, 5 * 60_000, { externalDrifts: 4 });
const fill = g.records.find((r) => r.type === 'S05.provider' && r.payload.kind === 'fill')!;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reckon-pages-int-'));
});
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

function journalCopy(name: string): string {
  const path = join(dir, name, 'journal.db');
  writeSqliteJournal(g.records, path);
  return path;
}

describe('pages from journal files', () => {
  it('embeds a passed verification', async () => {
    const j = journalCopy('ok');
    const integrity = await writeTrace(j, join(dir, 'ok', 'trace.html'), { verify: true });
    expect(integrity).toEqual({ verification: { ok: true }, unreadable: null });
    const data = embedded<TraceData>(join(dir, 'ok', 'trace.html'));
    expect(data.integrity).toEqual(integrity);
    expect(data.records.seq.length).toBe(g.records.length);
  });

  it('leaves verification unchecked unless asked (the pages `reckon run` writes)', async () => {
    const j = journalCopy('run');
    expect(await writeTrace(j, join(dir, 'run', 'trace.html'))).toEqual({ verification: null, unreadable: null });
  });

  it('builds both pages from a tampered journal, with the failed verification embedded', async () => {
    const j = journalCopy('tampered');
    tamperPayload(j, fill.seq, (p) => p.replace(/"lastPrice":"[^"]+"/, '"lastPrice":"0.01"'));
    const trace = await writeTrace(j, join(dir, 'tampered', 'trace.html'), { verify: true });
    expect(trace.verification).toEqual({ ok: false, firstBadSeq: fill.seq, reason: expect.stringMatching(/hash mismatch/) });
    const data = embedded<TraceData>(join(dir, 'tampered', 'trace.html'));
    expect(data.integrity.verification).toEqual(trace.verification);
    // The page still shows every record, the rewritten one as it now is.
    expect(data.records.seq.length).toBe(g.records.length);
    expect(JSON.parse(data.records.payload[fill.seq - 1]!)).toMatchObject({ lastPrice: '0.01' });

    const report = await writeReport(join(dir, 'tampered'), join(dir, 'tampered', 'report.html'), { verify: true });
    expect(report).toEqual(trace);
    expect(embedded<ReportData>(join(dir, 'tampered', 'report.html')).integrity).toEqual(trace);
  });

  it('stops at a record that cannot be read and says where', async () => {
    const j = journalCopy('unreadable');
    tamperPayload(j, fill.seq, () => '{"kind":"fill",');
    const integrity = await writeTrace(j, join(dir, 'unreadable', 'trace.html'), { verify: true });
    expect(integrity.verification).toMatchObject({ ok: false, firstBadSeq: fill.seq });
    expect(integrity.unreadable).toEqual({ lastReadSeq: fill.seq - 1, reason: expect.stringContaining(`record after seq ${fill.seq - 1} cannot be read`) });
    const data = embedded<TraceData>(join(dir, 'unreadable', 'trace.html'));
    expect(data.records.seq.at(-1)).toBe(fill.seq - 1);
    expect(data.integrity).toEqual(integrity);
    const report = await writeReport(j, join(dir, 'unreadable', 'report.html'), { verify: true });
    expect(report.unreadable?.lastReadSeq).toBe(fill.seq - 1);
  });
});
