/**
 * One error type for the whole project, carrying a stable machine-readable code.
 * The CLI exits 2 for bad input or usage (`BAD_INPUT`, `USAGE`, `CONFIG_INVALID`,
 * `JOURNAL_LOCKED`: nothing was done, fix the invocation) and 1 for a failed job (everything else).
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
  /** Another writer holds the journal's lock; the message names it: refused before anything is written. */
  | 'JOURNAL_LOCKED'
  /** The journal's store cannot be reached (database down, connection dropped): the job failed, exit 1. */
  | 'JOURNAL_UNAVAILABLE'
  /** A file could not be read or written (disk full, I/O error, permissions). */
  | 'IO_ERROR'
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

const USAGE_CODES: ReadonlySet<ErrorCode> = new Set(['BAD_INPUT', 'USAGE', 'CONFIG_INVALID', 'JOURNAL_LOCKED']);

/** Exit code for an error: 2 for bad input or usage, 1 otherwise. */
export function exitCodeFor(err: unknown): number {
  return err instanceof ReckonError && USAGE_CODES.has(err.code) ? 2 : 1;
}
