/** The performance report page: one self-contained HTML file with the run's data embedded. */
import { embed, loadTemplate } from './embed.js';
import { buildReportData, type ReportInput } from './report-model.js';

export function buildReportHtml(input: ReportInput): string {
  const data = buildReportData(input);
  return embed(loadTemplate('report'), data, data.title);
}
