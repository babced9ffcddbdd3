/** Starts `reckon serve` on a free port and reads its console URL and one-time token. */
import type { ChildProcess } from 'node:child_process';
import { reckonAsync } from './cli.js';

export interface Served { child: ChildProcess; url: string; token: string; exited: Promise<number | null>; output: () => string }

export async function startServe(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child = reckonAsync(['serve', '--port', '0', ...args], env);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const start = performance.now();
  while (performance.now() - start < 30_000) {
    const m = /console: (http:\/\/[^/\s]+)\/(?:#token=([0-9a-f]+))?/.exec(out);
    if (m) return { child, url: m[1]!, token: m[2] ?? env.RECKON_OPERATOR_TOKEN ?? '', exited, output: () => out };
    if (child.exitCode !== null) throw new Error(`serve exited: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`serve did not start: ${out}`);
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
