/**
 * `reckon journal verify|export|copy`: tamper evidence, a JSON-lines view for other tools, and
 * moving a journal between stores. JOURNAL is a SQLite file or a postgres:// URL.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ReckonError } from '../domain/errors.js';
import { isPostgresUrl } from '../journal/postgres-url.js';
import { openJournalReader } from '../journal/open-any.js';
import { registerJournalCopy } from './journal-copy-command.js';
import type { Io } from './main.js';

export function registerJournalCommands(program: Command, io: Io, setExit: (code: number) => void): void {
  const journal = program.command('journal').description('Inspect or copy a journal (SQLite file or postgres:// URL).');
  journal.command('verify <journal>')
    .description('Check the hash chain; exit 0 when intact, 1 naming the first bad seq.')
    .option('--json', 'print the result as JSON')
    .action(async (path: string, flags: { json?: boolean }) => {
      requireFile(path);
      const source = await openJournalReader(path);
      const r = await source.verify().finally(() => source.close());
      if (flags.json) io.out(JSON.stringify(r) + '\n');
      else if (r.ok) io.out(`${path}: intact, ${r.records} records, last seq ${r.lastSeq}, head ${r.headHash}\n`);
      else io.err(`${path}: BROKEN at seq ${r.firstBadSeq}: ${r.reason} (${r.records} records verified before it)\n`);
      if (!r.ok) setExit(1);
    });
  journal.command('export <journal>')
    .description('Print one JSON record per line (envelope + payload), in seq order.')
    .option('--from <seq>', 'first seq to print', '1')
    .action(async (path: string, flags: { from: string }) => {
      requireFile(path);
      if (!/^\d+$/.test(flags.from)) throw new ReckonError('USAGE', `--from: "${flags.from}" is not a seq number`);
      const source = await openJournalReader(path);
      // Batch stdout writes: one write per line would dominate the export time.
      let buf = '';
      await source.exportTo((line) => {
        buf += line + '\n';
        if (buf.length > 1 << 16) { io.out(buf); buf = ''; }
      }, { fromSeq: Number(flags.from) }).finally(() => source.close());
      if (buf) io.out(buf);
    });
  registerJournalCopy(journal, io);
}

/** A journal argument must be an existing file unless it is a postgres:// URL. */
export function requireFile(path: string): void {
  if (!isPostgresUrl(path) && !existsSync(path)) throw new ReckonError('USAGE', `${path}: no such file`);
}
