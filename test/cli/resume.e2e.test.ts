import { describe, expect, it, beforeAll } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generateSampleBars } from '../../src/marketdata/sample.js';
import { reckon, reckonAsync, tempDir } from '../support/cli.js';

let dir: string;
let data: string;
let reference: { headHash: string; lastSeq: number };

beforeAll(async () => {
  dir = tempDir();
  data = join(dir, 'bars.csv');
  await generateSampleBars(data, { barsPerInstrument: 50_400 });
  const out = join(dir, 'uninterrupted');
  const r = reckon(['run', '--data', data, '--out', out, '--json']);
  expect(r.code, r.stderr).toBe(0);
  reference = JSON.parse(r.stdout).journal;
});

/** Starts a run (or a resume) and SIGKILLs it once its journal has grown past `minBytes` plus a delay. */
async function killDuring(args: string[], out: string, delayMs: number): Promise<'killed' | 'finished'> {
  const child = reckonAsync(args);
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const journal = join(out, 'journal.db');
  const wal = join(out, 'journal.db-wal');
  const start = performance.now();
  while (performance.now() - start < 20_000) {
    if (child.exitCode !== null) return 'finished';
    const size = (existsSync(journal) ? statSync(journal).size : 0) + (existsSync(wal) ? statSync(wal).size : 0);
    if (size > 64 * 1024) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, delayMs));
  if (child.exitCode !== null) return 'finished';
  child.kill('SIGKILL');
  await exited;
  return 'killed';
}

describe('resume after SIGKILL', () => {
  for (const delays of [[0], [40, 150], [250, 0, 120]]) {
    it(`killed ${delays.length}x (delays ${delays.join(', ')} ms) then resumed: same head hash as an uninterrupted run, no client order id submitted twice`, async () => {
      const out = join(dir, `killed-${delays.join('-')}`);
      const args = ['run', '--data', data, '--out', out, '--json'];
      let killed = 0;
      for (const [i, d] of delays.entries()) {
        if ((await killDuring(i === 0 ? args : [...args, '--resume'], out, d)) === 'killed') killed++;
      }
      expect(killed).toBeGreaterThan(0);
      const verified = reckon(['journal', 'verify', join(out, 'journal.db')]);
      expect(verified.code, verified.stderr).toBe(0);
      const r = reckon([...args, '--resume']);
      expect(r.code, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout);
      expect(summary.journal.headHash).toBe(reference.headHash);
      expect(summary.journal.lastSeq).toBe(reference.lastSeq);
      const submits = reckon(['journal', 'export', join(out, 'journal.db')]).stdout.trim().split('\n')
        .map((l) => JSON.parse(l)).filter((l) => l.type === 'S04.order' && l.payload.kind !== 'cancel').map((l) => l.payload.clientOrderId);
      expect(submits.length).toBeGreaterThan(0);
      expect(new Set(submits).size).toBe(submits.length);
    });
  }

  it('refuses to resume a journal written from other inputs, naming the first differing seq', () => {
    const out = join(dir, 'other-seed');
    expect(reckon(['run', '--data', data, '--out', out, '--seed', '5', '--json']).code).toBe(0);
    const r = reckon(['run', '--data', data, '--out', out, '--resume']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--resume: seq 1 regenerated .* differs from the journal/);
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toContain('"headHash"');
  });
});
