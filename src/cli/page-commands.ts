/**
 * `reckon trace` and `reckon report`: self-contained HTML files that open offline.
 *
 * Both check the journal first, as `reckon journal verify` does. A journal that fails
 * verification (or cannot be read to its end) still gets its page — the operator needs it to see
 * what is there — with a warning banner and the verification result embedded; the command
 * prints the page's path on stdout, one warning line on stderr and exits 1, as `journal verify`
 * does for that journal, so a script never takes the page for a trustworthy one.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ReckonError } from '../domain/errors.js';
import type { PageIntegrity } from '../web/data-types.js';
import { integrityProblems, writeReport, writeTrace } from '../web/commands.js';
import { requireFile } from './journal-commands.js';
import type { Io } from './main.js';

/** Exit 1 (JOURNAL_INTEGRITY) with one line naming the journal, the problem and the page written. */
function refuseTrust(journal: string, page: string, integrity: PageIntegrity): void {
  const problems = integrityProblems(integrity);
  if (problems.length === 0) return;
  throw new ReckonError('JOURNAL_INTEGRITY', `warning: journal ${journal} ${problems.join('; it also ')}. `
    + `The page was written with a warning banner: ${page}`);
}

export function registerPageCommands(program: Command, io: Io): void {
  program.command('trace <journal>')
    .description('Write the static trace UI (one self-contained HTML file) for a journal (file or postgres:// URL); exit 1 (page still written, with a warning) when the journal fails verification.')
    .option('-o, --out <file>', 'output HTML file', 'trace.html')
    .action(async (journal: string, flags: { out: string }) => {
      requireFile(journal);
      const out = resolve(flags.out);
      const integrity = await writeTrace(journal, out, { verify: true });
      io.out(`trace: ${out}\n`);
      refuseTrust(journal, out, integrity);
    });
  program.command('report <journalOrDir>')
    .description('Write the HTML performance report (and orders.csv, fills.csv, positions.csv beside it); exit 1 (page still written, with a warning) when the journal fails verification.')
    .option('-o, --out <file>', 'output HTML file', 'report.html')
    .option('--run-dir <dir>', 'read summary.json, equity.csv and prices.csv from this directory (default: beside the journal file)')
    .action(async (path: string, flags: { out: string; runDir?: string }) => {
      requireFile(path);
      const out = resolve(flags.out);
      const integrity = await writeReport(path, out, { verify: true, ...(flags.runDir ? { runDir: flags.runDir } : {}) });
      io.out(`report: ${out}\n`);
      refuseTrust(path, out, integrity);
    });
}
