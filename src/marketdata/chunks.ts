/**
 * Reading a data file as runs of complete lines, plain or gzip-compressed, without ever holding
 * the whole file: the reader pulls one chunk of lines at a time while the next read is in flight.
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ReckonError } from '../domain/errors.js';

/** Longest accepted line; a bar row is well under 200 bytes, so anything longer is not a bar CSV. */
export const MAX_LINE_BYTES = 64 * 1024;
export const DEFAULT_HIGH_WATER_MARK = 1 << 20;
const LF = 10;

/** True when the bytes start like a gzip member (RFC 1952 magic 1f 8b). */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Fills buf[offset, offset + length) with the next bytes of the content; 0 at the end. */
interface ByteSource {
  read(buf: Buffer, offset: number, length: number): Promise<number>;
  close(): Promise<void>;
}

/** A plain file: reads straight into the buffer. `onRaw` sees every byte of the file in order. */
function fileSource(fh: FileHandle, onRaw: ((b: Buffer) => void) | undefined): ByteSource {
  return {
    async read(buf, offset, length) {
      const { bytesRead } = await fh.read(buf, offset, length, null);
      if (onRaw && bytesRead > 0) onRaw(buf.subarray(offset, offset + bytesRead));
      return bytesRead;
    },
    close: () => fh.close(),
  };
}

/** A gzip file, decompressed as a stream. `onRaw` sees the compressed bytes (the file as stored). */
function gzipSource(path: string, display: string, onRaw: ((b: Buffer) => void) | undefined): ByteSource {
  const raw = createReadStream(path, { highWaterMark: DEFAULT_HIGH_WATER_MARK });
  if (onRaw) raw.on('data', (c) => onRaw(c as Buffer));
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  pipeline(raw, gunzip, () => undefined);
  const it = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let cur: Buffer | undefined;
  let at = 0;
  return {
    async read(buf, offset, length) {
      while (cur === undefined || at >= cur.length) {
        let r: IteratorResult<Buffer>;
        try {
          r = await it.next();
        } catch (e) {
          throw new ReckonError('BAD_INPUT', `${display}: not a readable gzip file (${(e as Error).message})`);
        }
        if (r.done) return 0;
        cur = r.value;
        at = 0;
      }
      const n = Math.min(length, cur.length - at);
      cur.copy(buf, offset, at, at + n);
      at += n;
      return n;
    },
    async close() {
      raw.destroy();
      gunzip.destroy();
    },
  };
}

/**
 * Runs of complete lines of one file: after `next()` resolves true, `b[start..end]` holds whole
 * lines and `b[end]` is a line feed. Double-buffered (the next read is in flight while the caller
 * parses); the partial last line is carried in front of the next chunk (each buffer keeps
 * MAX_LINE_BYTES free at its start for it); a final unterminated line gets a virtual LF.
 *
 * @example
 * const chunks = await LineChunks.open('bars.csv.gz', 'bars.csv.gz', 1 << 20, (raw) => hash.update(raw), tooLong);
 * try { while (await chunks.next()) parse(chunks.b, chunks.start, chunks.end); } finally { await chunks.close(); }
 */
export class LineChunks {
  b: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  /** The file's size (as stored). */
  readonly totalBytes: number;
  private readonly bufs: [Buffer, Buffer];
  private readonly carryBuf = Buffer.allocUnsafe(MAX_LINE_BYTES);
  private cur = 0;
  private carry = 0;
  private done = false;
  private overflow = false;
  private pending: Promise<number> | undefined;

  private constructor(
    private readonly src: ByteSource,
    totalBytes: number,
    private readonly hwm: number,
    private readonly tooLong: () => never,
    private readonly raw: { bytes: number },
  ) {
    this.totalBytes = totalBytes;
    const size = MAX_LINE_BYTES + hwm + 1;
    this.bufs = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
    this.pending = src.read(this.bufs[0], MAX_LINE_BYTES, hwm);
  }

