/**
 * User strategy modules through the real loader: worker threads, the watchdog, .ts transpiling,
 * on a small CSV through the whole pipeline (runStrategyOnCsv). Needs the built dist/ (the
 * worker entry is compiled JavaScript), which `npm test` builds first.
 */
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { ReckonError } from '../domain/errors.js';
import { STRATEGY_TEST_INSTRUMENTS, writeBarsCsv } from '../../test/support/bars-csv.js';
import { tempDir } from '../../test/support/cli.js';
import { LatePorts } from './ports.js';
import { closeStrategies, loadStrategies } from './registry.js';
import { runStrategyOnCsv } from '../engine/strategy-run.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIX = join(ROOT, 'test/strategies/fixtures');
const EXAMPLES = join(ROOT, 'examples/strategies');
const instruments = STRATEGY_TEST_INSTRUMENTS;
let csv: string;

beforeAll(() => { csv = writeBarsCsv(join(tempDir('reckon-strat-'), 'bars.csv'), 400); });

const failure = async (p: Promise<unknown>): Promise<ReckonError> => {
  try { await p; } catch (e) { return e as ReckonError; }
  throw new Error('expected the run to fail');
};

describe('strategy modules (worker, watchdog)', () => {
  it('runs the breakout example: targets at the increment, signal values in real units, positions visible, no faults', async () => {
    const run = await runStrategyOnCsv(join(EXAMPLES, 'breakout.mjs'), csv, { instruments, trade: 'FIX-ALPHA', params: { lookback: 30, size: '5' } });
    expect(run.faults).toEqual([]);
    expect(run.intents.length).toBeGreaterThan(2);
    for (const i of run.intents) {
      expect(i.instrument).toBe('FIX-ALPHA');
      expect(['+5', '-5', '0']).toContain(i.target);
      expect(i.signal.close as number).toBeGreaterThan(50); // 100.00-ish in real units, not 10000
      expect(i.signal.close as number).toBeLessThan(200);
    }
    expect(run.records.some((r) => r.type === 'S05.provider' && r.payload.kind === 'fill')).toBe(true);
  });

  it('a .ts module is transpiled on load and trades exactly like the .mjs it mirrors', async () => {
    const opts = { instruments, trade: 'FIX-ALPHA', params: { lookback: 30, size: '5' } };
    const [mjs, ts] = await Promise.all([runStrategyOnCsv(join(EXAMPLES, 'breakout.mjs'), csv, opts), runStrategyOnCsv(join(EXAMPLES, 'breakout.ts'), csv, opts)]);
    const view = (r: typeof mjs) => r.intents.map((i) => [i.line, i.target, i.signal.upper, i.signal.lower]);
    expect(ts.faults).toEqual([]);
    expect(view(ts)).toEqual(view(mjs));
  });

  it('a strategy over two instruments gets both instruments\' bars and returns a target per instrument', async () => {
    const run = await runStrategyOnCsv(join(EXAMPLES, 'pair-spread.mjs'), csv, { instruments, params: { window: 40, entry: 1.5, exit: 0.3, size: 1.25 } });
    expect(run.faults).toEqual([]);
    expect(run.intents.length).toBeGreaterThan(2);
    const byLine = new Map<number | null, string[]>();
    for (const i of run.intents) byLine.set(i.line, [...(byLine.get(i.line) ?? []), `${i.instrument} ${i.target}`]);
    for (const [, legs] of byLine) {
      expect(legs).toHaveLength(2);
      expect(legs[0]).toMatch(/^FIX-ALPHA (\+1|-1|0)$/); // 1.25 rounded toward zero onto a lot of 1
      expect(legs[1]).toMatch(/^FIX-CHARLIE (\+1\.250|-1\.250|0\.000)$/);
    }
  });

  it('one bar\'s unusable output is a fault with bar line and reason; the run goes on and the previous target stands', async () => {
    const at = { 22: 'throw', 42: 'number', 62: 'off', 82: 'above', 102: 'unknown-field', 122: 'nan-signal' };
    const run = await runStrategyOnCsv(join(FIX, 'misbehaving.mjs'), csv, { instruments, trade: 'FIX-ALPHA', id: 'misbehaving', params: { at } });
    expect(run.faults.map((f) => [f.line, f.reason])).toEqual([
      [22, expect.stringMatching(/^onBar threw: TypeError: cannot read the moon at line 22 \(at .*misbehaving\.mjs:\d+:\d+\)$/)],
      [42, expect.stringContaining('target for FIX-ALPHA is the number 1: targets are decimal strings')],
      [62, 'target "1.5" for FIX-ALPHA is off the size increment 1'],
      [82, 'target "+1000000" for FIX-ALPHA is above maxPosition 300'],
      [102, 'onBar returned an unknown field "sigal" (expected target and optionally signal)'],
      [122, 'signal.z is NaN: not a finite number'],
    ]);
    const flags = run.records.filter((r) => r.type === 'S07.operator' && r.payload.kind === 'flag' && r.payload.code === 'STRATEGY_ERROR');
    expect(flags).toHaveLength(6);
    expect(flags[0]!.payload).toMatchObject({ message: expect.stringMatching(/^strategy misbehaving at bar line 22: onBar threw/) });
    // Every 10th ALPHA bar still targets (lines 20, 40, ... are not among the faults), so the run kept going.
    expect(run.intents.length).toBeGreaterThan(15);
    // The position views reached the worker: a later signal shows a confirmed position.
    expect(run.intents.some((i) => i.signal.confirmed !== 0)).toBe(true);
  });

  it('a module that never returns stops the run with the strategy id, bar line and reason (BAD_INPUT, exit 2)', async () => {
    const e = await failure(runStrategyOnCsv(join(FIX, 'misbehaving.mjs'), csv, { instruments, trade: 'FIX-ALPHA', id: 'looper', timeoutMs: 200, params: { at: { 52: 'hang' } } }));
    expect(e).toBeInstanceOf(ReckonError);
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toMatch(/^strategy looper \(.*misbehaving\.mjs\): onBar did not return within 200 ms .*the worker was terminated; the run stops at bar line 52 \(FIX-ALPHA 2026-01-05T00:25:00/);
  });

  it.each([
    ['bad-export.mjs', /the default export is not a strategy: create must be a function create\(ctx\)/],
    ['no-default.mjs', /the module has no default export; expected export default \{ name, params\?, create\(ctx\) \}/],
    ['syntax-error.mjs', /cannot load the module: SyntaxError/],
    ['create-throws.mjs', /create\(ctx\) threw: needs two instruments, got 1/],
    ['missing.mjs', /no such module file .*missing\.mjs/],
  ])('%s cannot be used: a load error naming the strategy and the module, before any bar', async (file, reason) => {
    const e = await failure(runStrategyOnCsv(join(FIX, file), csv, { instruments, trade: 'FIX-ALPHA', id: 'broken' }));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toMatch(new RegExp(`^strategy broken \\(.*${file.replace('.', '\\.')}\\): `));
    expect(e.message).toMatch(reason);
  });

  it('params the module does not declare, or of another type than its default, are refused at load', async () => {
    const e1 = await failure(runStrategyOnCsv(join(EXAMPLES, 'breakout.mjs'), csv, { instruments, trade: 'FIX-ALPHA', params: { lookbak: 20 } }));
    expect(e1.message).toMatch(/params\.lookbak is not a parameter of this strategy \(lookback, size\)/);
    const e2 = await failure(runStrategyOnCsv(join(EXAMPLES, 'breakout.mjs'), csv, { instruments, trade: 'FIX-ALPHA', params: { size: 5 } }));
    expect(e2.message).toMatch(/params\.size is the number 5, but the default "1" is a string/);
  });

  it('a module that never finishes loading is refused after the load timeout; the others load on their own', async () => {
    const cfg = parseConfig({
      accounts: [{ id: 'a', startingCash: '1000' }],
      instruments: [{ id: 'FIX-ALPHA', priceIncrement: '0.01', sizeIncrement: '1', maxPosition: '10', maxOrderQty: '10' }],
      strategies: [
        { id: 'ok', module: join(EXAMPLES, 'breakout.mjs'), account: 'a', instrument: 'FIX-ALPHA' },
        { id: 'stuck', module: join(FIX, 'top-level-hang.mjs'), account: 'a', instrument: 'FIX-ALPHA' },
      ],
      risk: { maxOrderNotional: '1000', maxGrossExposure: '1000', orderRate: { maxOrders: 10, windowMs: 1000 }, priceCollarBps: 100 },
    });
    const e = await failure(loadStrategies(cfg, new LatePorts(), { loadTimeoutMs: 4000 }));
    expect(e.message).toMatch(/^strategy stuck \(.*top-level-hang\.mjs\): did not finish loading within 4000 ms/);
    const ok = await loadStrategies({ ...cfg, strategies: cfg.strategies.slice(0, 1) }, new LatePorts());
    expect(ok.map((s) => [s.id, s.kind])).toEqual([['ok', 'module']]);
    await closeStrategies(ok);
  });
});
