/**
 * `reckon trace` and `reckon report`: self-contained HTML files that open offline.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { writeReport, writeTrace } from '../web/commands.js';
import { requireFile } from './journal-commands.js';
import type { Io } from './main.js';

export function registerPageCommands(program: Command, io: Io): void {
  program.command('trace <journal>')
    .description('Write the static trace UI (one self-contained HTML file) for a journal (file or postgres:// URL).')
    .option('-o, --out <file>', 'output HTML file', 'trace.html')
    .action(async (journal: string, flags: { out: string }) => {
      requireFile(journal);
      const out = resolve(flags.out);
      await writeTrace(journal, out);
      io.out(`trace: ${out}\n`);
    });
  program.command('report <journalOrDir>')
    .description('Write the HTML performance report (and orders.csv, fills.csv, positions.csv beside it).')
    .option('-o, --out <file>', 'output HTML file', 'report.html')
    .option('--run-dir <dir>', 'read summary.json, equity.csv and prices.csv from this directory (default: beside the journal file)')
    .action(async (path: string, flags: { out: string; runDir?: string }) => {
      requireFile(path);
      const out = resolve(flags.out);
      await writeReport(path, out, flags.runDir);
      io.out(`report: ${out}\n`);
    });
}
