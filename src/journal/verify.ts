/**
 * `journal verify` (DESIGN §5): recompute the hash chain from the stored columns and report
 * the first seq where the journal stops being what was written.
 */
import { canonicalText, chainHash } from './hash.js';
import { openJournalDatabase, readRecordedHead, SELECT_ROWS, type JournalRow } from './sqlite-schema.js';
import { GENESIS_HASH } from './store.js';

/** One stored record as any journal store keeps it: envelope columns plus the payload text as hashed. */
export interface VerifyRow {
  readonly seq: number;
  readonly ts: number;
  readonly type: string;
  readonly account: string;
  readonly instrument: string | null;
  readonly correlationId: string | null;
  readonly causationSeq: number | null;
  readonly schema: number;
  /** Payload JSON exactly as stored (not re-serialised). */
  readonly payloadJson: string;
  readonly hash: string;
}

/**
 * ok: the chain is intact from seq 1 to `lastSeq`. Not ok: `firstBadSeq` is the first seq that
 * is missing or does not verify, `records` counts the rows verified before it.
 */
export type VerifyResult =
  | { ok: true; records: number; lastSeq: number; headHash: string }
  | { ok: false; records: number; firstBadSeq: number; reason: string };

export interface VerifyOptions {
  /** Head recorded by the store alongside its last commit; lets verify detect rows cut off the end. */
  readonly head?: { readonly seq: number; readonly hash: string } | null;
}

function rowHash(prev: string, r: VerifyRow): string {
  return chainHash(prev, canonicalText(
    r.seq, r.ts, r.type, r.account, r.instrument, r.correlationId, r.causationSeq, r.schema, r.payloadJson,
  ));
}

/**
 * Verifies rows given in stored order (seq order). Store-independent: the SQLite, in-memory
 * and PostgreSQL stores all feed it their rows. Detects altered records, altered stored
 * hashes, missing rows (seq gaps), repeated/reordered/renumbered rows, and (given
 * `opts.head`) rows removed from the end.
 *
 * @example
 * const result = verifyRecords(rows, { head: { seq: 1200, hash: '9f…' } });
 * if (!result.ok) console.error(`first bad seq ${result.firstBadSeq}: ${result.reason}`);
 */
export function verifyRecords(rows: Iterable<VerifyRow>, opts: VerifyOptions = {}): VerifyResult {
  const head = opts.head ?? null;
  let prev = GENESIS_HASH;
  let expected = 1;
  const fail = (firstBadSeq: number, reason: string): VerifyResult => ({ ok: false, records: expected - 1, firstBadSeq, reason });
  const it = rows[Symbol.iterator]();
  try {
    for (let step = it.next(); !step.done; step = it.next()) {
      const row = step.value;
      if (row.seq !== expected) {
        return Number.isInteger(row.seq) && row.seq > expected
          ? fail(expected, `seq ${expected} missing (next row is seq ${row.seq})`)
          : fail(expected, `seq ${expected} expected, found seq ${row.seq} (rows repeated, reordered or renumbered)`);
      }
      const computed = rowHash(prev, row);
      if (computed !== row.hash) {
        const after = it.next();
        return fail(row.seq, `seq ${row.seq}: ${classifyMismatch(row, computed, after.done ? null : after.value, head)}`);
      }
      prev = row.hash;
      expected++;
    }
  } finally {
    it.return?.();
  }
  const lastSeq = expected - 1;
  if (head) {
    if (head.seq > lastSeq) {
      return fail(lastSeq + 1,
        `seq ${lastSeq + 1} missing: journal truncated (${lastSeq === 0 ? 'no rows' : `last row is seq ${lastSeq}`}, recorded head is seq ${head.seq})`);
    }
    if (head.seq < lastSeq) {
      return fail(head.seq + 1, `seq ${head.seq + 1}: rows after the recorded head (seq ${head.seq}) were added outside the journal`);
    }
    if (head.hash !== prev) return fail(lastSeq, `seq ${lastSeq}: hash differs from the recorded head (journal rewritten)`);
  }
  return { ok: true, records: lastSeq, lastSeq, headHash: prev };
}

/**
 * Tells an altered record from an altered stored hash by looking one link further: the next
 * row (or the recorded head) was chained from the hash as originally written.
 */
function classifyMismatch(
  row: VerifyRow, computed: string, next: VerifyRow | null, head: VerifyOptions['head'],
): string {
  if (next !== null && next.seq === row.seq + 1) {
    if (rowHash(row.hash, next) === next.hash) return 'hash mismatch (record altered)';
    if (rowHash(computed, next) === next.hash) return 'stored hash altered (the record still chains; its hash column was changed)';
    return 'hash mismatch (record altered, moved or renumbered)';
  }
  if (next === null && head && head.seq === row.seq) {
    if (head.hash === row.hash) return 'hash mismatch (record altered)';
    if (head.hash === computed) return 'stored hash altered (the record matches the recorded head; its hash column was changed)';
  }
  return 'hash mismatch (record or its stored hash altered)';
}

/**
 * Verifies a SQLite journal file in constant memory, reading one consistent snapshot.
 * Throws ReckonError('BAD_INPUT') when the file is not a Reckon journal; a damaged database
 * (SQLite reports corruption mid-walk) is a failed verification, not an exception.
 *
 * @example
 * const r = verifyJournal('out/run.journal.db');
 * // { ok: false, records: 41, firstBadSeq: 42, reason: 'seq 42: hash mismatch (record altered)' }
 */
export function verifyJournal(path: string): VerifyResult {
  const db = openJournalDatabase(path, { readonly: true });
  let seen = 0;
  let lastSeen = 0;
  try {
    db.exec('BEGIN');
    try {
      const head = readRecordedHead(db);
      const stmt = db.prepare(`${SELECT_ROWS} ORDER BY seq`);
      const rows = function* (): Generator<VerifyRow> {
        for (const r of stmt.iterate() as IterableIterator<JournalRow>) {
          seen++;
          lastSeen = r.seq;
          yield {
            seq: r.seq, ts: r.ts, type: r.type, account: r.account, instrument: r.instrument,
            correlationId: r.correlation_id, causationSeq: r.causation_seq, schema: r.schema,
            payloadJson: r.payload, hash: r.hash,
          };
        }
      };
      return verifyRecords(rows(), { head });
    } finally {
      db.exec('COMMIT');
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT')) {
      return { ok: false, records: seen, firstBadSeq: lastSeen + 1, reason: `database corrupt after seq ${lastSeen} (${(err as Error).message})` };
    }
    throw err;
  } finally {
    db.close();
  }
}
