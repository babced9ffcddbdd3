/**
 * The column layout of a bar CSV, found from its header line: which column holds which field,
 * the delimiter, the columns that are ignored. Names are matched case-insensitively against a
 * list of aliases, or taken from the config's explicit mapping (`data.columns`).
 */
import { ReckonError } from '../domain/errors.js';
import type { TimestampUnit } from './timestamp-reader.js';

/** The fields of a bar, in the canonical column order. */
export const FIELDS = ['ts', 'instrument', 'open', 'high', 'low', 'close', 'volume'] as const;
export type Field = (typeof FIELDS)[number];

/** The canonical header (the fast path's layout). */
export const CSV_HEADER = FIELDS.join(',');

/** Accepted header names per field (compared trimmed, unquoted and lower-cased). */
export const ALIASES: Readonly<Record<Field, readonly string[]>> = {
  ts: ['ts', 'timestamp', 'time', 'date', 'datetime'],
  instrument: ['instrument', 'symbol', 'ticker', 'pair'],
  open: ['open', 'o'],
  high: ['high', 'h'],
  low: ['low', 'l'],
  close: ['close', 'c'],
  volume: ['volume', 'vol', 'v'],
};

export type Delimiter = ',' | ';' | '\t';
export const DELIMITERS: readonly Delimiter[] = [',', ';', '\t'];

/** The config's `data` section: how to read the market data when detection is not wanted. */
export interface DataLayoutConfig {
  /** Header name per field; fields not given are found by alias. */
  readonly columns?: Partial<Readonly<Record<Field, string>>>;
  readonly delimiter?: Delimiter;
  readonly timestamp?: TimestampUnit;
}

export interface Layout {
  readonly delimiter: Delimiter;
  /** Header names as written in the file. */
  readonly header: readonly string[];
  /** Column index per field in FIELDS order; instrument is -1 when the file has no such column. */
  readonly column: readonly number[];
  /** Names of the columns no field uses (read past, never parsed). */
  readonly ignored: readonly string[];
  /** Comma-delimited, exactly the 7 fields in canonical order: the reader's fast path. */
  readonly canonical: boolean;
}

const norm = (name: string): string => name.trim().replace(/^"(.*)"$/, '$1').trim().toLowerCase();
const show = (d: Delimiter): string => (d === '\t' ? 'tab' : `"${d}"`);

/**
 * Finds the layout of a header line. `where` prefixes errors (`bars.csv:1`).
 *
 * @example
 * detectLayout('Timestamp;Symbol;Open;High;Low;Close;Volume;Trades', {}, 'x.csv:1')
 * // { delimiter: ';', column: [0, 1, 2, 3, 4, 5, 6], ignored: ['Trades'], canonical: false, ... }
 */
export function detectLayout(headerLine: string, cfg: DataLayoutConfig, where: string): Layout {
  const tries = (cfg.delimiter ? [cfg.delimiter] : DELIMITERS).map((d) => mapColumns(headerLine, d, cfg));
  const ok = tries.filter((t) => t.problem === undefined).sort((a, b) => b.header.length - a.header.length)[0];
  if (ok) return ok.layout!;
  // Report the reading that split the header into the most columns: the likeliest delimiter.
  const best = [...tries].sort((a, b) => b.header.length - a.header.length)[0]!;
  const split = best.header.length > 1 || cfg.delimiter ? ` (split at ${show(best.delimiter)})` : ' (no , ; or tab found)';
  throw new ReckonError('BAD_INPUT', `${where}: header "${clip(headerLine)}"${split}: ${best.problem}`);
}

interface Attempt { delimiter: Delimiter; header: string[]; problem?: string; layout?: Layout }

function mapColumns(line: string, delimiter: Delimiter, cfg: DataLayoutConfig): Attempt {
  const header = line.split(delimiter);
  const names = header.map(norm);
  const column: number[] = [];
  const taken = new Map<number, Field>();
  const problems: string[] = [];
  const missing: Field[] = [];
  const explicit = cfg.columns ?? {};
  for (const f of FIELDS) {
    const wanted = explicit[f];
    let found: number[];
    if (wanted !== undefined) {
      found = names.flatMap((n, i) => (n === norm(wanted) ? [i] : []));
      if (found.length === 0) problems.push(`data.columns.${f}: no column named "${wanted}"`);
    } else {
      found = names.flatMap((n, i) => (ALIASES[f].includes(n) && !Object.values(explicit).some((w) => norm(w ?? '') === n) ? [i] : []));
      if (found.length === 0 && f !== 'instrument') missing.push(f);
    }
    if (found.length > 1) {
      problems.push(`columns ${found.map((i) => `"${header[i]!.trim()}"`).join(' and ')} both name the ${f}; choose one with data.columns.${f}`);
    }
    const idx = found.length === 1 ? found[0]! : -1;
    if (idx >= 0 && taken.has(idx)) problems.push(`column "${header[idx]!.trim()}" is mapped to both ${taken.get(idx)} and ${f}`);
    if (idx >= 0) taken.set(idx, f);
    column.push(idx);
  }
  if (missing.length === 1) {
    const f = missing[0]!;
    problems.unshift(`no ${f} column (accepted names: ${ALIASES[f].join(', ')}; or set data.columns.${f})`);
  } else if (missing.length > 1) {
    problems.unshift(`no ${missing.join(', ')} columns (accepted names: ${missing.map((f) => ALIASES[f].join('|')).join(', ')}; or map them with data.columns)`);
  }
  if (problems.length > 0) return { delimiter, header, problem: problems.join('; ') };
  const ignored = header.flatMap((h, i) => (taken.has(i) ? [] : [h.trim()]));
  const canonical = delimiter === ',' && header.length === FIELDS.length && column.every((c, i) => c === i);
  return { delimiter, header, layout: { delimiter, header, column, ignored, canonical } };
}

function clip(s: string): string {
  const t = s.replaceAll('\t', '\\t');
  return t.length > 120 ? t.slice(0, 120) + '…' : t;
}
