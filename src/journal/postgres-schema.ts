/**
 * The PostgreSQL journal format: the SQLite columns (sqlite-schema.ts) with a `journal` column,
 * so several journals share one database, in a schema of their own (default `reckon`).
 *
 * ```sql
 * CREATE TABLE reckon.journal (
 *   journal        TEXT   NOT NULL,   -- the journal's name (?journal=NAME in the URL)
 *   seq            BIGINT NOT NULL,   -- gap-free from 1 per journal
 *   ts             BIGINT NOT NULL,
 *   type           TEXT   NOT NULL,
 *   account        TEXT   NOT NULL,
 *   instrument     TEXT,
 *   correlation_id TEXT,
 *   causation_seq  BIGINT,
 *   schema         INTEGER NOT NULL,
 *   payload        TEXT   NOT NULL,   -- payload JSON, byte-exact as hashed (TEXT, not JSONB: JSONB reorders keys)
 *   hash           TEXT   NOT NULL,
 *   PRIMARY KEY (journal, seq)        -- a second writer's seq collides here even without the lock
 * );
 * CREATE TABLE reckon.journal_meta (journal TEXT, key TEXT, value TEXT, PRIMARY KEY (journal, key));
 *   -- per journal: 'format' = 'reckon-journal/1'; 'head' = '<seq> <hash>', written in the same
 *   -- transaction as each batch and only if it still holds the previous head (fork check)
 * CREATE TABLE reckon.reckon_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL);
 *   -- ('journal', 1): the table layout's version; older layouts are migrated on open, newer refused
 * CREATE INDEX journal_correlation ON reckon.journal (journal, correlation_id) WHERE correlation_id IS NOT NULL;
 * -- UPDATE and DELETE on reckon.journal are refused by a trigger (append-only).
 * ```
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import postgres from 'postgres';
import { ReckonError } from '../domain/errors.js';
import type { PgJournalAddress } from './postgres-url.js';
import { CURRENT_FORMAT } from './hash.js';

/** The record encoding of PostgreSQL journals: the current format (hash.ts), plain chain. */
const JOURNAL_FORMAT = `reckon-journal/${CURRENT_FORMAT}`;

export { isPostgresUrl, parsePgJournalUrl, type PgJournalAddress } from './postgres-url.js';

/** Version of the table layout above, recorded in `reckon_schema`. */
export const PG_SCHEMA_VERSION = 1;

/** int8 as a JS number (seq, ts and causation_seq are safe integers in every record). */
const INT8_AS_NUMBER = { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) };

/**
 * A client for one journal address. Writers pass `max: 1` (the connection that holds the
 * advisory lock) and no lifetime limit, so the pool never silently swaps that connection.
 */
export function pgClient(addr: PgJournalAddress, opts: { max: number; role: string; onclose?: () => void }): postgres.Sql {
  return postgres(addr.connectUrl, {
    max: opts.max,
    max_lifetime: 0,
    idle_timeout: opts.role === 'writer' ? 0 : 30,
    connect_timeout: 10,
    onnotice: () => undefined,
    onclose: opts.onclose,
    types: { int8: INT8_AS_NUMBER },
    connection: {
      application_name: applicationName(addr.journal, opts.role),
      ...(opts.role === 'reader' ? { default_transaction_read_only: 'on' } : {}),
    },
  } as postgres.Options<Record<string, postgres.PostgresType>>);
}

/** What a second writer is told about the holder: `reckon writer desk1 pid 4242 on box`. */
function applicationName(journal: string, role: string): string {
  return `reckon ${role} ${journal} pid ${process.pid} on ${hostname()}`.slice(0, 63);
}

