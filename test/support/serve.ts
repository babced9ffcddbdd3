/** Starts `reckon serve` on a free port and reads its console URL and one-time token. */
import type { ChildProcess } from 'node:child_process';
import { reckonAsync } from './cli.js';

export interface Served { child: ChildProcess; url: string; token: string; exited: Promise<number | null>; output: () => string }

/** Starts serve and waits (at most `startMs`) for the console URL it prints. */
export async function startServe(args: readonly string[], env: NodeJS.ProcessEnv = {}, startMs = 30_000): Promise<Served> {
  const child = reckonAsync(['serve', '--port', '0', ...args], env);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const start = performance.now();
  while (performance.now() - start < startMs) {
    const m = /console: (http:\/\/[^/\s]+)\/(?:#token=([0-9a-f]+))?/.exec(out);
    if (m) return { child, url: m[1]!, token: m[2] ?? env.RECKON_OPERATOR_TOKEN ?? '', exited, output: () => out };
    if (child.exitCode !== null) throw new Error(`serve exited: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`serve did not start: ${out}`);
}

/**
 * Stops serve with SIGTERM and waits at most `ms` for it to exit; past that it is killed and this
 * throws, so a test never hangs on a server that does not stop.
 */
export async function stopServe(s: Served, ms = 30_000): Promise<number | null> {
  if (s.child.exitCode !== null) return s.child.exitCode;
  s.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((res) => { timer = setTimeout(() => res('late'), ms); });
  const code = await Promise.race([s.exited, late]);
  clearTimeout(timer);
  if (code === 'late') {
    s.child.kill('SIGKILL');
    await s.exited;
    throw new Error(`serve did not stop within ${ms} ms of SIGTERM: ${s.output().slice(-2000)}`);
  }
  return code;
}

export async function api<T = unknown>(s: Served, path: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<{ status: number; json: T }> {
  const res = await fetch(s.url + path, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${init.token ?? s.token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  return { status: res.status, json: (await res.json()) as T };
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
