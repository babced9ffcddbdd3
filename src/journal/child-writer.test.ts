/**
 * Test helper (not a test file): a journal writer in a child process (fixtures/writer-child.mjs,
 * running the built dist/ — `npm run build` first, as `npm test` does).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./fixtures/writer-child.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/journal/sqlite.js', import.meta.url));

export interface ChildWriter {
  readonly child: ChildProcess;
  /** Resolves with the first stdout line matching `re` (rejects after `budgetMs` or on exit). */
  waitFor(re: RegExp, budgetMs?: number): Promise<RegExpExecArray>;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
}

export function startChildWriter(mode: 'hold' | 'loop', journal: string, ...args: string[]): ChildWriter {
  if (!existsSync(DIST)) throw new Error(`${DIST} missing: run npm run build before the int tests`);
  const child = spawn(process.execPath, [SCRIPT, mode, journal, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: (() => void)[] = [];
  child.stdout!.on('data', (b: Buffer) => { out += b.toString(); if (out.length > 1 << 20) out = out.slice(-4096); waiters.forEach((w) => w()); });
  child.stderr!.on('data', (b: Buffer) => { err += b.toString(); });
  const exited = new Promise<void>((done) => child.once('exit', () => { waiters.forEach((w) => w()); done(); }));
  return {
    child,
    waitFor: (re, budgetMs = 30_000) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child: no line matching ${re} within ${budgetMs} ms; stderr: ${err}`)), budgetMs);
      const check = () => {
        const lines = out.split('\n').reverse();
        for (const line of lines) {
          const m = re.exec(line);
          if (m) { clearTimeout(timer); resolve(m); return; }
        }
        if (child.exitCode !== null || child.signalCode !== null) { clearTimeout(timer); reject(new Error(`child exited (${child.exitCode ?? child.signalCode}): ${err}`)); return; }
        waiters.push(check);
      };
      check();
    }),
    kill: async () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); await exited; },
  };
}
