/**
 * What `--data` points at, checked before anything is written: a regular file (plain or gzip) or
 * a directory of such files, each with a readable header whose layout is understood. Anything
 * else (a missing path, a FIFO, a socket, a device, an empty directory, an unknown instrument in a
 * file name) is a one-line error here, so a failed run leaves no output directory and no journal.
 */
import { readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { ReckonError } from '../domain/errors.js';
import type { Instrument } from '../domain/types.js';
import { readHead, MAX_LINE_BYTES } from './chunks.js';
import { instrumentOfFileName, unknownFileInstrument } from './csv-reader.js';
import { CSV_HEADER, detectLayout, type DataLayoutConfig, type Layout } from './layout.js';

/** File names a directory input reads (anything else in the directory is left alone). */
export const DATA_FILE_RE = /^[^.].*\.(csv|tsv|txt)(\.gz)?$/i;

export interface DataFile {
  /** Path to open, and to name in errors. */
  readonly path: string;
  /** The file's own name: what the journal and rejected rows record. */
  readonly name: string;
  readonly bytes: number;
  readonly gzip: boolean;
  readonly layout: Layout;
  /** The instrument of every row when the layout has no instrument column (from the file name). */
  readonly instrument: string | undefined;
}

export interface MarketDataSource {
  /** The path as given. */
  readonly path: string;
  readonly kind: 'file' | 'directory';
  /** The input's name in the journal: the file's name, or the directory's with a trailing "/". */
  readonly name: string;
  /** Total bytes as stored. */
  readonly bytes: number;
  /** The files, sorted by name (byte order). */
  readonly files: readonly DataFile[];
}

export interface InspectOptions {
  /** The config's `data` section. */
  readonly data?: DataLayoutConfig;
  /** Configured instruments: a file-name instrument must be one of them (omit for `reckon init`). */
  readonly instruments?: ReadonlyMap<string, Instrument>;
}

/**
 * Checks `--data` and reads every file's header.
 *
 * @example
 * const source = await inspectMarketData('bars/', { data: cfg.raw.data, instruments: cfg.instrumentById });
 * source.files.map((f) => f.name) // ['AAPL.csv', 'MSFT.csv.gz']
 */
export async function inspectMarketData(path: string, opts: InspectOptions = {}): Promise<MarketDataSource> {
  const st = await statOf(path, path);
  if (st.isDirectory()) return inspectDirectory(path, opts);
  if (!st.isFile()) throw new ReckonError('USAGE', `${path}: ${kindOf(st)}, not a regular file or a directory; --data reads market data files`);
  const file = await inspectFile(path, basename(path), st.size, opts);
  return { path, kind: 'file', name: file.name, bytes: file.bytes, files: [file] };
}

async function inspectDirectory(path: string, opts: InspectOptions): Promise<MarketDataSource> {
  let names: string[];
  try {
    names = (await readdir(path)).filter((n) => DATA_FILE_RE.test(n));
  } catch (e) {
    throw new ReckonError('USAGE', `${path}: cannot list the directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const files: DataFile[] = [];
  for (const name of names) {
    const full = join(path, name);
    const st = await statOf(full, full);
    if (st.isDirectory()) continue;
    if (!st.isFile()) throw new ReckonError('USAGE', `${full}: ${kindOf(st)}, not a regular file; a data directory holds only files`);
    files.push(await inspectFile(full, name, st.size, opts));
  }
  if (files.length === 0) {
    throw new ReckonError('USAGE', `${path}: no market data files in this directory (expected *.csv, *.tsv or *.txt, optionally .gz)`);
  }
  const byInstrument = new Map<string, string>();
  for (const f of files) {
    if (f.instrument === undefined) continue;
    const other = byInstrument.get(f.instrument);
    if (other !== undefined) throw new ReckonError('BAD_INPUT', `${join(path, other)} and ${f.path} both hold instrument "${f.instrument}" (from their file names, which have no instrument column)`);
    byInstrument.set(f.instrument, f.name);
  }
  const bytes = files.reduce((s, f) => s + f.bytes, 0);
  return { path, kind: 'directory', name: `${basename(path.replace(/[/\\]+$/, '')) || path}/`, bytes, files };
}

async function inspectFile(path: string, name: string, bytes: number, opts: InspectOptions): Promise<DataFile> {
  let head: Buffer;
  let gzip: boolean;
  try {
    ({ head, gzip } = await readHead(path, path));
  } catch (e) {
    if (e instanceof ReckonError) throw e;
    throw new ReckonError('USAGE', `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const s = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  if (head.length <= s) throw new ReckonError('BAD_INPUT', `${path}:1: empty file; expected a header line such as "${CSV_HEADER}"`);
  let nl = head.indexOf(10, s);
  if (nl < 0) {
    if (head.length > MAX_LINE_BYTES) throw new ReckonError('BAD_INPUT', `${path}:1: line longer than ${MAX_LINE_BYTES} bytes; not a bar CSV`);
    nl = head.length;
  }
  const e = nl > s && head[nl - 1] === 13 ? nl - 1 : nl;
  const layout = detectLayout(head.toString('utf8', s, e), opts.data ?? {}, `${path}:1`);
  let instrument: string | undefined;
  if (layout.column[1]! < 0) {
    instrument = instrumentOfFileName(name);
    if (opts.instruments && !opts.instruments.has(instrument)) throw unknownFileInstrument(path, instrument, [...opts.instruments.keys()]);
  }
  return { path, name, bytes, gzip, layout, instrument };
}

async function statOf(path: string, shown: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ReckonError('USAGE', `${shown}: no such market data file or directory`);
    throw new ReckonError('USAGE', `${shown}: cannot read (${code ?? (e as Error).message})`);
  }
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}
