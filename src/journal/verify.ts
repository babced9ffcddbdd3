/**
 * `journal verify`: recompute the hash chain from the stored columns, check the head recorded
 * inside the file and every anchor held outside it (head file, summary.json, `--expect-head`),
 * and report the first seq where the journal stops being what was written.
 */
import { ReckonError } from '../domain/errors.js';
import {
  canonicalText, headMac, journalKeyFromEnv, JOURNAL_KEY_ENV, keyId, linkHash, PLAIN_CHAIN, type JournalChain, type JournalFormat,
} from './hash.js';
import { headFilePath, readHeadFile } from './head-file.js';
import { lossOfWholeJournal } from './sqlite-open.js';
import { journalFileError, openJournalDatabase, readRecordedHead, SELECT_ROWS, type JournalRow, type RecordedHead } from './sqlite-schema.js';
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
 * A (seq, hash) known from outside the journal. `end`: the journal must end at this seq (a
 * finished run's summary, an operator's saved head); otherwise later records are allowed (the
 * head file of a live journal, an older checkpoint).
 */
export interface Anchor {
  readonly seq: number;
  readonly hash: string;
  /** Where it came from, for messages: 'head file out/serve/journal.db.head', '--expect-head 40:…'. */
  readonly source: string;
  readonly end: boolean;
  /** headMac of a keyed journal's head (head file), checked when the key is known. */
  readonly mac?: string | null;
}

/**
 * ok: the chain is intact from seq 1 to `lastSeq` and every anchor matches (`anchors` lists
 * them, `notes` what the caller should know, e.g. "not anchored"). Not ok: `firstBadSeq` is the
 * first seq that is missing or does not verify, `records` counts the rows verified before it.
 */
export type VerifyResult =
  | {
    ok: true; records: number; lastSeq: number; headHash: string; format: JournalFormat; keyed: boolean;
    anchors: readonly string[]; notes: readonly string[];
  }
  | { ok: false; records: number; firstBadSeq: number; reason: string };

export interface VerifyOptions {
  /** Head recorded by the store alongside its last commit; lets verify detect rows cut off the end. */
  readonly head?: RecordedHead | { readonly seq: number; readonly hash: string } | null;
  /** The head must be present (format 2 stores always record one). */
  readonly requireHead?: boolean;
  /** The journal's format and key (default: current format, unkeyed). */
  readonly chain?: JournalChain;
  readonly anchors?: readonly Anchor[];
}

function rowHash(chain: JournalChain, prev: string, r: VerifyRow): string {
  return linkHash(chain, prev, canonicalText(
    chain.format, r.seq, r.ts, r.type, r.account, r.instrument, r.correlationId, r.causationSeq, r.schema, r.payloadJson,
  ));
}

/**
 * Verifies rows given in stored order (seq order). Store-independent: the SQLite, in-memory
 * and PostgreSQL stores all feed it their rows. Detects altered records, altered stored
 * hashes, missing rows (seq gaps), repeated/reordered/renumbered rows, (given `opts.head`) rows
 * removed from the end, and (given anchors) a journal rewritten, replaced, extended or cut
 * short relative to what was known outside it.
 *
 * @example
 * const result = verifyRecords(rows, { head: { seq: 1200, hash: '9f…' }, anchors: [{ seq: 1200, hash: '9f…', source: 'summary.json', end: true }] });
 * if (!result.ok) console.error(`first bad seq ${result.firstBadSeq}: ${result.reason}`);
 */
export function verifyRecords(rows: Iterable<VerifyRow>, opts: VerifyOptions = {}): VerifyResult {
  const v = new ChainVerifier(opts);
  for (const row of rows) if (v.push(row)) break;
  return v.finish();
}

/** verifyRecords over rows that arrive asynchronously (a database cursor), in constant memory. */
export async function verifyRecordsAsync(rows: AsyncIterable<VerifyRow>, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const v = new ChainVerifier(opts);
  for await (const row of rows) if (v.push(row)) break;
  return v.finish();
}

/**
 * The chain check one row at a time: `push` each stored row in order until it returns true
 * (the outcome is known), then `finish` for the result against the recorded head and anchors.
 */
export class ChainVerifier {
  private readonly chain: JournalChain;
  private readonly anchors: readonly Anchor[];
  /** Hashes seen at the anchors' seqs. */
  private readonly seen: Map<number, string>;
  private prev = GENESIS_HASH;
  private expected = 1;
  /** A row whose hash did not verify, kept until the next row tells how it was altered. */
  private mismatch: { row: VerifyRow; computed: string } | null = null;
  private result: VerifyResult | null = null;

  constructor(private readonly opts: VerifyOptions = {}) {
    this.chain = opts.chain ?? PLAIN_CHAIN;
    this.anchors = [...(opts.anchors ?? [])].sort((a, b) => a.seq - b.seq);
    this.seen = new Map(this.anchors.map((a) => [a.seq, a.seq === 0 ? GENESIS_HASH : '']));
  }