/** Quoted identifier (schema names are validated above; quoting keeps reserved words safe). */
export function qid(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * The advisory lock key of a journal: 64 bits of sha256("reckon-journal\n<schema>\n<name>") as
 * the two int4 halves pg_locks shows as classid/objid (objsubid 2).
 */
export function lockKey(schema: string, journal: string): { k1: number; k2: number } {
  return keyOf(`reckon-journal\n${schema}\n${journal}`);
}

function keyOf(text: string): { k1: number; k2: number } {
  const d = createHash('sha256').update(text).digest();
  return { k1: d.readInt32BE(0), k2: d.readInt32BE(4) };
}

/** The DDL of every layout version; index i takes version i to i+1. */
function migrations(s: string): readonly string[][] {
  return [[
    `CREATE TABLE IF NOT EXISTS ${s}.journal (
      journal TEXT NOT NULL, seq BIGINT NOT NULL, ts BIGINT NOT NULL, type TEXT NOT NULL, account TEXT NOT NULL,
      instrument TEXT, correlation_id TEXT, causation_seq BIGINT, schema INTEGER NOT NULL, payload TEXT NOT NULL, hash TEXT NOT NULL,
      PRIMARY KEY (journal, seq))`,
    `CREATE TABLE IF NOT EXISTS ${s}.journal_meta (journal TEXT NOT NULL, key TEXT NOT NULL, value TEXT, PRIMARY KEY (journal, key))`,
    `CREATE INDEX IF NOT EXISTS journal_correlation ON ${s}.journal (journal, correlation_id) WHERE correlation_id IS NOT NULL`,
    `CREATE OR REPLACE FUNCTION ${s}.journal_append_only() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN RAISE EXCEPTION 'journal is append-only'; END $$`,
    `DROP TRIGGER IF EXISTS journal_append_only ON ${s}.journal`,
    `CREATE TRIGGER journal_append_only BEFORE UPDATE OR DELETE ON ${s}.journal FOR EACH STATEMENT EXECUTE FUNCTION ${s}.journal_append_only()`,
  ]];
}

/**
 * Creates the schema on first use and migrates an older layout, under a transaction-scoped
 * advisory lock so two processes opening at once do not race. Refuses a newer layout.
 * Readers pass `create: false`: a database without the tables is "no such journal".
 */
/** What ensurePgSchema needs of a session (postgres-session.ts). */
export interface SqlRunner {
  use<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T>;
  transaction<T>(mode: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T>;
}

export async function ensurePgSchema(session: SqlRunner, addr: PgJournalAddress, create: boolean): Promise<void> {
  const s = qid(addr.schema);
  const [found] = await session.use((sql) => sql.unsafe<{ ok: boolean }[]>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [`${s}.reckon_schema`]));
  if (!found?.ok && !create) throw noJournal(addr, 'no Reckon tables in this database');
  const version = async (q: postgres.Sql): Promise<number> => {
    const rows = await q.unsafe<{ version: number }[]>(`SELECT version FROM ${s}.reckon_schema WHERE component = 'journal'`);
    return rows[0]?.version ?? 0;
  };
  const current = found?.ok ? await session.use(version) : 0;
  if (current === PG_SCHEMA_VERSION) return;
  if (current > PG_SCHEMA_VERSION) throw newerLayout(addr, current);
  if (!create) throw new ReckonError('BAD_INPUT', `${addr.label}: journal tables are at layout version ${current}; open the journal once as a writer to migrate`);
  await session.transaction('', async (tx) => {
    const { k1, k2 } = keyOf(`reckon-schema\n${addr.schema}`);
    await tx.unsafe('SELECT pg_advisory_xact_lock($1, $2)', [k1, k2]);
    await tx.unsafe(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await tx.unsafe(`CREATE TABLE IF NOT EXISTS ${s}.reckon_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL)`);
    const from = await version(tx);
    if (from > PG_SCHEMA_VERSION) throw newerLayout(addr, from);
    const steps = migrations(s);
    for (let v = from; v < PG_SCHEMA_VERSION; v++) for (const ddl of steps[v]!) await tx.unsafe(ddl);
    await tx.unsafe(`INSERT INTO ${s}.reckon_schema (component, version) VALUES ('journal', $1)
      ON CONFLICT (component) DO UPDATE SET version = excluded.version`, [PG_SCHEMA_VERSION]);
  });
}

function newerLayout(addr: PgJournalAddress, v: number): ReckonError {
  return new ReckonError('BAD_INPUT', `${addr.label}: journal tables are at layout version ${v}, newer than this Reckon (${PG_SCHEMA_VERSION}); upgrade Reckon`);
}

export function noJournal(addr: PgJournalAddress, why: string): ReckonError {
  return new ReckonError('BAD_INPUT', `${addr.label}: not a Reckon journal (${why})`);
}

/** Checks the journal's format entry; creates it (and so the journal) when `create`. Returns false when absent. */
export async function checkPgFormat(sql: postgres.Sql, addr: PgJournalAddress, create: boolean): Promise<boolean> {
  const s = qid(addr.schema);
  if (create) {
    await sql.unsafe(`INSERT INTO ${s}.journal_meta (journal, key, value) VALUES ($1, 'format', $2) ON CONFLICT DO NOTHING`, [addr.journal, JOURNAL_FORMAT]);
  }
  const rows = await sql.unsafe<{ value: string }[]>(`SELECT value FROM ${s}.journal_meta WHERE journal = $1 AND key = 'format'`, [addr.journal]);
  const format = rows[0]?.value;
  if (format === undefined) return false;
  if (format !== JOURNAL_FORMAT) throw noJournal(addr, `format is '${format}', expected '${JOURNAL_FORMAT}'`);
  return true;
}

/** SELECT list in JournalRow shape for one journal; `$1` is the journal name. */
export function selectRows(schema: string): string {
  return `SELECT seq, ts, type, account, instrument, correlation_id, causation_seq, schema, payload, hash FROM ${qid(schema)}.journal WHERE journal = $1`;
}

/** Last committed row and the recorded head of one journal. */
export async function pgHeads(sql: postgres.Sql, addr: PgJournalAddress): Promise<{
  lastSeq: number; headHash: string | null; recorded: { seq: number; hash: string } | null;
}> {
  const s = qid(addr.schema);
  const [last] = await sql.unsafe<{ seq: number; hash: string }[]>(
    `SELECT seq, hash FROM ${s}.journal WHERE journal = $1 ORDER BY seq DESC LIMIT 1`, [addr.journal]);
  const [head] = await sql.unsafe<{ value: string }[]>(
    `SELECT value FROM ${s}.journal_meta WHERE journal = $1 AND key = 'head'`, [addr.journal]);
  const [seq, hash] = head?.value.split(' ') ?? [];
  return {
    lastSeq: last?.seq ?? 0, headHash: last?.hash ?? null,
    recorded: seq !== undefined && hash !== undefined ? { seq: Number(seq), hash } : null,
  };
}
