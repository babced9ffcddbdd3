/**
 * JSON-lines export of a journal file: one record per line, envelope fields first, payload
 * embedded as the stored JSON text so the exported payload bytes are exactly the hashed ones.
 */
import { firstSeq, openJournalDatabase, SELECT_ROWS, type JournalRow } from './sqlite-schema.js';

export interface ExportOptions {
  /** First seq to export (default 1). */
  readonly fromSeq?: number;
}

/**
 * Streams the journal at `path` to `write`, one JSON object per call (no trailing newline), in
 * seq order, in constant memory. Does not verify the chain: run verifyJournal first if the
 * file may have been tampered with (an altered payload is exported as stored).
 *
 * @example
 * const out = fs.createWriteStream('journal.jsonl');   // or collect lines in tests
 * exportJournal('run.journal.db', (line) => out.write(line + '\n'));
 * // {"seq":1,"ts":1700000000000,"type":"S01.intent","account":"acc-1","instrument":"BTC-USD",
 * //  "correlationId":"intent-1","causationSeq":null,"schema":1,"hash":"…","payload":{…}}
 */
export function exportJournal(
  path: string, write: (line: string) => void, opts: ExportOptions = {},
): { records: number; lastSeq: number } {
  const { db } = openJournalDatabase(path, { readonly: true });
  try {
    let records = 0;
    let lastSeq = 0;
    const stmt = db.prepare(`${SELECT_ROWS} WHERE seq >= ? ORDER BY seq`);
    for (const r of stmt.iterate(firstSeq(opts.fromSeq)) as IterableIterator<JournalRow>) {
      write(
        `{"seq":${r.seq},"ts":${r.ts},"type":${JSON.stringify(r.type)},"account":${JSON.stringify(r.account)}` +
        `,"instrument":${JSON.stringify(r.instrument)},"correlationId":${JSON.stringify(r.correlation_id)}` +
        `,"causationSeq":${JSON.stringify(r.causation_seq)},"schema":${r.schema},"hash":${JSON.stringify(r.hash)}` +
        `,"payload":${r.payload}}`,
      );
      records++;
      lastSeq = r.seq;
    }
    return { records, lastSeq };
  } finally {
    db.close();
  }
}
