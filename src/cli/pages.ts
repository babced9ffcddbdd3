/**
 * The run's pages and exports beside its journal: trace.html, report.html and the CSV exports
 * (orders.csv, fills.csv, positions.csv). Returns the file names written.
 */
import { join } from 'node:path';
import { writeReport, writeTrace } from '../web/commands.js';

export async function writeRunPages(outDir: string): Promise<string[]> {
  await writeTrace(join(outDir, 'journal.db'), join(outDir, 'trace.html'));
  await writeReport(outDir, join(outDir, 'report.html'));
  return ['trace.html', 'report.html', 'orders.csv', 'fills.csv', 'positions.csv'];
}
