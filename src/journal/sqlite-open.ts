/**
 * What a writer checks before it continues a journal: its tail must be the head recorded with
 * the last commit (inside the file) and what the head file says (outside it), and a keyed
 * journal's last link must verify with the key. Anything else means records were lost or the
 * journal was rewritten, and appending would hide it.
 */
import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { ReckonError } from '../domain/errors.js';
import { canonicalText, headMac, linkHash, type JournalChain } from './hash.js';
import { headFilePath, type HeadFile } from './head-file.js';
import { openJournalDatabase, readLastRow, readRecordedHead, SELECT_ROWS, type JournalInfo, type JournalRow } from './sqlite-schema.js';
import { GENESIS_HASH } from './store.js';

const integrity = (path: string, what: string): ReckonError =>
  new ReckonError('JOURNAL_INTEGRITY', `${path}: ${what}; run 'reckon journal verify ${path}'`);

/**
 * Throws JOURNAL_INTEGRITY unless the journal's last row matches its recorded head, the head
 * file (when there is one) and, keyed, the key.
 *
 * @example
 * checkWriterTail(db, 'out/serve/journal.db', info, chain, readHeadFile('out/serve/journal.db'));
 */
export function checkWriterTail(db: Database.Database, path: string, info: JournalInfo, chain: JournalChain, headFile: HeadFile | null): void {
  const last = readLastRow(db);
  const recorded = readRecordedHead(db, info.format);
  if (recorded === null && info.format === 2) throw integrity(path, 'no recorded head (the journal_head row was removed)');
  if (recorded && (recorded.seq !== last.lastSeq || recorded.hash !== last.headHash)) {
    throw integrity(path, `last row (seq ${last.lastSeq}) does not match the recorded head (seq ${recorded.seq})`);
  }
  if (chain.key !== null) {
    if (recorded && recorded.mac !== headMac(chain, recorded.seq, recorded.hash)) throw integrity(path, `the recorded head (seq ${recorded.seq}) does not verify with the key`);
    const tail = db.prepare(`${SELECT_ROWS} ORDER BY seq DESC LIMIT 2`).all() as JournalRow[];
    const [row, before] = tail;
    if (row) {
      const prev = before?.hash ?? GENESIS_HASH;
      const hash = linkHash(chain, prev, canonicalText(chain.format, row.seq, row.ts, row.type, row.account, row.instrument,
        row.correlation_id, row.causation_seq, row.schema, row.payload));
      if (hash !== row.hash) throw integrity(path, `seq ${row.seq} does not verify with the key`);
    }
  }
  if (headFile === null) return;
  const source = `head file ${headFilePath(path)}`;
  if (headFile.format !== info.format || headFile.keyed !== (chain.key !== null)) {
    throw integrity(path, `${source} is for a format ${headFile.format} ${headFile.keyed ? 'keyed' : 'unkeyed'} journal (journal replaced)`);
  }
  if (headFile.seq > last.lastSeq) {
    const lost = headFile.seq === last.lastSeq + 1 ? `seq ${headFile.seq}` : `${last.lastSeq + 1}..${headFile.seq}`;
    throw integrity(path, `${source} says seq ${headFile.seq}, journal ends at ${last.lastSeq}: ${lost} lost`);
  }
  const at = headFile.seq === 0 ? GENESIS_HASH : (db.prepare('SELECT hash FROM journal WHERE seq = ?').pluck().get(headFile.seq) as string | undefined);
  if (at !== headFile.hash) throw integrity(path, `seq ${headFile.seq} differs from ${source} (journal replaced or rewritten)`);
  if (chain.key !== null && headFile.mac !== headMac(chain, headFile.seq, headFile.hash)) throw integrity(path, `${source} does not verify with the key`);
}

/**
 * The loss a head file reports for a journal file that is missing or has no tables at all (its
 * whole content was still in a lost WAL); null when the file is a journal or nothing is anchored.
 *
 * @example
 * lossOfWholeJournal('out/serve/journal.db', readHeadFile('out/serve/journal.db'))
 * // 'head file out/serve/journal.db.head says seq 812, journal ends at 0: 1..812 lost'
 */
export function lossOfWholeJournal(path: string, headFile: HeadFile | null): string | null {
  if (headFile === null || headFile.seq === 0) return null;
  const lost = `head file ${headFilePath(path)} says seq ${headFile.seq}, journal ends at 0: ${headFile.seq === 1 ? 'seq 1' : `1..${headFile.seq}`} lost`;
  if (!existsSync(path)) return `${lost} (no journal file)`;
  try {
    openJournalDatabase(path, { readonly: true }).db.close();
    return null;
  } catch (err) {
    return err instanceof ReckonError && /empty database/.test(err.message) ? `${lost} (the database file is empty)` : null;
  }
}
