/**
 * `reckon journal verify|export`: tamper evidence and a JSON-lines view for other tools.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ReckonError } from '../domain/errors.js';
import { verifyJournal } from '../journal/verify.js';
import { exportJournal } from '../journal/export.js';
import type { Io } from './main.js';

export function registerJournalCommands(program: Command, io: Io, setExit: (code: number) => void): void {
  const journal = program.command('journal').description('Inspect a journal file.');
  journal.command('verify <journal>')
    .description('Check the hash chain; exit 0 when intact, 1 naming the first bad seq.')
    .option('--json', 'print the result as JSON')
    .action((path: string, flags: { json?: boolean }) => {
      requireFile(path);
      const r = verifyJournal(path);
      if (flags.json) io.out(JSON.stringify(r) + '\n');
      else if (r.ok) io.out(`${path}: intact, ${r.records} records, last seq ${r.lastSeq}, head ${r.headHash}\n`);
      else io.err(`${path}: BROKEN at seq ${r.firstBadSeq}: ${r.reason} (${r.records} records verified before it)\n`);
      if (!r.ok) setExit(1);
    });
  journal.command('export <journal>')
    .description('Print one JSON record per line (envelope + payload), in seq order.')
    .option('--from <seq>', 'first seq to print', '1')
    .action((path: string, flags: { from: string }) => {
      requireFile(path);
      if (!/^\d+$/.test(flags.from)) throw new ReckonError('USAGE', `--from: "${flags.from}" is not a seq number`);
      // Batch stdout writes: one write per line would dominate the export time.
      let buf = '';
      exportJournal(path, (line) => {
        buf += line + '\n';
        if (buf.length > 1 << 16) { io.out(buf); buf = ''; }
      }, { fromSeq: Number(flags.from) });
      if (buf) io.out(buf);
    });
}

export function requireFile(path: string): void {
  if (!existsSync(path)) throw new ReckonError('USAGE', `${path}: no such file`);
}
