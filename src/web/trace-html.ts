/** The static trace page: one self-contained HTML file with the journal embedded. */
import type { JournalRecord } from '../records/records.js';
import type { TraceData } from './data-types.js';
import { embed, loadTemplate } from './embed.js';
import { buildTraceData, type TraceOptions } from './trace-model.js';

/** The page for data already built. */
export function renderTraceHtml(data: TraceData): string {
  return embed(loadTemplate('trace'), data, data.title);
}

export function buildTraceHtml(records: Iterable<JournalRecord>, opts: TraceOptions = {}): string {
  return renderTraceHtml(buildTraceData(records, opts));
}
