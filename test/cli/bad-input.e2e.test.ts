import { describe, expect, it, beforeAll } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reckon, tempDir } from '../support/cli.js';

const HEADER = 'ts,instrument,open,high,low,close,volume';
let dir: string;

/** 40 good FIX-ALPHA rows, then `bad` at line 42 (after the header), then 5 more good rows. */
function file(name: string, bad: string): string {
  const rows = [HEADER];
  for (let i = 0; i < 40; i++) rows.push(`${1767571200000 + i * 60000},FIX-ALPHA,100.00,101.00,99.50,${(100 + (i % 7) / 10).toFixed(2)},1000`);
  rows.push(bad);
  for (let i = 41; i < 46; i++) rows.push(`${1767571200000 + i * 60000},FIX-ALPHA,100.00,100.50,99.50,100.10,1000`);
  const path = join(dir, name);
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}

beforeAll(() => { dir = tempDir(); });

const T = 1767571200000 + 40 * 60000;
const CASES: [string, string, RegExp][] = [
  ['not-a-number', `${T},FIX-ALPHA,abc,100.50,99.50,100.00,1000`, /open/],
  ['high-below', `${T},FIX-ALPHA,100.00,99.00,98.00,100.00,1000`, /high/],
  ['low-above', `${T},FIX-ALPHA,100.00,101.00,100.50,100.00,1000`, /low/],
  ['negative-volume', `${T},FIX-ALPHA,100.00,100.50,99.50,100.00,-5`, /volume/],
  ['time-backwards', `${1767571200000},FIX-ALPHA,100.00,100.50,99.50,100.00,1000`, /before|decreas/],
  ['unknown-instrument', `${T},FIX-ZULU,100.00,100.50,99.50,100.00,1000`, /FIX-ZULU/],
  ['off-tick', `${T},FIX-ALPHA,100.005,100.50,99.50,100.00,1000`, /100\.005/],
  ['columns', `${T},FIX-ALPHA,100.00,100.50,99.50`, /column/],
  ['bad-ts', `yesterday,FIX-ALPHA,100.00,100.50,99.50,100.00,1000`, /ts/],
];

describe('bad market data rows', () => {
  for (const [name, row, reason] of CASES) {
    it(`${name}: stops with exit 2 and file:line: reason; what was journaled still verifies`, () => {
      const path = file(`${name}.csv`, row);
      const out = join(dir, `out-${name}`);
      const r = reckon(['run', '--data', path, '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${path}:42: `);
      expect(r.stderr.split(`${path}:42: `)[1]).toMatch(reason);
      expect(existsSync(join(out, 'journal.db'))).toBe(true);
      expect(reckon(['journal', 'verify', join(out, 'journal.db')]).code).toBe(0);
    });
  }

  it('--bad-rows quarantine: continues, writes rejected-rows.csv with reasons, counts and flags every row', () => {
    const path = join(dir, 'two-bad.csv');
    const rows = readFileSync(file('tmp.csv', CASES[1]![1]), 'utf8').trimEnd().split('\n');
    rows.splice(10, 0, `${1767571200000 + 9 * 60000},FIX-ALPHA,1..0,100.50,99.50,100.00,1000`);
    writeFileSync(path, rows.join('\n') + '\n');
    const out = join(dir, 'out-quarantine');
    const r = reckon(['run', '--data', path, '--out', out, '--bad-rows', 'quarantine', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.counts.badRows).toBe(2);
    expect(summary.counts.marketEvents).toBe(45);
    const rejected = readFileSync(join(out, 'rejected-rows.csv'), 'utf8').trim().split('\n');
    expect(rejected).toHaveLength(3);
    expect(rejected[1]).toMatch(/^"two-bad.csv",11,/);
    expect(rejected[2]).toMatch(/^"two-bad.csv",43,.*high/);
    const flags = reckon(['journal', 'export', join(out, 'journal.db')]).stdout.split('\n').filter((l) => l.includes('BAD_INPUT_QUARANTINED'));
    expect(flags).toHaveLength(2);
    expect(flags[0]).toContain('two-bad.csv:11: ');
    expect(flags[0]).not.toContain(dir);
  });

  it('an unreadable --data path is a usage error (exit 2)', () => {
    const r = reckon(['run', '--data', join(dir, 'missing.csv'), '--out', join(dir, 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing.csv');
  });
});
