/**
 * Quarantine file for rows the CSV reader refused: nothing is dropped silently, every bad row
 * lands here with its line number and reason, next to the run's other outputs.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import type { RejectedRow } from './bar.js';

/** RFC 4180 quoting: always quoted, inner quotes doubled (so commas, quotes and newlines survive). */
function quote(text: string): string {
  return '"' + text.replaceAll('"', '""') + '"';
}

/**
 * Writes rejected rows as CSV `file,line,reason,raw` (file, reason and raw always quoted; file is
 * the data file's name, which tells the files of a directory input apart). The file is created
 * on the first row only, so a clean input leaves no quarantine file behind.
 *
 * @example
 * const q = new QuarantineWriter('out/rejected-rows.csv');
 * await readBars({ ..., badRows: 'quarantine', onRejected: (r) => q.write(r) });
 * await q.close();
 */
export class QuarantineWriter {
  private stream: WriteStream | undefined;
  private error: Error | undefined;
  private rows = 0;
  private closed = false;

  constructor(readonly path: string) {}

  /** Number of rows written so far. */
  get count(): number {
    return this.rows;
  }

  /** Queues one rejected row (synchronous; the stream writes it in the background). */
  write(row: RejectedRow): void {
    if (this.error) throw this.error;
    if (this.closed) throw new Error(`quarantine file ${this.path} is already closed`);
    if (!this.stream) {
      mkdirSync(dirname(this.path), { recursive: true });
      const s = createWriteStream(this.path, { flags: 'w' });
      s.on('error', (err) => {
        this.error ??= err;
      });
      s.write('file,line,reason,raw\n');
      this.stream = s;
    }
    this.stream.write(`${quote(row.file)},${row.line},${quote(row.reason)},${quote(row.raw)}\n`);
    this.rows++;
  }

  /** Flushes and closes the file (if any row was written); rejects on a write error. */
  async close(): Promise<void> {
    const s = this.stream;
    this.stream = undefined;
    this.closed = true;
    if (s) {
      s.end();
      await finished(s).catch((err: unknown) => {
        this.error ??= err instanceof Error ? err : new Error(String(err));
      });
    }
    if (this.error) throw this.error;
  }
}
