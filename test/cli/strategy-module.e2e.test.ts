/**
 * `reckon run` with a user's strategy module, as a user runs it: from a config
 * (`strategies[].module`, relative to the config file) and with `--strategy FILE`; .ts modules;
 * a module that hangs or cannot be used is a clear exit 2 naming the strategy (never a stack
 * trace); the module's content is part of the run's identity; the journal always verifies.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { STRATEGY_TEST_INSTRUMENTS, writeBarsCsv } from '../support/bars-csv.js';
import { reckon, ROOT, tempDir } from '../support/cli.js';

let dir: string;
let data: string;
const config = (strategies: unknown[]) => ({
  seed: 5,
  accounts: [{ id: 'acct-1', startingCash: '100000' }],
  instruments: Object.entries(STRATEGY_TEST_INSTRUMENTS).map(([id, i]) => ({ id, ...i, maxOrderQty: i.maxPosition })),
  strategies,
  risk: { maxOrderNotional: '100000', maxGrossExposure: '1000000', orderRate: { maxOrders: 100, windowMs: 3_600_000 }, priceCollarBps: 500 },
});
const writeConfig = (name: string, strategies: unknown[]) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(config(strategies), null, 2));
  return path;
};
const summaryOf = (out: string) => JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
const exported = (out: string) => reckon(['journal', 'export', join(out, 'journal.db')]).stdout.trim().split('\n').map((l) => JSON.parse(l));

beforeAll(() => {
  dir = tempDir('reckon-strat-cli-');
  data = writeBarsCsv(join(dir, 'bars.csv'), 1500);
  mkdirSync(join(dir, 'strategies'));
  for (const f of ['breakout.mjs', 'breakout.ts']) copyFileSync(join(ROOT, 'examples/strategies', f), join(dir, 'strategies', f));
  for (const f of ['misbehaving.mjs', 'logs.mjs', 'bad-export.mjs']) copyFileSync(join(ROOT, 'test/strategies/fixtures', f), join(dir, 'strategies', f));
});

describe('reckon run with a strategy module', () => {
  it('from config: module path relative to the config file (run from another directory), params over defaults, journal verifies', () => {
    const cfg = writeConfig('reckon.json', [{ id: 'bo', module: './strategies/breakout.mjs', account: 'acct-1', instrument: 'FIX-ALPHA', params: { lookback: 60, size: '10' } }]);
    const out = join(dir, 'out-config');
    const r = reckon(['run', '--data', data, '--config', cfg, '--out', out]); // cwd is the repository, not `dir`
    expect(r.code, r.stderr).toBe(0);
    const s = summaryOf(out);
    expect(s.counts.intents).toBeGreaterThan(3);
    expect(s.counts.fills).toBeGreaterThan(0);
    const intents = exported(out).filter((l) => l.type === 'S01.intent');
    expect(new Set(intents.map((l) => l.payload.strategyId))).toEqual(new Set(['bo']));
    for (const l of intents) {
      expect(['+10', '-10', '0']).toContain(l.payload.quantity);
      expect(l.payload.signal.close).toBeCloseTo(Number(l.payload.bar.close), 9); // real units, the bar's own close
    }
    expect(reckon(['journal', 'verify', join(out, 'journal.db')]).code).toBe(0);
  });

  it('--strategy FILE (relative to the working directory) runs the module alone, one instance per instrument; --json stays clean while the module logs', () => {
    const cfg = writeConfig('plain.json', []);
    const out = join(dir, 'out-flag');
    const r = reckon(['run', '--data', data, '--config', cfg, '--strategy', './strategies/logs.mjs', '--out', out, '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout); // stdout is only the summary
    expect(s.counts.intents).toBe(2);
    expect(r.stderr).toMatch(/^\[logs-FIX-ALPHA\] bar \d+ close \d+/m);
    expect(r.stderr).toMatch(/^\[logs-FIX-CHARLIE\] bar \d+ close \d+/m);
    expect(new Set(exported(out).filter((l) => l.type === 'S01.intent').map((l) => `${l.payload.strategyId} ${l.instrument}`)))
      .toEqual(new Set(['logs-FIX-ALPHA FIX-ALPHA', 'logs-FIX-CHARLIE FIX-CHARLIE']));
  });

  it('a .ts module runs through the CLI like its .mjs twin (same intents)', () => {
    const cfg = writeConfig('ts.json', []);
    const run = (file: string, out: string) => {
      const r = reckon(['run', '--data', data, '--config', cfg, '--strategy', join(dir, 'strategies', file), '--out', join(dir, out)]);
      expect(r.code, r.stderr).toBe(0);
      return exported(join(dir, out)).filter((l) => l.type === 'S01.intent').map((l) => [l.instrument, l.payload.bar.line, l.payload.quantity]);
    };
    const ts = run('breakout.ts', 'out-ts');
    expect(ts.length).toBeGreaterThan(0);
    expect(ts).toEqual(run('breakout.mjs', 'out-mjs'));
  });

  it('bad outputs are journaled STRATEGY_ERROR flags naming strategy, bar line and reason; the summary counts them', () => {
    const cfg = writeConfig('faults.json', [{ id: 'odd', module: './strategies/misbehaving.mjs', account: 'acct-1', instrument: 'FIX-ALPHA', params: { at: { 42: 'off', 62: 'throw' } } }]);
    const out = join(dir, 'out-faults');
    const r = reckon(['run', '--data', data, '--config', cfg, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const flags = exported(out).filter((l) => l.type === 'S07.operator' && l.payload.code === 'STRATEGY_ERROR');
    expect(flags.map((f) => f.payload.message)).toEqual([
      'strategy odd at bar line 42: target "1.5" for FIX-ALPHA is off the size increment 1; no new target',
      expect.stringMatching(/^strategy odd at bar line 62: onBar threw: TypeError: cannot read the moon at line 62 \(at .*misbehaving\.mjs:\d+:\d+\); no new target$/),
    ]);
    expect(flags[0].payload.details).toEqual({ strategy: 'odd', line: 42, reason: 'target "1.5" for FIX-ALPHA is off the size increment 1' });
  });

  it('isolation "in-process": the same faults as flags, a .ts module, the same intents as in a worker', () => {
    const entry = (isolation: string, module: string) => ({ id: 'odd', module, account: 'acct-1', instrument: 'FIX-ALPHA', isolation, params: { at: { 42: 'off', 62: 'throw' } } });
    const intents = (out: string) => exported(out).filter((l) => l.type === 'S01.intent' || (l.type === 'S07.operator' && l.payload.code === 'STRATEGY_ERROR'))
      .map((l) => [l.type, l.payload.bar?.line ?? l.payload.details.line, l.payload.quantity ?? l.payload.details.reason]);
    for (const [name, isolation] of [['in', 'in-process'], ['wk', 'worker']]) {
      const r = reckon(['run', '--data', data, '--config', writeConfig(`iso-${name}.json`, [entry(isolation!, './strategies/misbehaving.mjs')]), '--out', join(dir, `out-iso-${name}`)]);
      expect(r.code, r.stderr).toBe(0);
    }
    const inProcess = intents(join(dir, 'out-iso-in'));
    expect(inProcess.filter((l) => l[0] === 'S07.operator')).toHaveLength(2);
    expect(inProcess).toEqual(intents(join(dir, 'out-iso-wk')));
    const ts = reckon(['run', '--data', data, '--config', writeConfig('iso-ts.json', [{ id: 'bo', module: './strategies/breakout.ts', account: 'acct-1', instrument: 'FIX-ALPHA', isolation: 'in-process' }]), '--out', join(dir, 'out-iso-ts')]);
    expect(ts.code, ts.stderr).toBe(0);
    expect(exported(join(dir, 'out-iso-ts')).filter((l) => l.type === 'S01.intent').length).toBeGreaterThan(0);
  });

  it('a module that never returns: exit 2 naming the strategy, bar line and timeout, no stack trace; what was journaled verifies', () => {
    const cfg = writeConfig('hang.json', [{ id: 'looper', module: './strategies/misbehaving.mjs', account: 'acct-1', instrument: 'FIX-ALPHA', timeoutMs: 300, params: { at: { 402: 'hang' } } }]);
    const out = join(dir, 'out-hang');
    const r = reckon(['run', '--data', data, '--config', cfg, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/strategy looper \(\.\/strategies\/misbehaving\.mjs\): onBar did not return within 300 ms .* the run stops at bar line 402 \(FIX-ALPHA /);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(reckon(['journal', 'verify', join(out, 'journal.db')]).code).toBe(0);
    expect(exported(out).some((l) => l.type === 'S01.intent')).toBe(true); // the bars before it were traded and journaled
  });

  it('a module with the wrong export shape: exit 2 before any journal is written', () => {
    const cfg = writeConfig('shape.json', [{ id: 'shape', module: './strategies/bad-export.mjs', account: 'acct-1', instrument: 'FIX-ALPHA' }]);
    const out = join(dir, 'out-shape');
    const r = reckon(['run', '--data', data, '--config', cfg, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('strategy shape (./strategies/bad-export.mjs): the default export is not a strategy: create must be a function');
    expect(existsSync(join(out, 'journal.db'))).toBe(false);
  });

  it('config errors in module entries are reported with their path: missing file, unknown instrument, both instrument and instruments', () => {
    const cfg = writeConfig('bad-entries.json', [
      { id: 'a', module: './strategies/nope.mjs', account: 'acct-1', instrument: 'FIX-ALPHA' },
    ]);
    const r1 = reckon(['run', '--data', data, '--config', cfg, '--out', join(dir, 'out-nope')]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/strategy a \(\.\/strategies\/nope\.mjs\): no such module file .*strategies\/nope\.mjs/);
    const cfg2 = writeConfig('bad-entries-2.json', [
      { id: 'b', module: './strategies/breakout.mjs', account: 'acct-1', instruments: ['FIX-ALPHA', 'FIX-ZULU'] },
      { id: 'c', module: './strategies/breakout.mjs', account: 'acct-1', instrument: 'FIX-ALPHA', instruments: ['FIX-ALPHA'] },
    ]);
    const r2 = reckon(['run', '--data', data, '--config', cfg2, '--out', join(dir, 'out-entries')]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('strategies[1]: give exactly one of "instrument" and "instruments"');
    const r3 = reckon(['run', '--data', data, '--config', writeConfig('bad-entries-3.json', [{ id: 'b', module: './strategies/breakout.mjs', account: 'acct-1', instruments: ['FIX-ALPHA', 'FIX-ZULU'] }]), '--out', join(dir, 'out-entries-3')]);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain('strategies[0].instruments[1]: unknown instrument "FIX-ZULU"');
  });

  it('the module\'s content is part of the run\'s identity: an edited strategy file gives another head and refuses --resume', () => {
    const file = join(dir, 'strategies', 'edited.mjs');
    copyFileSync(join(ROOT, 'examples/strategies/breakout.mjs'), file);
    const cfg = writeConfig('identity.json', [{ id: 'bo', module: './strategies/edited.mjs', account: 'acct-1', instrument: 'FIX-ALPHA', params: { lookback: 60 } }]);
    const head = (out: string, extra: string[] = []) => {
      const r = reckon(['run', '--data', data, '--config', cfg, '--out', join(dir, out), '--json', ...extra]);
      return { r, head: r.code === 0 ? (JSON.parse(r.stdout).journal.headHash as string) : null };
    };
    const a = head('out-id-a');
    expect(head('out-id-b').head).toBe(a.head);
    writeFileSync(file, readFileSync(file, 'utf8') + '\n// a comment changes the identity, not the trades\n');
    const c = head('out-id-c');
    expect(c.head).not.toBe(a.head);
    const resumed = reckon(['run', '--data', data, '--config', cfg, '--out', join(dir, 'out-id-a'), '--resume']);
    expect(resumed.code).not.toBe(0);
  });
});
