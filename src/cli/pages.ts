/**
 * The run's pages and exports beside its journal: trace.html, report.html and the CSV exports
 * (orders.csv, fills.csv, positions.csv). Returns the file names written. The journal is the one
 * this process just wrote (a resumed run re-verified it first), so it is not verified again here;
 * a journal that cannot be read back to its end is an error.
 */
import { join } from 'node:path';
import { ReckonError } from '../domain/errors.js';
import { integrityProblems, writeReport, writeTrace } from '../web/commands.js';

export async function writeRunPages(outDir: string, journal = join(outDir, 'journal.db')): Promise<string[]> {
  const problems = [...integrityProblems(await writeTrace(journal, join(outDir, 'trace.html'))),
    ...integrityProblems(await writeReport(journal, join(outDir, 'report.html'), { runDir: outDir }))];
  if (problems.length) throw new ReckonError('JOURNAL_INTEGRITY', `journal ${journal} ${problems[0]}`);
  return ['trace.html', 'report.html', 'orders.csv', 'fills.csv', 'positions.csv'];
}
