/**
 * `reckon journal copy FROM TO`: copies a journal between SQLite and PostgreSQL (either way),
 * keeping every record and the head hash; both sides are verified.
 */
import type { Command } from 'commander';
import { copyJournal } from '../journal/copy.js';
import { parseJournalSpec } from '../journal/open-any.js';
import type { Io } from './main.js';

export function registerJournalCopy(journal: Command, io: Io): void {
  journal.command('copy <from> <to>')
    .description('Copy a journal into a new one (SQLite file or postgres://...?journal=NAME, either way); verifies both, same head hash.')
    .option('--json', 'print the result as JSON')
    .action(async (from: string, to: string, flags: { json?: boolean }) => {
      const source = parseJournalSpec(from);
      const target = parseJournalSpec(to);
      const r = await copyJournal(source, target);
      if (flags.json) io.out(JSON.stringify({ ok: true, from: source.label, to: target.label, ...r }) + '\n');
      else io.out(`copied ${r.records} records, last seq ${r.lastSeq}, head ${r.headHash}\n  from ${source.label} (verified)\n  to   ${target.label} (verified)\n`);
    });
}
