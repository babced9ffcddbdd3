/** The static trace page: one self-contained HTML file with the journal embedded. */
import type { JournalRecord } from '../records/records.js';
import { embed, loadTemplate } from './embed.js';
import { buildTraceData, type TraceOptions } from './trace-model.js';

export function buildTraceHtml(records: Iterable<JournalRecord>, opts: TraceOptions = {}): string {
  const data = buildTraceData(records, opts);
  return embed(loadTemplate('trace'), data, data.title);
}