  /**
   * Opens `path` (gzip when its first bytes are the gzip magic, whatever its name). `display`
   * names the file in errors; `onRaw` sees every byte of the file as stored, in order (hashing).
   */
  static async open(path: string, display: string, highWaterMark: number, onRaw: ((b: Buffer) => void) | undefined, tooLong: () => never): Promise<LineChunks> {
    const raw = { bytes: 0 };
    const { src, totalBytes } = await openSource(path, display, (b) => {
      raw.bytes += b.length;
      onRaw?.(b);
    });
    return new LineChunks(src, totalBytes, Math.max(1, Math.floor(highWaterMark)), tooLong, raw);
  }

  /** Bytes of the file read so far, as stored (compressed bytes for gzip). */
  get bytesRead(): number {
    return this.raw.bytes;
  }

  /** Advances to the next run of complete lines; false at the end of the file. */
  async next(): Promise<boolean> {
    const R = MAX_LINE_BYTES;
    for (;;) {
      // A partial line longer than the limit is reported after the complete lines before it.
      if (this.overflow) this.tooLong();
      if (this.done) return false;
      const bytesRead = await this.pending!;
      this.pending = undefined;
      const b = this.bufs[this.cur]!;
      if (bytesRead === 0) {
        this.done = true;
        if (this.carry === 0) return false;
        this.carryBuf.copy(b, R - this.carry, 0, this.carry);
        b[R] = LF;
        this.set(b, R - this.carry, R);
        this.carry = 0;
        return true;
      }
      // The buffer the caller parsed last is free again: read ahead into it.
      this.cur ^= 1;
      this.pending = this.src.read(this.bufs[this.cur]!, R, this.hwm);
      const limit = R + bytesRead;
      const start = R - this.carry;
      if (this.carry > 0) this.carryBuf.copy(b, start, 0, this.carry);
      // The carried part holds no LF, so only the new bytes need searching.
      const found = b.subarray(R, limit).lastIndexOf(LF);
      const lastLf = found < 0 ? -1 : R + found;
      this.carry = found < 0 ? limit - start : limit - (lastLf + 1);
      if (this.carry > R) {
        if (found < 0) this.tooLong();
        this.overflow = true;
      } else if (this.carry > 0) {
        b.copy(this.carryBuf, 0, limit - this.carry, limit);
      }
      if (found >= 0) {
        this.set(b, start, lastLf);
        return true;
      }
    }
  }

  private set(b: Buffer, start: number, end: number): void {
    this.b = b;
    this.start = start;
    this.end = end;
  }

  async close(): Promise<void> {
    if (this.pending) await this.pending.catch(() => undefined);
    this.pending = undefined;
    await this.src.close();
  }
}

/** Opens a file's content: plain, or gunzipped when it starts with the gzip magic. */
async function openSource(path: string, display: string, onRaw: ((b: Buffer) => void) | undefined): Promise<{ src: ByteSource; totalBytes: number; gzip: boolean }> {
  const fh = await open(path, 'r');
  try {
    const totalBytes = (await fh.stat()).size;
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    if (isGzip(head.subarray(0, bytesRead))) {
      await fh.close();
      return { src: gzipSource(path, display, onRaw), totalBytes, gzip: true };
    }
    return { src: fileSource(fh, onRaw), totalBytes, gzip: false };
  } catch (e) {
    await fh.close().catch(() => undefined);
    throw e;
  }
}

/**
 * The first bytes of a file's content (decompressed when gzip), up to `max`: for the layout
 * checks before a run starts.
 *
 * @example
 * const { head, gzip } = await readHead('bars.csv.gz', 'bars.csv.gz');
 */
export async function readHead(path: string, display: string, max = MAX_LINE_BYTES + 2): Promise<{ head: Buffer; gzip: boolean }> {
  const { src, gzip } = await openSource(path, display, undefined);
  try {
    const out = Buffer.allocUnsafe(max);
    let n = 0;
    while (n < max) {
      const r = await src.read(out, n, max - n);
      if (r === 0) break;
      n += r;
    }
    return { head: out.subarray(0, n), gzip };
  } finally {
    await src.close();
  }
}
