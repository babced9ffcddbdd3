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
  const v = new ChainVerifier();
  for (const row of rows) if (v.push(row)) break;
  return v.finish(opts);
}

/** verifyRecords over rows that arrive asynchronously (a database cursor), in constant memory. */
export async function verifyRecordsAsync(rows: AsyncIterable<VerifyRow>, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const v = new ChainVerifier();
  for await (const row of rows) if (v.push(row)) break;
  return v.finish(opts);
}

/**
 * The chain check one row at a time: `push` each stored row in order until it returns true
 * (the outcome is known), then `finish` with the recorded head.
 */
export class ChainVerifier {
  private prev = GENESIS_HASH;
  private expected = 1;
  /** A row whose hash did not verify, kept until the next row tells how it was altered. */
  private mismatch: { row: VerifyRow; computed: string } | null = null;
  private result: VerifyResult | null = null;

  /** Feeds the next row; true once the result is known (stop feeding). */
  push(row: VerifyRow): boolean {
    if (this.result) return true;
    if (this.mismatch) {
      this.result = this.fail(this.mismatch.row.seq, `seq ${this.mismatch.row.seq}: ${classifyMismatch(this.mismatch.row, this.mismatch.computed, row, null)}`);
      return true;
    }
    const expected = this.expected;
    if (row.seq !== expected) {
      this.result = Number.isInteger(row.seq) && row.seq > expected
        ? this.fail(expected, `seq ${expected} missing (next row is seq ${row.seq})`)
        : this.fail(expected, `seq ${expected} expected, found seq ${row.seq} (rows repeated, reordered or renumbered)`);
      return true;
    }
    const computed = rowHash(this.prev, row);
    if (computed !== row.hash) {
      this.mismatch = { row, computed };
      return false;
    }
    this.prev = row.hash;
    this.expected++;
    return false;
  }

  /** The outcome, given the head the store recorded with its last commit. */
  finish(opts: VerifyOptions = {}): VerifyResult {
    if (this.result) return this.result;
    const head = opts.head ?? null;
    if (this.mismatch) {
      const { row, computed } = this.mismatch;
      return this.fail(row.seq, `seq ${row.seq}: ${classifyMismatch(row, computed, null, head)}`);
    }
    const lastSeq = this.expected - 1;
    if (head) {
      if (head.seq > lastSeq) {
        return this.fail(lastSeq + 1,
          `seq ${lastSeq + 1} missing: journal truncated (${lastSeq === 0 ? 'no rows' : `last row is seq ${lastSeq}`}, recorded head is seq ${head.seq})`);
      }
      if (head.seq < lastSeq) {
        return this.fail(head.seq + 1, `seq ${head.seq + 1}: rows after the recorded head (seq ${head.seq}) were added outside the journal`);
      }
      if (head.hash !== this.prev) return this.fail(lastSeq, `seq ${lastSeq}: hash differs from the recorded head (journal rewritten)`);
    }
    return { ok: true, records: lastSeq, lastSeq, headHash: this.prev };
  }

  private fail(firstBadSeq: number, reason: string): VerifyResult {
    return { ok: false, records: this.expected - 1, firstBadSeq, reason };
  }
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
