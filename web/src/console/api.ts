/**
 * The console's API client: same origin only, the token in `Authorization: Bearer`, errors as
 * `{ error: { code, message } }`. The record stream is server-sent events read with fetch() and a
 * ReadableStream (EventSource cannot send a header), reconnecting with backoff.
 */
import type { JournalRecord } from './types';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) { super(message); }
}

async function errorOf(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const j = (await res.json()) as { error?: { code?: string; message?: string } };
    if (j.error?.code) code = j.error.code;
    if (j.error?.message) message = j.error.message;
  } catch { /* not JSON */ }
  return new ApiError(res.status, code, message);
}

export class Api {
  /** @param onUnauthorized called on any 401 (the token was revoked or the server restarted with a new one). */
  constructor(readonly token: string, readonly onUnauthorized: () => void = () => {}) {}

  private headers(json: boolean): HeadersInit {
    return { authorization: `Bearer ${this.token}`, accept: 'application/json', ...(json ? { 'content-type': 'application/json' } : {}) };
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    let res: Response;
    try {
      res = await fetch(path, { method, headers: this.headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', signal });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw new ApiError(0, 'UNREACHABLE', 'the server does not answer');
    }
    if (!res.ok) {
      const err = await errorOf(res);
      if (res.status === 401) this.onUnauthorized();
      throw err;
    }
    return (await res.json()) as T;
  }

  get<T>(path: string, signal?: AbortSignal): Promise<T> { return this.request<T>('GET', path, undefined, signal); }
  post<T>(path: string, body: unknown): Promise<T> { return this.request<T>('POST', path, body); }
}

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

export interface StreamHandlers {
  readonly onHello: (lastSeq: number) => void;
  readonly onRecord: (r: JournalRecord) => void;
  readonly onStatus: (s: StreamStatus) => void;
  readonly onUnauthorized: () => void;
}

/** Splits an SSE buffer into complete events; returns the unfinished rest. */
export function parseSse(buffer: string, emit: (event: string, data: string) => void): string {
  let start = 0;
  for (;;) {
    const end = buffer.indexOf('\n\n', start);
    if (end < 0) return buffer.slice(start);
    let event = 'message';
    const data: string[] = [];
    for (const line of buffer.slice(start, end).split('\n')) {
      if (line.startsWith(':')) continue;
      const c = line.indexOf(':');
      const field = c < 0 ? line : line.slice(0, c);
      const value = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length) emit(event, data.join('\n'));
    start = end + 2;
  }
}

/** Reads /api/stream until `signal` aborts, reconnecting (1 s, 2 s, … 10 s) when it drops. */
export async function runStream(token: string, h: StreamHandlers, signal: AbortSignal): Promise<void> {
  let backoff = 1000;
  h.onStatus('connecting');
  while (!signal.aborted) {
    try {
      const res = await fetch('/api/stream', { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, cache: 'no-store', signal });
      if (res.status === 401) { h.onUnauthorized(); return; }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      h.onStatus('live');
      backoff = 1000;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf = parseSse(buf + value.replace(/\r\n/g, '\n'), (event, data) => {
          if (event === 'record') h.onRecord(JSON.parse(data) as JournalRecord);
          else if (event === 'hello') h.onHello((JSON.parse(data) as { lastSeq: number }).lastSeq);
        });
      }
    } catch (e) {
      if (signal.aborted || (e as Error).name === 'AbortError') return;
    }
    if (signal.aborted) return;
    h.onStatus('reconnecting');
    await new Promise((r) => setTimeout(r, backoff));
    backoff = Math.min(10_000, backoff * 2);
  }
}
