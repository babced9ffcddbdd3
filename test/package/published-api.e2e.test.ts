/**
 * The package as a user's project sees it (node_modules/reckon linked to this checkout, built):
 * a .ts strategy type-checks against the published declarations (`import type { Strategy } from
 * 'reckon'`), a wrong one fails with the errors a user needs, and runStrategyOnCsv works from the
 * package entry in plain Node.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeBarsCsv } from '../support/bars-csv.js';
import { ROOT, tempDir } from '../support/cli.js';

let project: string;
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

function tsc(file: string) {
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, skipLibCheck: true, types: [] },
    files: [file],
  }));
  const r = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: project, encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

beforeAll(() => {
  project = tempDir('reckon-user-project-');
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(ROOT, join(project, 'node_modules', 'reckon'), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-strategies', type: 'module', private: true }));
  mkdirSync(join(project, 'strategies'));
  copyFileSync(join(ROOT, 'examples/strategies/breakout.ts'), join(project, 'strategies/breakout.ts'));
});

describe('the published strategy API', () => {
  it('a .ts strategy type-checks against the declarations the package publishes', () => {
    const r = tsc('strategies/breakout.ts');
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });

  it('a wrong strategy does not: a number target, a param of the wrong type, a missing create', () => {
    writeFileSync(join(project, 'strategies/wrong.ts'), [
      "import type { Strategy } from 'reckon';",
      'export const a: Strategy<{ n: number }> = { name: "a", params: { n: 1 }, create: () => ({ onBar: () => ({ target: 10 }) }) };',
      'export const b: Strategy<{ n: number }> = { name: "b", params: { n: "1" }, create: () => ({ onBar: () => null }) };',
      'export const c: Strategy = { name: "c" };',
      'export const d: Strategy = { name: "d", create: (ctx) => ({ onBar: (bar) => ({ target: ctx.target(bar.close * 2), signal: { ok: true } }) }) };',
      '',
    ].join('\n'));
    const r = tsc('strategies/wrong.ts');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/wrong\.ts\(2,\d+\): error TS2322: Type 'number' is not assignable to type 'string/);
    expect(r.out).toMatch(/wrong\.ts\(3,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
    expect(r.out).toMatch(/wrong\.ts\(4,\d+\): error TS2741: Property 'create' is missing/);
    expect(r.out).toMatch(/wrong\.ts\(5,\d+\): error TS2322: Type 'boolean' is not assignable to type 'string \| number'/);
  });

  it('runStrategyOnCsv from the package entry runs a definition object and a module file in plain Node', () => {
    const csv = writeBarsCsv(join(project, 'bars.csv'), 300);
    writeFileSync(join(project, 'check.mjs'), `
      import { runStrategyOnCsv } from 'reckon';
      const instruments = { 'FIX-ALPHA': { priceIncrement: '0.01', sizeIncrement: '1' }, 'FIX-CHARLIE': { priceIncrement: '0.5', sizeIncrement: '0.001' } };
      const flip = { name: 'flip', create: () => { let n = 0; return { onBar: () => (++n % 50 === 0 ? { target: n % 100 ? '+2' : '-2' } : null) }; } };
      const a = await runStrategyOnCsv(flip, ${JSON.stringify(csv)}, { instruments, trade: 'FIX-ALPHA' });
      const b = await runStrategyOnCsv('./strategies/breakout.ts', ${JSON.stringify(csv)}, { instruments, trade: 'FIX-ALPHA', params: { lookback: 20 } });
      console.log(JSON.stringify({ a: a.intents.map((i) => i.target), aFaults: a.faults.length, b: b.intents.length, bFaults: b.faults.length, equity: a.pnl.total.equity }));
    `);
    const r = spawnSync(process.execPath, ['check.mjs'], { cwd: project, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { a: string[]; aFaults: number; b: number; bFaults: number; equity: string };
    expect(out.a).toEqual(['+2', '-2', '+2', '-2', '+2', '-2']);
    expect(out.aFaults).toBe(0);
    expect(out.b).toBeGreaterThan(0);
    expect(out.bFaults).toBe(0);
    expect(out.equity).toMatch(/^\d+\.\d{6}$/);
  });
});
