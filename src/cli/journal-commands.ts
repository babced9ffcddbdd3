/**
 * `reckon journal verify|export|copy`: tamper evidence, a JSON-lines view for other tools, and
 * moving a journal between stores. JOURNAL is a SQLite file or a postgres:// URL.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { ReckonError } from '../domain/errors.js';
import { isPostgresUrl } from '../journal/postgres-url.js';
import { openJournalReader } from '../journal/open-any.js';
import { endAnchors, parseAnchorArg, verifyTarget } from '../journal/anchors.js';
import { verifyJournal, type VerifyResult } from '../journal/verify.js';
import { exportLines } from '../journal/export.js';
import { registerJournalCopy } from './journal-copy-command.js';
import type { Io } from './main.js';

interface VerifyFlags { json?: boolean; expectHead: string[]; allowGrowth?: boolean }

export function registerJournalCommands(program: Command, io: Io, setExit: (code: number) => void): void {
  const journal = program.command('journal').description('Inspect or copy a journal (SQLite file or postgres:// URL).');
  journal.command('verify <journalOrRunDir>')
    .description('Check the hash chain, the recorded head, the head file and any anchors; exit 0 when intact, 1 naming the first bad seq. ' +
      'A run directory is checked against its summary.json; JOURNAL may be a postgres:// URL. A keyed journal needs RECKON_JOURNAL_KEY.')
    .option('--expect-head <anchor>', 'SEQ:HASH or a summary.json: the record at SEQ must have HASH (repeatable); the highest is the journal\'s end',
      (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--allow-growth', 'records after the highest anchor are reported, not failed (a journal still being written)')
    .option('--json', 'print the result as JSON')
    .action(async (arg: string, flags: VerifyFlags) => {
      const target = isPostgresUrl(arg) ? { journal: arg, anchors: [], notes: [] } : verifyTarget(arg);
      const anchors = endAnchors([...target.anchors, ...flags.expectHead.map(parseAnchorArg)], flags.allowGrowth ?? false);
      let r: VerifyResult;
      if (isPostgresUrl(target.journal)) {
        const source = await openJournalReader(target.journal);
        r = await source.verify({ anchors }).finally(() => source.close());
      } else {
        r = verifyJournal(target.journal, { anchors });
      }
      // An anchor the operator brought (a head written down, a summary kept elsewhere), not one beside the journal.
      const external = anchors.some((a) => a.source.startsWith('--expect-head') || isPostgresUrl(target.journal) || dirname(resolve(a.source)) !== dirname(resolve(target.journal)));
      if (flags.json) io.out(JSON.stringify(r.ok ? { ...r, notes: [...target.notes, ...r.notes] } : r) + '\n');
      else if (r.ok) io.out(describeIntact(target.journal, r, target.notes, external));
      else io.err(`${target.journal}: BROKEN at seq ${r.firstBadSeq}: ${r.reason} (${r.records} records verified before it)\n`);
      if (!r.ok) setExit(1);
    });
  journal.command('export <journal>')
    .description('Print one JSON record per line (envelope + payload), in seq order.')
    .option('--from <seq>', 'first seq to print', '1')
    .action(async (path: string, flags: { from: string }) => {
      requireFile(path);
      if (!/^\d+$/.test(flags.from)) throw new ReckonError('USAGE', `--from: "${flags.from}" is not a seq number`);
      // Batch stdout writes (one write per line would dominate the export time) and let the event
      // loop run between batches, so a reader that went away (| head) stops the export.
      let buf = '';
      const flush = async () => { await io.write(buf); buf = ''; };
      if (isPostgresUrl(path)) {
        const source = await openJournalReader(path);
        await source.exportTo((line) => { buf += line + '\n'; if (buf.length > 1 << 16) { io.out(buf); buf = ''; } }, { fromSeq: Number(flags.from) }).finally(() => source.close());
      } else {
        for (const line of exportLines(path, { fromSeq: Number(flags.from) })) {
          buf += line + '\n';
          if (buf.length > 1 << 16) { await flush(); if (io.closed()) return; }
        }
      }
      if (buf) await io.write(buf);
    });
  registerJournalCopy(journal, io);
}

function describeIntact(path: string, r: Extract<VerifyResult, { ok: true }>, notes: readonly string[], external: boolean): string {
  const lines = [`${path}: intact, ${r.records} records, last seq ${r.lastSeq}, head ${r.headHash}`,
    `  chain: format ${r.format}, ${r.keyed ? 'keyed (HMAC-SHA256)' : 'unkeyed (SHA-256)'}`];
  if (r.anchors.length > 0) lines.push(`  anchored by: ${r.anchors.join(', ')}`);
  if (!r.keyed && !external) {
    lines.push(r.anchors.length > 0
      ? '  note: these anchors sit beside the journal: they catch lost or swapped files, not someone who rewrites them all; keep the head elsewhere (--expect-head SEQ:HASH) or set RECKON_JOURNAL_KEY'
      : '  not anchored: a rewritten journal would verify too; pass --expect-head SEQ:HASH or a summary.json, or set RECKON_JOURNAL_KEY');
  }
  for (const n of [...notes, ...r.notes]) lines.push(`  note: ${n}`);
  return lines.join('\n') + '\n';
}

/** A journal argument must be an existing file unless it is a postgres:// URL. */
export function requireFile(path: string): void {
  if (!isPostgresUrl(path) && !existsSync(path)) throw new ReckonError('USAGE', `${path}: no such file`);
}
