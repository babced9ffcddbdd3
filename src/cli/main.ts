/**
 * `reckon` command line. Exit codes (DESIGN §9): 0 ok, 1 the job failed, 2 bad input or usage.
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
import { registerInitCommand } from './init-command.js';

/** Output sink, replaceable in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly isTTY: boolean;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
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
  registerInitCommand(program, io);
  return program;
}

/**
 * Runs the CLI and resolves to the exit code.
 *
 * @example
 * process.exitCode = await main(process.argv);
 */
export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
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
    if (err instanceof ReckonError) {
      io.err(`reckon: ${err.message}\n`);
      return exitCodeFor(err);
    }
    throw err;
  }
}

export { Option };
