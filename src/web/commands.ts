/**
 * The `reckon trace` and `reckon report` commands' work, also called at the end of `reckon run`
 * and `reckon demo`. Both write one self-contained HTML file; the report writes orders.csv,
 * fills.csv and positions.csv beside it.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { parseJournalSpec, withLocalJournal } from '../journal/open-any.js';
import type { JournalRecord } from '../records/records.js';
import { writeCsvExports } from '../report/csv-exports.js';
import { readJournal } from './load.js';
import { buildReportHtml } from './report-html.js';
import { readRunFiles, type RunFiles } from './run-files.js';
import { buildTraceHtml } from './trace-html.js';

function writeFile(outFile: string, text: string): void {
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, text);
}

/** `reckon trace JOURNAL -o FILE.html` (a SQLite file or a postgres:// URL). */
export async function writeTrace(journalPath: string, outFile: string): Promise<void> {
  const spec = parseJournalSpec(journalPath);
  const title = `Reckon trace · ${spec.kind === 'postgres' ? spec.name : basename(dirname(journalPath))}`;
  await withLocalJournal(spec, (path) => writeFile(outFile, buildTraceHtml(readJournal(path), { title, source: spec.label })));
}

/** Resolves a journal file or a run directory to the journal and the run's other files (none for a URL). */
export function resolveRun(journalOrDir: string): { journal: string; dir: string | null } {
  if (parseJournalSpec(journalOrDir).kind === 'postgres') return { journal: journalOrDir, dir: null };
  const isDir = existsSync(journalOrDir) && statSync(journalOrDir).isDirectory();
  const journal = isDir ? join(journalOrDir, 'journal.db') : journalOrDir;
  return { journal, dir: isDir ? journalOrDir : dirname(journalOrDir) };
}

/**
 * `reckon report JOURNAL_OR_DIR -o FILE.html`. For a directory (or a journal inside a run
 * directory) summary.json, equity.csv and prices.csv are read from it when present; `runDir`
 * names that directory explicitly (a postgres:// journal has none of its own).
 */
export async function writeReport(journalOrDir: string, outFile: string, runDir?: string): Promise<void> {
  const { journal, dir } = resolveRun(journalOrDir);
  const from = runDir ?? dir;
  const files = from === null ? { summary: null, equity: null, prices: null } : readRunFiles(from);
  const spec = parseJournalSpec(journal);
  // The journal is read twice (CSV exports, then the page) so neither pass holds it in memory.
  await withLocalJournal(spec, (path) => {
    const csv = writeCsvExports(readJournal(path), dirname(outFile), files.summary);
    writeReportFrom(readJournal(path), files, outFile, { source: spec.label, csvFiles: csv });
  });
}

/** Writes the report page from records and run files already at hand (tests, the engine). */
export function writeReportFrom(
  records: Iterable<JournalRecord>, files: RunFiles, outFile: string,
  opts: { source?: string; csvFiles?: readonly string[]; title?: string; traceHref?: string | null } = {},
): void {
  const out = dirname(outFile);
  const trace = opts.traceHref !== undefined ? opts.traceHref : 'trace.html';
  writeFile(outFile, buildReportHtml({
    records, summary: files.summary, equity: files.equity, prices: files.prices,
    title: opts.title ?? `Reckon report · ${basename(out)}`, source: opts.source ?? '',
    traceHref: trace, csvFiles: (opts.csvFiles ?? []).map((f) => relative(out, f)),
  }));
}
