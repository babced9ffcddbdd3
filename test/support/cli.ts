/** Runs the built CLI (`node bin/reckon.js`) as a user would, capturing exit code and output. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/reckon.js');

export interface CliResult { code: number; stdout: string; stderr: string }

/** `env` replaces variables of this process's environment (undefined removes one); `timeoutMs` kills a run that hangs. */
export function reckon(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): CliResult {
  const env = opts.env ? Object.fromEntries(Object.entries({ ...process.env, ...opts.env }).filter(([, v]) => v !== undefined)) : process.env;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, encoding: 'utf8', maxBuffer: 1 << 28, env, ...(opts.timeoutMs ? { timeout: opts.timeoutMs, killSignal: 'SIGKILL' as const } : {}) });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI without waiting (for kill tests). */
export function reckonAsync(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
}

export const tempDir = (prefix = 'reckon-'): string => mkdtempSync(join(tmpdir(), prefix));
