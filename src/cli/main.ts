/**
 * `reckon` command line. Exit codes: 0 ok, 1 the job failed, 2 bad input or usage. Every
 * failure is one line on stderr (`reckon: …`), never a stack trace (RECKON_DEBUG=1 adds it);
 * a reader that closes stdout early (`| head`) ends the command quietly.
 */
import { Command, CommanderError, Option } from 'commander';
import { exitCodeFor, ReckonError } from '../domain/errors.js';
import { RECKON_VERSION } from '../version.js';
import { registerRunCommands } from './run-commands.js';
import { registerJournalCommands } from './journal-commands.js';
import { registerServeCommand } from './serve-command.js';
import { registerPageCommands } from './page-commands.js';
import { registerScenarioCommands } from './scenario-commands.js';
import { registerIncidentCommands } from './incident-commands.js';
import { registerPlaybookCommands } from './playbook-commands.js';
import { registerTailCommand } from './tail-command.js';
import { registerInitCommand } from './init-command.js';

/** Output sink, replaceable in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Writes to stdout and resolves once the text is handed on (or stdout is closed). */
  write(text: string): Promise<void>;
  /** True once the reader of stdout went away (EPIPE): stop producing output. */
  closed(): boolean;
  readonly isTTY: boolean;
}

let stdoutClosed = false;
let guarded = false;

/** A closed pipe is the reader saying "enough" (`| head`), not a failure of the command. */
function guardStreams(): void {
  if (guarded) return;
  guarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') { stdoutClosed ||= stream === process.stdout; return; }
      throw err;
    });
  }
}

export const processIo: Io = {
  out: (t) => { if (!stdoutClosed) process.stdout.write(t); },
  err: (t) => { process.stderr.write(t); },
  write: (t) => new Promise<void>((done) => {
    if (stdoutClosed || process.stdout.write(t)) setImmediate(done);
    else process.stdout.once('drain', done).once('error', () => done());
  }),
  closed: () => stdoutClosed,
  isTTY: Boolean(process.stderr.isTTY),
};

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('reckon')
    .description('Event-driven trading infrastructure: desired, expected and provider-confirmed state as separate records, drift made visible.')
    .version(RECKON_VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError();
  registerRunCommands(program, io, setExit);
  registerJournalCommands(program, io, setExit);
  registerPageCommands(program, io);
  registerServeCommand(program, io);
  registerScenarioCommands(program, io, setExit);
  registerIncidentCommands(program, io);
  registerPlaybookCommands(program, io);
  registerTailCommand(program, io);
  registerInitCommand(program, io);
  return program;
}

/** Errors from the system (files, disks) that say what went wrong in their message already. */
const SYSTEM_CODES = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'ENOENT', 'EMFILE', 'EEXIST', 'EFBIG']);

/**
 * One line for any error: ReckonError's message; a system or SQLite error's message with its
 * code; anything else as an internal error.
 *
 * @example
 * describeError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }))
 * // 'ENOSPC: no space left on device, write'
 */
export function describeError(err: unknown): string {
  if (err instanceof ReckonError) return err.message;
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string' && (SYSTEM_CODES.has(code) || code.startsWith('SQLITE_'))) {
    return message.includes(code) ? message : `${message} (${code})`;
  }
  return `internal error: ${message.split('\n')[0]} (RECKON_DEBUG=1 shows where)`;
}

/**
 * Runs the CLI and resolves to the exit code; never rejects.
 *
 * @example
 * process.exitCode = await main(process.argv);
 */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  if (io === processIo) guardStreams();
  let code = 0;
  const program = buildProgram(io, (c) => { code = c; });
  try {
    await program.parseAsync(argv as string[]);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    io.err(`reckon: ${describeError(err)}\n`);
    if (process.env.RECKON_DEBUG === '1' && err instanceof Error && err.stack) io.err(err.stack + '\n');
    return exitCodeFor(err);
  }
}

export { Option };