  /** Feeds the next row; true once the result is known (stop feeding). */
  push(row: VerifyRow): boolean {
    if (this.result) return true;
    if (this.mismatch) {
      const m = this.mismatch;
      this.result = this.fail(m.row.seq, `seq ${m.row.seq}: ${classifyMismatch(this.chain, m.row, m.computed, row, null)}`);
      return true;
    }
    const expected = this.expected;
    if (row.seq !== expected) {
      this.result = Number.isInteger(row.seq) && row.seq > expected
        ? this.fail(expected, `seq ${expected} missing (next row is seq ${row.seq})`)
        : this.fail(expected, `seq ${expected} expected, found seq ${row.seq} (rows repeated, reordered or renumbered)`);
      return true;
    }
    const computed = rowHash(this.chain, this.prev, row);
    if (computed !== row.hash) {
      this.mismatch = { row, computed };
      return false;
    }
    if (this.seen.has(row.seq)) this.seen.set(row.seq, row.hash);
    this.prev = row.hash;
    this.expected++;
    return false;
  }

  /** The outcome, given the head the store recorded with its last commit and the anchors. */
  finish(): VerifyResult {
    if (this.result) return this.result;
    const chain = this.chain;
    const head = this.opts.head ?? null;
    if (this.mismatch) {
      const { row, computed } = this.mismatch;
      return this.fail(row.seq, `seq ${row.seq}: ${classifyMismatch(chain, row, computed, null, head)}`);
    }
    const lastSeq = this.expected - 1;
    const notes: string[] = [];
    for (const a of this.anchors) {
      if (a.seq > lastSeq) {
        return this.fail(lastSeq + 1, `${a.source} says seq ${a.seq}, journal ends at ${lastSeq}: ${lastSeq + 1 === a.seq ? `seq ${a.seq}` : `${lastSeq + 1}..${a.seq}`} lost`);
      }
      if (this.seen.get(a.seq) !== a.hash) {
        return this.fail(a.seq, `seq ${a.seq}: hash differs from ${a.source} (journal rewritten or replaced)`);
      }
      if (a.mac !== undefined && chain.key !== null && a.mac !== headMac(chain, a.seq, a.hash)) {
        return this.fail(a.seq, `seq ${a.seq}: ${a.source} does not verify with the key (anchor forged)`);
      }
      if (a.seq < lastSeq) {
        const range = a.seq + 1 === lastSeq ? `seq ${lastSeq}` : `seq ${a.seq + 1}..${lastSeq}`;
        if (a.end) return this.fail(a.seq + 1, `${range} added after the head ${a.source} anchors (seq ${a.seq})`);
        notes.push(`${range} not covered by ${a.source} (seq ${a.seq})`);
      }
    }
    const headProblem = checkRecordedHead(chain, head, this.opts.requireHead ?? false, lastSeq, this.prev);
    if (headProblem) return this.fail(headProblem.seq, headProblem.reason);
    return {
      ok: true, records: lastSeq, lastSeq, headHash: this.prev, format: chain.format, keyed: chain.key !== null,
      anchors: this.anchors.map((a) => `${a.source} (seq ${a.seq})`), notes,
    };
  }

  private fail(firstBadSeq: number, reason: string): VerifyResult {
    return { ok: false, records: this.expected - 1, firstBadSeq, reason };
  }
}

function checkRecordedHead(
  chain: JournalChain, head: VerifyOptions['head'], required: boolean, lastSeq: number, lastHash: string,
): { seq: number; reason: string } | null {
  if (!head) return required ? { seq: lastSeq, reason: `seq ${lastSeq}: no recorded head (the journal_head row was removed)` } : null;
  if (head.seq > lastSeq) {
    return { seq: lastSeq + 1, reason: `seq ${lastSeq + 1} missing: journal truncated (${lastSeq === 0 ? 'no rows' : `last row is seq ${lastSeq}`}, recorded head is seq ${head.seq})` };
  }
  if (head.seq < lastSeq) return { seq: head.seq + 1, reason: `seq ${head.seq + 1}: rows after the recorded head (seq ${head.seq}) were added outside the journal` };
  if (head.hash !== lastHash) return { seq: lastSeq, reason: `seq ${lastSeq}: hash differs from the recorded head (journal rewritten)` };
  const mac = 'mac' in head ? head.mac : undefined;
  if (chain.key !== null && mac !== undefined && mac !== headMac(chain, head.seq, head.hash)) {
    return { seq: lastSeq, reason: `seq ${lastSeq}: the recorded head does not verify with the key (head moved without the key: rows cut off the end?)` };
  }
  return null;
}

/**
 * Tells an altered record from an altered stored hash by looking one link further: the next
 * row (or the recorded head) was chained from the hash as originally written.
 */
function classifyMismatch(
  chain: JournalChain, row: VerifyRow, computed: string, next: VerifyRow | null, head: VerifyOptions['head'],
): string {
  if (next !== null && next.seq === row.seq + 1) {
    if (rowHash(chain, row.hash, next) === next.hash) return 'hash mismatch (record altered)';
    if (rowHash(chain, computed, next) === next.hash) return 'stored hash altered (the record still chains; its hash column was changed)';
    return 'hash mismatch (record altered, moved or renumbered)';
  }
  if (next === null && head && head.seq === row.seq) {
    if (head.hash === row.hash) return 'hash mismatch (record altered)';
    if (head.hash === computed) return 'stored hash altered (the record matches the recorded head; its hash column was changed)';
  }
  return 'hash mismatch (record or its stored hash altered)';
}

