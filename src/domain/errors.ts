/**
 * One error type for the whole project, carrying a stable machine-readable code.
 * The CLI maps `BAD_INPUT`/`USAGE`/`CONFIG_INVALID`/`JOURNAL_LOCKED` to exit code 2, everything else to 1.
 *
 * @example
 * throw new ReckonError('BAD_INPUT', 'bars.csv:12: high 9.00 is below low 10.00');
 */
export type ErrorCode =
  | 'BAD_INPUT'
  | 'USAGE'
  | 'CONFIG_INVALID'
  | 'JOURNAL_INTEGRITY'
  | 'JOURNAL_MISMATCH'
  /** Another writer holds the journal (the message names it): refused before anything is written. */
  | 'JOURNAL_LOCKED'
  /** The journal's store cannot be reached (database down, connection dropped): the job failed, exit 1. */
  | 'JOURNAL_UNAVAILABLE'
  | 'INVARIANT';

export class ReckonError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly string[];
  constructor(code: ErrorCode, message: string, details: readonly string[] = []) {
    super(message);
    this.name = 'ReckonError';
    this.code = code;
    this.details = details;
  }
}

/** Exit code for an error per DESIGN §9: 2 for bad input or usage, 1 otherwise. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof ReckonError) {
    return err.code === 'BAD_INPUT' || err.code === 'USAGE' || err.code === 'CONFIG_INVALID' || err.code === 'JOURNAL_LOCKED' ? 2 : 1;
  }
  return 1;
}
