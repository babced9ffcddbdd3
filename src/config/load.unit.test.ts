import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReckonError } from '../domain/errors.js';
import { loadConfigFile } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'reckon-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DEMO_TEXT = readFileSync(new URL('../../config/demo.json', import.meta.url), 'utf8');
const demo = (): Record<string, any> => JSON.parse(DEMO_TEXT) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let n = 0;

/** Writes `text` as a config file and returns the problems loadConfigFile reports (or [] if it loads). */
function problemsOf(text: string): string[] {
  const path = join(dir, `c${++n}.json`);
  writeFileSync(path, text);
  try {
    loadConfigFile(path);
    return [];
  } catch (err) {
    if (!(err instanceof ReckonError)) throw err;
    expect(err.code).toBe('CONFIG_INVALID');
    return (err.details.length > 0 ? [...err.details] : [err.message]).map((m) => m.replace(path, 'FILE'));
  }
}
const problems = (cfg: object): string[] => problemsOf(JSON.stringify(cfg, null, 2));

describe('config validation reports every problem at once, with its path', () => {
  it('a type error does not hide the semantic ones (invalid seed and an unknown instrument)', () => {
    const cfg = demo();
    cfg.seed = -3;
    cfg.strategies[1].instrument = 'FIX-NOPE';
    const p = problems(cfg);
    expect(p).toHaveLength(2);
    expect(p[0]).toMatch(/^FILE:2: seed: Too small/);
    expect(p[1]).toMatch(/^FILE:\d+: strategies\[1\]\.instrument: unknown instrument "FIX-NOPE"$/);
  });

  it('invalid increments are one problem, not also an "unknown instrument" for the strategies on it', () => {
    const cfg = demo();
    cfg.instruments[0].priceIncrement = '0.0001';
    cfg.instruments[0].sizeIncrement = '0.001';
    const p = problems(cfg);
    expect(p).toEqual([expect.stringMatching(/^FILE:\d+: instruments\[0\]: instrument FIX-ALPHA: price and size increments together need more than 6 decimals$/)]);
    cfg.instruments[1].priceIncrement = 'five cents';
    expect(problems(cfg).join('\n')).not.toMatch(/unknown instrument/);
  });

  it('a JSON syntax error names line:column', () => {
    expect(problemsOf('{\n  "seed": 1,\n  "accounts": ]\n}')).toEqual(['FILE:3:15: not valid JSON (Unexpected token RBracket found.)']);
    expect(problemsOf('{"seed": 1,}')[0]).toMatch(/^FILE:1:12: not valid JSON/);
  });

  it('a number where an exact decimal string belongs says how to write it', () => {
    const text = DEMO_TEXT.replace('"priceIncrement": "0.01"', '"priceIncrement": 0.01');
    expect(problemsOf(text)).toEqual(['FILE:12: instruments[0].priceIncrement: expected a decimal string, got the number 0.01: write it as a string "0.01" so it stays exact']);
  });

  it('duplicate keys are refused, naming the key and both lines', () => {
    const text = DEMO_TEXT.replace('"seed": 17,', '"seed": 17,\n  "seed": 18,').replace('"maxOrderQty": "400",', '"maxOrderQty": "400",\n      "maxOrderQty": "4000",');
    expect(problemsOf(text)).toEqual([
      'FILE:3: (root): duplicate key "seed" (first at line 2)',
      'FILE:17: instruments[0]: duplicate key "maxOrderQty" (first at line 16)',
    ]);
  });

  it('a "__proto__" key is an unknown key, never the prototype', () => {
    expect(problemsOf(DEMO_TEXT.replace('"seed": 17,', '"seed": 17, "__proto__": { "polluted": true },'))).toEqual(['FILE:1: (root): unknown key(s) "__proto__"']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('collects schema, reference and decimal problems together', () => {
    const cfg = demo();
    cfg.colour = 'blue';
    cfg.accounts[0].startingCash = '1.0000001';
    cfg.strategies[0].account = 'nobody';
    cfg.strategies[2].quantity = '1.5';
    cfg.risk.orderRate.maxOrders = 0;
    delete cfg.risk.priceCollarBps;
    const p = problems(cfg).map((m) => m.replace(/^FILE:\d+: /, ''));
    expect(p.sort()).toEqual([
      '(root): unknown key(s) "colour"',
      'accounts[0].startingCash: "1.0000001" needs at most 6 decimals',
      'risk.orderRate.maxOrders: Too small: expected number to be >=1',
      'risk.priceCollarBps: required (number)',
      'strategies[0].account: unknown account "nobody"',
      'strategies[2].quantity: "1.5" is not a positive multiple of size increment 1',
    ]);
  });
});

describe('configured numbers are checked against what the fixed-point domain can hold', () => {
  const bad = (edit: (c: Record<string, any>) => void, path: string, why: RegExp) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const cfg = demo();
    edit(cfg);
    const p = problems(cfg);
    expect(p, p.join('\n')).toEqual([expect.stringMatching(new RegExp(`^FILE:\\d+: ${path.replace(/[[\].]/g, '\\$&')}: ${why.source}`))]);
  };

  it('refuses the values that crashed a run with "fixed-point overflow"', () => {
    bad((c) => { c.accounts[0].startingCash = '5000000000'; }, 'accounts[0].startingCash', /"5000000000" is more than the fixed-point money domain can hold at leverage 2: at most 2251799813\.685247/);
    bad((c) => { c.provider.feeBps = '10000000'; }, 'provider.feeBps', /"10000000" is more than 100% of the notional/);
    bad((c) => { c.provider.latencyMs = 2 ** 53 - 1; }, 'provider.latencyMs', /must be at most 315360000000 ms/);
    bad((c) => { c.reconciliation.intervalMs = 1e17; }, 'reconciliation.intervalMs', /must be at most/);
    bad((c) => { c.instruments[0].maxPosition = '1000000000000'; }, 'instruments[0].maxPosition', /maxPosition \+ maxOrderQty \+ strategy quantities = 1000000000750 is too large .* even a price of 1 would overflow; at most 562949953$/);
    bad((c) => { c.risk.maxOrderNotional = '9000000000'; }, 'risk.maxOrderNotional', /.*at most 2251799813\.685247/);
    bad((c) => { c.risk.maxGrossExposure = '9000000000'; }, 'risk.maxGrossExposure', /.*at most 2251799813\.685247/);
    bad((c) => { c.provider.leverage = 10; c.accounts[0].startingCash = '500000000'; }, 'accounts[0].startingCash', /.*at leverage 10: at most 450359962\.737049/);
  });

});
