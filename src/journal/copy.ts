/**
 * `reckon journal copy FROM TO`: a journal moved between stores (SQLite file <-> PostgreSQL, or
 * within one kind) with every record and the same head hash. Each record is appended to the
 * target through the target's own sealing (the one `sealRecord`), and must come out with the
 * seq and hash it had in the source, so the copy proves the chain as it goes.
 */
import { ReckonError } from '../domain/errors.js';
import type { AnyDraft, JournalRecord } from '../records/records.js';
import { openJournalReader, openJournalWriter, parseJournalSpec, type JournalSpec } from './open-any.js';

export interface CopyResult {
  readonly records: number;
  readonly lastSeq: number;
  readonly headHash: string;
}

/** Records per target commit: bounded memory, and a failed copy leaves a verified prefix. */
const COPY_BATCH = 5000;

/**
 * Verifies the source, copies its records into an empty target, then verifies the target and
 * compares heads. Refuses (USAGE) a non-empty target and (JOURNAL_INTEGRITY) a broken source.
 * Records the source's writer commits during the copy are not included: the copy ends at the
 * head the source had when it was verified.
 *
 * @example
 * await copyJournal('out/run/journal.db', 'postgres://postgres@127.0.0.1:5432/test?journal=run1');
 */
export async function copyJournal(
  fromSpec: string | JournalSpec, toSpec: string | JournalSpec, onProgress?: (copied: number, total: number) => void,
): Promise<CopyResult> {
  const from = typeof fromSpec === 'string' ? parseJournalSpec(fromSpec) : fromSpec;
  const to = typeof toSpec === 'string' ? parseJournalSpec(toSpec) : toSpec;
  if (from.label === to.label) throw new ReckonError('USAGE', `journal copy: source and target are the same journal (${from.label})`);
  const source = await openJournalReader(from);
  try {
    const checked = await source.verify();
    if (!checked.ok) {
      throw new ReckonError('JOURNAL_INTEGRITY', `${from.label}: broken at seq ${checked.firstBadSeq}: ${checked.reason}; nothing copied`);
    }
    const target = await openJournalWriter(to, { durability: 'normal', batchSize: COPY_BATCH });
    let copied = 0;
    try {
      if (target.lastSeq() > 0) throw new ReckonError('USAGE', `${to.label}: target journal is not empty (${target.lastSeq()} records); copy into a new journal`);
      for await (const rec of source.records(1)) {
        if (rec.seq > checked.lastSeq) break;
        const sealed = target.append(draftOf(rec));
        if (sealed.seq !== rec.seq || sealed.hash !== rec.hash) {
          throw new ReckonError('JOURNAL_INTEGRITY', `${from.label}: seq ${rec.seq} does not re-seal to its stored hash in the target; copy stopped`);
        }
        if (++copied % COPY_BATCH === 0) {
          await target.commit();
          onProgress?.(copied, checked.lastSeq);
        }
      }
      if (copied !== checked.lastSeq) throw new ReckonError('JOURNAL_INTEGRITY', `${from.label}: read ${copied} records, verified ${checked.lastSeq}`);
      await target.close();
    } catch (err) {
      await target.close().catch(() => undefined);
      if (err instanceof ReckonError && err.code === 'USAGE') throw err;
      const kept = target.committedSeq();
      throw err instanceof ReckonError
        ? new ReckonError(err.code, `${err.message}${kept > 0 ? ` (target ${to.label} holds seq 1..${kept})` : ''}`)
        : err;
    }
    onProgress?.(copied, checked.lastSeq);
    const copy = await openJournalReader(to);
    try {
      const again = await copy.verify();
      if (!again.ok || again.headHash !== checked.headHash) {
        throw new ReckonError('JOURNAL_INTEGRITY', `${to.label}: copy does not verify to the source head (${again.ok ? `head ${again.headHash}` : again.reason})`);
      }
    } finally {
      await copy.close();
    }
    return { records: checked.records, lastSeq: checked.lastSeq, headHash: checked.headHash };
  } finally {
    await source.close();
  }
}

/** The draft a stored record was sealed from. */
function draftOf(r: JournalRecord): AnyDraft {
  return {
    ts: r.ts, type: r.type, account: r.account, instrument: r.instrument, correlationId: r.correlationId,
    causationSeq: r.causationSeq, payload: r.payload,
  } as AnyDraft;
}
