/**
 * PostgreSQL journal addresses: `postgres://USER@HOST:PORT/DB?journal=NAME[&schema=S]`. Apart
 * from the client so that parsing an argument does not load the database driver.
 */
import { ReckonError } from '../domain/errors.js';

const NAME = /^[A-Za-z0-9_-]{1,100}$/;
const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;

/** A parsed `postgres://USER@HOST:PORT/DB?journal=NAME[&schema=S]` address. */
export interface PgJournalAddress {
  /** Connection URL for the client, Reckon's own parameters removed. */
  readonly connectUrl: string;
  readonly journal: string;
  readonly schema: string;
  /** The address without its password, for messages and summaries. */
  readonly label: string;
}

/** True for an address the PostgreSQL store handles (postgres:// or postgresql://). */
export function isPostgresUrl(spec: string): boolean {
  return /^postgres(ql)?:\/\//i.test(spec);
}

/**
 * Parses a PostgreSQL journal address. The journal name must be one NATS subject token
 * (letters, digits, `_`, `-`), as it also names the journal's subject on the bus.
 *
 * @example
 * parsePgJournalUrl('postgres://postgres@127.0.0.1:5432/test?journal=desk1').journal // 'desk1'
 */
export function parsePgJournalUrl(spec: string): PgJournalAddress {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new ReckonError('USAGE', `${spec}: not a valid postgres:// URL`);
  }
  const journal = url.searchParams.get('journal');
  const schema = url.searchParams.get('schema') ?? 'reckon';
  url.searchParams.delete('journal');
  url.searchParams.delete('schema');
  const bare = new URL(url.href);
  bare.password = '';
  const label = `${bare.href}${bare.search ? '&' : '?'}journal=${journal ?? ''}${schema === 'reckon' ? '' : `&schema=${schema}`}`;
  if (journal === null) throw new ReckonError('USAGE', `${label}: the URL needs ?journal=NAME (which journal in this database)`);
  if (!NAME.test(journal)) throw new ReckonError('USAGE', `${label}: journal name '${journal}' must be 1-100 letters, digits, '_' or '-'`);
  if (!SCHEMA.test(schema)) throw new ReckonError('USAGE', `${label}: schema '${schema}' must be a lower-case SQL identifier`);
  if (url.pathname.length <= 1) throw new ReckonError('USAGE', `${label}: the URL names no database (postgres://USER@HOST:PORT/DB?journal=NAME)`);
  return { connectUrl: url.href, journal, schema, label };
}
