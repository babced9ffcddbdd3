/**
 * Headless Chromium (Debian's /usr/bin/chromium) through playwright-core for the page tests:
 * every request and console error is recorded so a test can fail on either.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = join(ROOT, 'test-artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Builds the page templates once if `npm run build:web` has not run. */
export function ensureTemplates(): void {
  if (existsSync(join(ROOT, 'web', 'dist', 'trace.html')) && existsSync(join(ROOT, 'web', 'dist', 'report.html'))) return;
  execSync('npm run build:web', { cwd: ROOT, stdio: 'inherit' });
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface OpenedPage {
  readonly page: Page;
  /** Every URL the page requested. */
  readonly requests: string[];
  /** Console errors and uncaught exceptions. */
  readonly errors: string[];
  readonly loadMs: number;
}

/** Opens a file:// page (optionally with a fragment) and waits until the app has rendered. */
export async function openFile(browser: Browser, file: string, opts: { hash?: string; dark?: boolean; width?: number; height?: number } = {}): Promise<OpenedPage> {
  const page = await browser.newPage({ viewport: { width: opts.width ?? 1440, height: opts.height ?? 900 }, colorScheme: opts.dark ? 'dark' : 'light' });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  const t0 = performance.now();
  page.setDefaultTimeout(STEP_MS);
  await page.goto(pathToFileURL(file).href + (opts.hash ?? ''));
  await page.waitForSelector('html[data-ready="true"]', { timeout: STEP_MS * 2 });
  return { page, requests, errors, loadMs: performance.now() - t0 };
}

/** Waits until web fonts are in and two frames are painted: what a screenshot needs, instead of a sleep. */
export async function settled(page: Page): Promise<void> {
  await page.evaluate('document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))');
}

/** Requests that are not the page file itself (any is a failure: the pages work offline). */
export function foreignRequests(o: OpenedPage, file: string): string[] {
  const self = pathToFileURL(file).href;
  return o.requests.filter((u) => u.split('#')[0] !== self);
}

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

/** Counts pixels of a canvas that differ from its most common colour (0 for a blank canvas). */
export async function inkedPixels(page: Page, selector: string): Promise<number> {
  return page.$$eval(selector, (els) => {
    let best = 0;
    for (const el of els) {
      // Structural type: the root tsconfig has no DOM lib.
      const c = el as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null };
      if (!c.width || !c.height) continue;
      const ctx = c.getContext('2d');
      if (!ctx) continue;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      const counts = new Map<number, number>();
      for (let i = 0; i < d.length; i += 16) {
        const k = (d[i]! << 24) | (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      const total = d.length / 16;
      const top = Math.max(...counts.values());
      best = Math.max(best, total - top);
    }
    return best;
  });
}

/**
 * Budgets of the browser tests, sized for a loaded 2-core machine (other engineers' suites, a
 * PostgreSQL and a NATS server beside it): a page test takes 2–10 s alone; its budget is an
 * order of magnitude above that, so a timeout means a hang, not a slow machine. Each wait inside
 * a test has its own, smaller deadline (`poll`, `STEP_MS`), so a failure names the step.
 */
export const BROWSER_TEST_MS = 120_000;
/** Budget of a setup that runs the CLI (a run, the demo) and launches Chromium. */
export const SETUP_MS = 180_000;
/** Budget of a test against a live `reckon serve` (start, stream, act, stop). */
export const LIVE_TEST_MS = 180_000;
/** Deadline of one step: a page load, a condition to appear. */
export const STEP_MS = 30_000;

/** expect.poll with a deadline for a loaded machine (vitest's default is 1 s). */
export function poll<T>(fn: () => Promise<T> | T, timeout = STEP_MS) {
  return expect.poll(fn, { timeout, interval: 100 });
}

/**
 * Times the named steps of a long test. `step` runs one and records how long it took; on a
 * failure the error names the step and lists the steps before it, and `report()` (logged by an
 * onTestFailed hook, which also runs on a test timeout) says which step was still running.
 *
 * @example
 * const steps = new StepClock();
 * onTestFailed(() => console.error(steps.report()));
 * await steps.step('serve started', () => startServe(args));
 */
export class StepClock {
  private readonly t0 = performance.now();
  private readonly done: { name: string; ms: number }[] = [];
  private running: { name: string; start: number } | null = null;

  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const start = performance.now();
    this.running = { name, start };
    try {
      const v = await fn();
      this.done.push({ name, ms: Math.round(performance.now() - start) });
      return v;
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      e.message = `step "${name}" failed after ${Math.round(performance.now() - start)} ms: ${e.message}\n${this.report()}`;
      throw e;
    } finally {
      this.running = null;
    }
  }

  /** Steps done with their durations, and the one still running. */
  report(): string {
    const lines = this.done.map((s) => `  ${s.name}: ${s.ms} ms`);
    if (this.running) lines.push(`  ${this.running.name}: still running after ${Math.round(performance.now() - this.running.start)} ms`);
    return `steps (${Math.round(performance.now() - this.t0)} ms in all):\n${lines.join('\n')}`;
  }

  /** Durations of the steps done, for an artifact. */
  durations(): Record<string, number> {
    return Object.fromEntries(this.done.map((s) => [s.name, s.ms]));
  }
}
