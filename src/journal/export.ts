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
 * The journal at `path` as JSON lines (no trailing newline), in seq order, in constant memory;
 * the connection closes when iteration ends or stops early. Does not verify the chain: run
 * verifyJournal first if the file may have been tampered with (an altered payload is exported
 * as stored).
 *
 * @example
 * for (const line of exportLines('run.journal.db', { fromSeq: 100 })) out.write(line + '\n');
 * // {"seq":100,"ts":1700000000000,"type":"S01.intent","account":"acc-1","instrument":"BTC-USD",
 * //  "correlationId":"intent-1","causationSeq":null,"schema":1,"hash":"…","payload":{…}}
 */
export function* exportLines(path: string, opts: ExportOptions = {}): Generator<string, void> {
  const { db } = openJournalDatabase(path, { readonly: true });
  try {
    const stmt = db.prepare(`${SELECT_ROWS} WHERE seq >= ? ORDER BY seq`);
    for (const r of stmt.iterate(firstSeq(opts.fromSeq)) as IterableIterator<JournalRow>) {
      yield exportLine(r);
    }
  } finally {
    db.close();
  }
}

/**
 * One stored row as an export line: envelope fields first, then the payload as the stored JSON
 * text, so the line carries exactly the hashed bytes (also the bus message format).
 */
export function exportLine(r: JournalRow): string {
  return `{"seq":${r.seq},"ts":${r.ts},"type":${JSON.stringify(r.type)},"account":${JSON.stringify(r.account)}` +
    `,"instrument":${JSON.stringify(r.instrument)},"correlationId":${JSON.stringify(r.correlation_id)}` +
    `,"causationSeq":${JSON.stringify(r.causation_seq)},"schema":${r.schema},"hash":${JSON.stringify(r.hash)}` +
    `,"payload":${r.payload}}`;
}

/**
 * Streams the journal at `path` to `write`, one JSON object per call; returns what it wrote.
 *
 * @example
 * const lines: string[] = [];
 * exportJournal('run.journal.db', (line) => lines.push(line)); // { records: 1200, lastSeq: 1200 }
 */
export function exportJournal(
  path: string, write: (line: string) => void, opts: ExportOptions = {},
): { records: number; lastSeq: number } {
  let records = 0;
  let lastSeq = 0;
  for (const line of exportLines(path, opts)) {
    write(line);
    records++;
    lastSeq = Number(/^\{"seq":(\d+)/.exec(line)![1]);
  }
  return { records, lastSeq };
}
