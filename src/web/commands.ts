/**
 * The `reckon trace` and `reckon report` commands' work, also called at the end of `reckon run`
 * and `reckon demo`. Both write one self-contained HTML file; the report writes orders.csv,
 * fills.csv and positions.csv beside it. With `verify`, the journal is checked first (as
 * `reckon journal verify` does) and the result is embedded: a page built from a journal that
 * fails verification, or that could not be read to its end, shows a warning banner.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { parseJournalSpec, withLocalJournal } from '../journal/open-any.js';
import type { JournalRecord } from '../records/records.js';
import { writeCsvExports } from '../report/csv-exports.js';
import type { JournalVerification, PageIntegrity } from './data-types.js';
import { readJournalTolerant, verifyForPage } from './load.js';
import { renderReportHtml } from './report-html.js';
import { buildReportData, type ReportInput } from './report-model.js';
import type { RunFiles } from './run-files.js';
import { readRunFiles } from './run-files.js';
import { renderTraceHtml } from './trace-html.js';
import { buildTraceData } from './trace-model.js';

export interface PageOptions {
  /** Check the journal's hash chain first and embed the result (`reckon trace` / `reckon report`). */
  readonly verify?: boolean;
  /** Read summary.json, equity.csv and prices.csv from this directory (a postgres:// journal has none of its own). */
  readonly runDir?: string;
}

function writeFile(outFile: string, text: string): void {
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, text);
}

/**
 * `reckon trace JOURNAL -o FILE.html` (a SQLite file or a postgres:// URL). Returns what the page
 * says of the journal's integrity.
 *
 * @example
 * const integrity = await writeTrace('out/run/journal.db', 'out/run/trace.html', { verify: true });
 * if (integrity.verification?.ok === false) console.error('journal fails verification');
 */
export async function writeTrace(journalPath: string, outFile: string, opts: PageOptions = {}): Promise<PageIntegrity> {
  const spec = parseJournalSpec(journalPath);
  const title = `Reckon trace · ${spec.kind === 'postgres' ? spec.name : basename(dirname(journalPath))}`;
  return withLocalJournal(spec, async (path) => {
    const verification = opts.verify ? await verifyForPage(path) : null;
    const read = readJournalTolerant(path);
    const data = buildTraceData(read.records, { title, source: spec.label });
    const integrity: PageIntegrity = { verification, unreadable: read.unreadable() };
    writeFile(outFile, renderTraceHtml({ ...data, integrity }));
    return integrity;
  });
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
 * directory) summary.json, equity.csv and prices.csv are read from it when present (`runDir`
 * names that directory explicitly). Returns what the page says of the journal's integrity.
 */
export async function writeReport(journalOrDir: string, outFile: string, opts: PageOptions = {}): Promise<PageIntegrity> {
  const { journal, dir } = resolveRun(journalOrDir);
  const from = opts.runDir ?? dir;
  const files: RunFiles = from === null ? { summary: null, equity: null, prices: null } : readRunFiles(from);
  const spec = parseJournalSpec(journal);
  return withLocalJournal(spec, async (path) => {
    const verification: JournalVerification | null = opts.verify ? await verifyForPage(path) : null;
    // The journal is read twice (CSV exports, then the page) so neither pass holds it in memory.
    const forCsv = readJournalTolerant(path);
    const csv = writeCsvExports(forCsv.records, dirname(outFile), files.summary);
    const forPage = readJournalTolerant(path);
    const data = buildReportData(reportInput(forPage.records, files, outFile, { source: spec.label, csvFiles: csv }));
    const integrity: PageIntegrity = { verification, unreadable: forPage.unreadable() ?? forCsv.unreadable() };
    writeFile(outFile, renderReportHtml({ ...data, integrity }));
    return integrity;
  });
}

interface ReportFromOptions {
  readonly source?: string;
  readonly csvFiles?: readonly string[];
  readonly title?: string;
  readonly traceHref?: string | null;
  readonly integrity?: PageIntegrity;
}

function reportInput(records: Iterable<JournalRecord>, files: RunFiles, outFile: string, opts: ReportFromOptions): ReportInput {
  const out = dirname(outFile);
  return {
    records, summary: files.summary, equity: files.equity, prices: files.prices,
    title: opts.title ?? `Reckon report · ${basename(out)}`, source: opts.source ?? '',
    traceHref: opts.traceHref !== undefined ? opts.traceHref : 'trace.html', csvFiles: (opts.csvFiles ?? []).map((f) => relative(out, f)),
    integrity: opts.integrity,
  };
}

/** Writes the report page from records and run files already at hand (tests, the engine). */
export function writeReportFrom(records: Iterable<JournalRecord>, files: RunFiles, outFile: string, opts: ReportFromOptions = {}): void {
  writeFile(outFile, renderReportHtml(buildReportData(reportInput(records, files, outFile, opts))));
}

/**
 * One line per reason a page's journal cannot be trusted (empty when there is none): what the CLI
 * prints, and what the banner says.
 *
 * @example
 * integrityProblems({ verification: { ok: false, firstBadSeq: 42, reason: 'seq 42: hash mismatch (record altered)' }, unreadable: null })
 * // ['fails verification at seq 42: hash mismatch (record altered)']
 */
export function integrityProblems(integrity: PageIntegrity): string[] {
  const out: string[] = [];
  const v = integrity.verification;
  if (v && !v.ok) out.push(`fails verification at seq ${v.firstBadSeq}: ${v.reason.replace(`seq ${v.firstBadSeq}: `, '')}`);
  if (integrity.unreadable) out.push(`could not be read to its end (${integrity.unreadable.reason}); the page shows the records up to seq ${integrity.unreadable.lastReadSeq}`);
  return out;
}
