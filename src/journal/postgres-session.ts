/**
 * One PostgreSQL connection for a journal writer or reader, replaced whole after it is lost.
 *
 * Why not reuse it: postgres.js 3.4.9 can throw an uncatchable TypeError from a deferred write
 * on a connection whose socket died (porsager/postgres#1208), and its `sql.begin` writes a
 * ROLLBACK on exactly such a connection. So transactions are run by hand (BEGIN … COMMIT, ROLLBACK
 * only while the connection is alive), and a connection that closed is never written to again:
 * the next use gets a new client.
 */
import type postgres from 'postgres';
import { ReckonError } from '../domain/errors.js';
import { pgClient, type PgJournalAddress } from './postgres-schema.js';

/** Connection-level failures: the store is not reachable (exit 1), as opposed to a wrong address. */
const CONNECTION_CODES = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03']);
/** Wrong database, user or password: a usage error (exit 2). */
const ADDRESS_CODES = new Set(['3D000', '28000', '28P01', '42501']);

function codeOf(err: unknown): string {
  const e = err as { code?: unknown; errno?: unknown };
  return typeof e.code === 'string' ? e.code : typeof e.errno === 'string' ? e.errno : '';
}

/** True when the error means the connection is gone (its transaction, lock and session with it). */
export function isConnectionLoss(err: unknown): boolean {
  const code = codeOf(err);
  return CONNECTION_CODES.has(code) || code.startsWith('08');
}

/**
 * Turns a client or server error into a ReckonError naming the journal address; ReckonErrors
 * pass through. `context` says what was being done.
 */
export function pgError(err: unknown, addr: PgJournalAddress, context?: string): ReckonError {
  if (err instanceof ReckonError) return err;
  const code = codeOf(err);
  const what = `${addr.label}: ${context ? `${context}: ` : ''}${(err as Error).message ?? String(err)}`;
  if (ADDRESS_CODES.has(code)) return new ReckonError('BAD_INPUT', what);
  return new ReckonError('JOURNAL_UNAVAILABLE', isConnectionLoss(err) ? what : `${what} (${code || 'no code'})`);
}

export class PgSession {
  private sql: postgres.Sql;
  private lost = false;

  /** `onLost` runs when the connection closes (its session state, e.g. an advisory lock, is gone). */
  constructor(private readonly addr: PgJournalAddress, private readonly role: 'writer' | 'reader', private readonly onLost: () => void = () => undefined) {
    this.sql = this.connect();
  }

  /** Runs `fn` on the connection (a new one if the last was lost); a connection loss marks it for replacement. */
  async use<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
    if (this.lost) this.replace();
    try {
      return await fn(this.sql);
    } catch (err) {
      if (isConnectionLoss(err)) this.markLost();
      throw err;
    }
  }

  /** `fn` inside BEGIN `mode` … COMMIT on one connection; ROLLBACK only if the connection is still there. */
  transaction<T>(mode: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
    return this.use(async (sql) => {
      await sql.unsafe(`BEGIN ${mode}`);
      try {
        const result = await fn(sql);
        await sql.unsafe('COMMIT');
        return result;
      } catch (err) {
        if (!isConnectionLoss(err) && !this.lost) await sql.unsafe('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  /** The current client, for cursors (callers report losses with `failed`). */
  client(): postgres.Sql {
    if (this.lost) this.replace();
    return this.sql;
  }

  /** Tells the session an error came from its connection. */
  failed(err: unknown): void {
    if (isConnectionLoss(err)) this.markLost();
  }

  async end(): Promise<void> {
    await this.sql.end({ timeout: 2 }).catch(() => undefined);
  }

  private connect(): postgres.Sql {
    const client: postgres.Sql = pgClient(this.addr, {
      max: 1, role: this.role,
      onclose: () => { if (client === this.sql) this.markLost(); },
    });
    return client;
  }

  private markLost(): void {
    if (this.lost) return;
    this.lost = true;
    this.onLost();
  }

  private replace(): void {
    const old = this.sql;
    this.lost = false;
    this.sql = this.connect();
    void old.end({ timeout: 0 }).catch(() => undefined);
  }
}
