/**
 * `reckon tail JOURNAL [--from SEQ] [--bus nats://…] [--json]`: prints records as they are
 * committed. With --bus it reads the journal's subject through a durable JetStream consumer
 * (gaps filled from the journal); without, it polls the journal.
 */
import type { Command } from 'commander';
import { ReckonError } from '../domain/errors.js';
import type { RecordTail } from '../bus/nats-tail.js';
import { openJournalReader, parseJournalSpec } from '../journal/open-any.js';
import type { JournalRecord } from '../records/records.js';
import { requireFile } from './journal-commands.js';
import type { Io } from './main.js';

interface TailFlags { from?: string; bus?: string; json?: boolean; durable?: string; stream: string; subjectPrefix: string; limit?: string; pollMs: string }

export function registerTailCommand(program: Command, io: Io): void {
  program.command('tail <journal>')
    .description('Print records as they are committed (SQLite file or postgres:// URL); Ctrl-C stops.')
    .option('--from <seq>', 'first seq to print (default: where --durable left off, else new records only)')
    .option('--bus <url>', 'follow the journal on NATS JetStream (e.g. nats://127.0.0.1:4222) instead of polling it')
    .option('--durable <name>', 'durable consumer name with --bus (default tail_<journal>)')
    .option('--stream <name>', 'JetStream stream', 'RECKON')
    .option('--subject-prefix <token>', 'subjects are <token>.<journal>.records', 'reckon')
    .option('--limit <n>', 'stop after n records')
    .option('--poll-ms <ms>', 'journal poll interval without --bus', '200')
    .option('--json', 'one JSON record per line (the journal export format)')
    .action(async (journal: string, flags: TailFlags) => {
      requireFile(journal);
      const from = flags.from === undefined ? undefined : seqArg('--from', flags.from);
      const limit = flags.limit === undefined ? Number.POSITIVE_INFINITY : seqArg('--limit', flags.limit);
      const pollMs = seqArg('--poll-ms', flags.pollMs);
      const spec = parseJournalSpec(journal);
      // The NATS client loads only for this command.
      const [{ RecordTail }, { recordLine }] = await Promise.all([import('../bus/nats-tail.js'), import('../bus/nats-stream.js')]);
      const source = await openJournalReader(spec);
      let tail: RecordTail;
      try {
        tail = await RecordTail.open({
          source, fromSeq: from, pollMs,
          bus: flags.bus === undefined ? undefined : {
            servers: flags.bus, durable: flags.durable ?? `tail_${spec.name}`, stream: flags.stream, subjectPrefix: flags.subjectPrefix,
          },
        });
      } catch (err) {
        await source.close();
        throw err;
      }
      const stop = (): void => { void tail.close(); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      let printed = 0;
      try {
        for await (const r of tail.records()) {
          io.out((flags.json ? recordLine(r) : humanLine(r)) + '\n');
          if (++printed >= limit) break;
        }
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        await tail.close();
        await source.close();
      }
    });
}

function seqArg(flag: string, text: string): number {
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1) throw new ReckonError('USAGE', `${flag}: "${text}" is not a positive integer`);
  return Number(text);
}

/** `#12 S05.provider acc-1 BTC-USD fill intent-017 ts 1700000000000`. */
function humanLine(r: JournalRecord): string {
  const kind = (r.payload as { kind?: unknown }).kind;
  return `#${r.seq} ${r.type} ${r.account}${r.instrument ? ` ${r.instrument}` : ''}${typeof kind === 'string' ? ` ${kind}` : ''}` +
    `${r.correlationId ? ` ${r.correlationId}` : ''} ts ${r.ts}`;
}
