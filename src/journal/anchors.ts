/**
 * Anchors for `journal verify`: heads known from outside the journal file. `--expect-head`
 * takes `SEQ:HASH` or the path of a run's `summary.json`; a run directory brings its own
 * summary. The highest anchor is the journal's end unless growth is allowed (a journal still
 * being written): records past it are then reported, not failed.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ReckonError } from '../domain/errors.js';
import type { Anchor } from './verify.js';

const SEQ_HASH = /^(\d{1,15}):([0-9a-f]{64})$/;

/**
 * Parses one `--expect-head` value: `SEQ:HASH` (hash as 64 lowercase hex) or a path to a
 * summary.json. Throws USAGE for anything else.
 *
 * @example
 * parseAnchorArg('1200:9f86d0…')        // { seq: 1200, hash: '9f86d0…', source: '--expect-head 1200:9f86d0…', end: true }
 * parseAnchorArg('out/run/summary.json') // the head summary.json recorded
 */
export function parseAnchorArg(text: string): Anchor {
  const m = SEQ_HASH.exec(text);
  if (m) return { seq: Number(m[1]), hash: m[2]!, source: `--expect-head ${m[1]}:${m[2]!.slice(0, 12)}…`, end: true };
  if (existsSync(text) && statSync(text).isFile()) return summaryAnchor(text);
  throw new ReckonError('USAGE', `--expect-head: "${text}" is neither SEQ:HASH (a seq and a 64-hex-digit hash) nor a summary.json file`);
}

/** The journal head a run's summary.json recorded, as an anchor the journal must end on. */
export function summaryAnchor(path: string): Anchor {
  let journal: unknown;
  try {
    journal = (JSON.parse(readFileSync(path, 'utf8')) as { journal?: unknown }).journal;
  } catch (err) {
    throw new ReckonError('USAGE', `${path}: not a summary.json (${(err as Error).message})`);
  }
  const j = journal as { lastSeq?: unknown; headHash?: unknown } | undefined;
  if (typeof j !== 'object' || j === null || !Number.isSafeInteger(j.lastSeq) || typeof j.headHash !== 'string' || !/^[0-9a-f]{64}$/.test(j.headHash)) {
    throw new ReckonError('USAGE', `${path}: not a summary.json (no journal.lastSeq / journal.headHash)`);
  }
  return { seq: j.lastSeq as number, hash: j.headHash, source: path, end: true };
}

/**
 * What `journal verify ARG` checks: a journal file, or a run directory's `journal.db` with its
 * `summary.json` as an anchor (a note says so when there is none).
 *
 * @example
 * verifyTarget('out/demo') // { journal: 'out/demo/journal.db', anchors: [summary anchor], notes: [] }
 */
export function verifyTarget(arg: string): { journal: string; anchors: Anchor[]; notes: string[] } {
  if (!existsSync(arg)) {
    // A head file without its journal is a loss to report, not a typo.
    if (existsSync(`${arg}.head`)) return { journal: arg, anchors: [], notes: [] };
    throw new ReckonError('USAGE', `${arg}: no such file or directory`);
  }
  if (!statSync(arg).isDirectory()) {
    const beside = join(dirname(arg), 'summary.json');
    const hint = basename(arg) === 'journal.db' && existsSync(beside) ? [`${beside} is beside it: verify the directory to check against it`] : [];
    return { journal: arg, anchors: [], notes: hint };
  }
  const journal = join(arg, 'journal.db');
  if (!existsSync(journal)) throw new ReckonError('USAGE', `${arg}: a directory without journal.db (give the journal file or a run directory)`);
  const summary = join(arg, 'summary.json');
  return existsSync(summary)
    ? { journal, anchors: [summaryAnchor(summary)], notes: [] }
    : { journal, anchors: [], notes: [`no summary.json in ${arg}`] };
}

/** Only the highest anchor may demand the end of the journal, and not with `allowGrowth`. */
export function endAnchors(anchors: readonly Anchor[], allowGrowth: boolean): Anchor[] {
  const top = Math.max(...anchors.map((a) => a.seq));
  return anchors.map((a) => ({ ...a, end: !allowGrowth && a.end && a.seq === top }));
}
