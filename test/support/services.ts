/**
 * The local PostgreSQL (127.0.0.1:5432, db `test`) and NATS JetStream (127.0.0.1:4222) for
 * integration tests: per-test names (schema, journal, stream, subject prefix) and their cleanup.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';

export const PG_BASE = process.env.RECKON_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
export const NATS_URL = process.env.RECKON_TEST_NATS ?? 'nats://127.0.0.1:4222';

/** A fresh lower-case suffix for names no other test (or engineer) uses. */
export const suffix = (): string => randomBytes(5).toString('hex');

/** A test's own PostgreSQL schema: journal URLs in it, and its removal. */
export function pgSchema(): { schema: string; url(journal: string): string; sql: postgres.Sql; drop(): Promise<void> } {
  const schema = `t_${suffix()}`;
  const sql = postgres(PG_BASE, { max: 2, onnotice: () => undefined });
  return {
    schema,
    sql,
    url: (journal) => `${PG_BASE}?journal=${journal}&schema=${schema}`,
    drop: async () => {
      await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await sql.end({ timeout: 2 });
    },
  };
}

/** A test's own stream and subject prefix; `drop()` deletes the stream (and its consumers). */
export function natsTopology(): { stream: string; subjectPrefix: string; drop(): Promise<void> } {
  const s = suffix();
  const topo = { stream: `T_${s.toUpperCase()}`, subjectPrefix: `t_${s}` };
  return {
    ...topo,
    drop: async () => {
      const nc = await connect({ servers: NATS_URL });
      try {
        const jsm = await jetstreamManager(nc);
        await jsm.streams.delete(topo.stream).catch(() => undefined);
      } finally {
        await nc.close();
      }
    },
  };
}

/** Polls `cond` until it is truthy or `budgetMs` passes (then throws with `what`). */
export async function waitFor<T>(cond: () => T | Promise<T>, budgetMs: number, what: string): Promise<NonNullable<T>> {
  const deadline = performance.now() + budgetMs;
  for (;;) {
    const v = await cond();
    if (v) return v as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`timed out after ${budgetMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
