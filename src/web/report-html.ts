/** The performance report page: one self-contained HTML file with the run's data embedded. */
import type { ReportData } from './data-types.js';
import { embed, loadTemplate } from './embed.js';
import { buildReportData, type ReportInput } from './report-model.js';

/** The page for data already built. */
export function renderReportHtml(data: ReportData): string {
  return embed(loadTemplate('report'), data, data.title);
}

export function buildReportHtml(input: ReportInput): string {
  return renderReportHtml(buildReportData(input));
}
