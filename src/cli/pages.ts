/**
 * The run's pages and exports beside its journal: trace.html, report.html and the CSV exports
 * (orders.csv, fills.csv, positions.csv). Returns the file names written.
 */
import { join } from 'node:path';
import { writeReport, writeTrace } from '../web/commands.js';

export async function writeRunPages(outDir: string, journal = join(outDir, 'journal.db')): Promise<string[]> {
  await writeTrace(journal, join(outDir, 'trace.html'));
  await writeReport(journal, join(outDir, 'report.html'), outDir);
  return ['trace.html', 'report.html', 'orders.csv', 'fills.csv', 'positions.csv'];
}