export interface VerifyJournalOptions {
  /** Key of a keyed journal (default: RECKON_JOURNAL_KEY). A keyed journal without it throws USAGE. */
  readonly key?: Buffer | null;
  /** Anchors from outside the file (summary.json, --expect-head); the head file is added automatically. */
  readonly anchors?: readonly Anchor[];
}

/**
 * Verifies a SQLite journal file in constant memory, reading one consistent snapshot, against
 * its recorded head, its head file (`<journal>.head`, if present) and `opts.anchors`.
 * Throws ReckonError 'BAD_INPUT' when the file is not a Reckon journal and 'USAGE' for a keyed
 * journal without its key; a damaged database (SQLite reports corruption) is a failed
 * verification, not an exception. With a key, an unkeyed journal fails (it could have been
 * re-chained by anyone).
 *
 * @example
 * const r = verifyJournal('out/run/journal.db', { anchors: [{ seq: 41, hash: 'c0…', source: 'summary.json', end: true }] });
 * // { ok: false, records: 41, firstBadSeq: 42, reason: 'seq 42..44 added after the head summary.json anchors (seq 41)' }
 */
export function verifyJournal(path: string, opts: VerifyJournalOptions = {}): VerifyResult {
  const key = opts.key === undefined ? journalKeyFromEnv() : opts.key;
  let opened: ReturnType<typeof openJournalDatabase>;
  try {
    opened = openJournalDatabase(path, { readonly: true });
  } catch (err) {
    if (err instanceof ReckonError && err.code === 'JOURNAL_INTEGRITY') return { ok: false, records: 0, firstBadSeq: 1, reason: err.message };
    let lost: string | null = null;
    try { lost = lossOfWholeJournal(path, readHeadFile(path)); } catch { /* no usable head file: report the open error */ }
    if (lost) return { ok: false, records: 0, firstBadSeq: 1, reason: lost };
    throw err;
  }
  const { db, info } = opened;
  let seen = 0;
  let lastSeen = 0;
  try {
    if (info.keyed && key === null) {
      throw new ReckonError('USAGE', `${path}: journal is keyed (HMAC-SHA256, key id ${info.keyId ?? '?'}): set ${JOURNAL_KEY_ENV} to verify it`);
    }
    if (!info.keyed && key !== null) {
      return { ok: false, records: 0, firstBadSeq: 1,
        reason: `journal is not keyed (format ${info.format}, plain SHA-256 chain) but ${JOURNAL_KEY_ENV} is set: anyone could have re-chained it; unset ${JOURNAL_KEY_ENV} to verify it unkeyed` };
    }
    const chain: JournalChain = { format: info.format, key: info.keyed ? key : null };
    const anchors = [...(opts.anchors ?? [])];
    const headFile = readHeadFileAnchor(path, info);
    if (typeof headFile === 'string') return { ok: false, records: 0, firstBadSeq: 1, reason: headFile };
    if (headFile) anchors.push(headFile);
    db.exec('BEGIN');
    try {
      const head = readRecordedHead(db, info.format);
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
      const result = verifyRecords(rows(), { head, requireHead: info.format === 2, chain, anchors });
      if (!result.ok && chain.key !== null && info.keyId !== null && info.keyId !== keyId(chain.key)) {
        return { ...result, reason: `${result.reason} — note: the journal was keyed with key id ${info.keyId}, ${JOURNAL_KEY_ENV} has key id ${keyId(chain.key)} (wrong key?)` };
      }
      if (result.ok && info.format === 1) {
        return { ...result, notes: [...result.notes, 'format 1 (legacy encoding: NULL and "" are hashed alike)'] };
      }
      return result;
    } finally {
      if (db.inTransaction) db.exec('COMMIT');
    }
  } catch (err) {
    const mapped = journalFileError(path, err);
    if (mapped instanceof ReckonError && mapped.code === 'JOURNAL_INTEGRITY') {
      return { ok: false, records: seen, firstBadSeq: lastSeen + 1, reason: `database corrupt after seq ${lastSeen} (${(err as Error).message})` };
    }
    throw mapped;
  } finally {
    db.close();
  }
}

/** The head file as an anchor; a string when it cannot vouch for this journal (the reason). */
function readHeadFileAnchor(path: string, info: { format: number; keyed: boolean }): Anchor | string | null {
  const source = `head file ${headFilePath(path)}`;
  let h;
  try {
    h = readHeadFile(path);
  } catch (err) {
    return (err as Error).message;
  }
  if (h === null) return null;
  if (h.format !== info.format || h.keyed !== info.keyed) {
    return `${source} is for a format ${h.format} ${h.keyed ? 'keyed' : 'unkeyed'} journal; this is format ${info.format} ${info.keyed ? 'keyed' : 'unkeyed'} (journal replaced or downgraded)`;
  }
  return { seq: h.seq, hash: h.hash, source, end: false, mac: h.keyed ? h.mac : undefined };
}
