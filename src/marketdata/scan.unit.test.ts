import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { ReckonError } from '../domain/errors.js';
import { exampleModule, planConfig } from '../cli/init-config.js';
import { scanMarketData } from './scan.js';
import { inspectMarketData } from './source.js';

const dir = mkdtempSync(join(tmpdir(), 'reckon-scan-'));
let n = 0;
const file = (content: string | Buffer, name = `s${++n}.csv`): string => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const scanOf = async (path: string) => scanMarketData(await inspectMarketData(path), {});

describe('scan: what reckon init infers from values', () => {
  it('increments are the largest decimal step every value is a multiple of', async () => {
    const path = file([
      'Timestamp,Symbol,Open,High,Low,Close,Volume',
      '1767571200,A,100.1,100.30,99.9,100.2,1.23457',
      '1767571260,A,100.2,100.5,100.0,100.4,0.5',
      '1767571200,B,250.05,250.10,250.00,250.05,100',
      '1767571320,B,250.15,250.25,250.00,250.20,300',
      '1767571440,B,250.20,250.25,250.00,250.25,0',
    ].join('\n'));
    const scan = await scanOf(path);
    expect(scan.timestamps).toEqual(['s']);
    const [a, b] = scan.instruments;
    expect(a).toMatchObject({ id: 'A', bars: 2, priceIncrement: '0.1', sizeIncrement: '0.00001', priceDecimals: 1, sizeDecimals: 5, intervalMs: 60_000, maxHigh: 100.5 });
    expect(b).toMatchObject({ id: 'B', bars: 3, priceIncrement: '0.05', sizeIncrement: '100', sizeDecimals: 0, intervalMs: 120_000, zeroVolume: 1 });
    expect([b!.firstTs, b!.lastTs]).toEqual([1767571200000, 1767571440000]);
  });

  it('the interval is the most common gap (weekend gaps do not matter), medians come from every bar', async () => {
    const rows = ['date,symbol,open,high,low,close,volume'];
    for (let d = 0; d < 20; d++) {
      if (d % 7 === 5 || d % 7 === 6) continue;
      const day = new Date(Date.UTC(2025, 0, 6 + d)).toISOString().slice(0, 10);
      rows.push(`${day},X,10,12,9,${10 + (d % 3)},${1000 + d}`);
    }
    const [x] = (await scanOf(file(rows.join('\n') + '\n'))).instruments;
    expect(x).toMatchObject({ intervalMs: 86_400_000, priceIncrement: '1', medianClose: 11, maxHigh: 12 });
  });

  it('counts rows it cannot read instead of guessing', async () => {
    const scan = await scanOf(file('ts,symbol,open,high,low,close,volume\n2026-01-05,A,1,1,1,1,1\nyesterday,A,1,1,1,1,1\n2026-01-06,A,x,1,1,1,1\n'));
    expect(scan).toMatchObject({ unreadable: 2, firstUnreadable: `${join(dir, `s${n}.csv`)}:3` });
    expect(scan.instruments[0]!.bars).toBe(1);
  });
});

describe('planConfig: the config reckon init writes', () => {
  it('is accepted by the real parser, sized by the documented rule, with the detected layout', async () => {
    const rows = ['Timestamp;Symbol;Open;High;Low;Close;Volume'];
    for (let i = 0; i < 50; i++) rows.push(`${1767571200 + 60 * i};BTC-USD;30000.0;30010.0;29990.0;${(30000 + (i % 5) / 10).toFixed(1)};${(20 + (i % 3) / 100_000).toFixed(5)}`);
    const path = file(rows.join('\n'));
    const source = await inspectMarketData(path);
    const plan = planConfig(source, await scanMarketData(source, {}));
    const cfg = parseConfig(plan.config, 'reckon.json');
    // budget 1,000,000 / 30000.2 = 33.3 by cash, median volume 20.00001: two significant digits, even lots
    expect(cfg.raw.instruments[0]).toMatchObject({ id: 'BTC-USD', priceIncrement: '0.1', sizeIncrement: '0.00001', maxPosition: '20', maxOrderQty: '20' });
    expect(plan.instruments[0]!.strategySize).toBe('10');
    expect(cfg.raw.risk.maxOrderNotional).toBe(String(Math.ceil(20 * 30010 * 1.1)));
    expect(cfg.raw.data).toEqual({ columns: { ts: 'Timestamp', instrument: 'Symbol', open: 'Open', high: 'High', low: 'Low', close: 'Close', volume: 'Volume' }, delimiter: ';', timestamp: 's' });
    expect(cfg.raw.execution.timeInForce).toBe('GTC');
    expect(cfg.strategies).toHaveLength(1);
    expect(cfg.strategies[0]!.id).toBe('example-BTC-USD');
  });

  it('a directory whose files differ in layout gets only what they share', async () => {
    const d = join(dir, 'mixed');
    mkdirSync(d);
    writeFileSync(join(d, 'AAA.csv'), 'date,open,high,low,close,volume\n2026-01-05,1.00,1.00,1.00,1.00,10\n2026-01-06,1.01,1.01,1.01,1.01,10\n');
    writeFileSync(join(d, 'BBB.csv.gz'), gzipSync('time;o;h;l;c;v\n1767571200;2.00;2.00;2.00;2.00;10\n1767657600;2.01;2.01;2.01;2.01;10\n'));
    const source = await inspectMarketData(d);
    const plan = planConfig(source, await scanMarketData(source, {}));
    expect(plan.config.data).toEqual({});
    expect(parseConfig(plan.config, 'x').instruments.map((i) => i.id)).toEqual(['AAA', 'BBB']);
  });

  it('refuses data it cannot configure, naming file:line', async () => {
    const plan = async (content: string) => {
      const source = await inspectMarketData(file(content));
      return planConfig(source, await scanMarketData(source, {}));
    };
    await expect(plan('ts,symbol,open,high,low,close,volume\n')).rejects.toThrow(/no bars to configure from$/);
    await expect(plan('ts,symbol,open,high,low,close,volume\nnope,A,1,1,1,1,1\n')).rejects.toThrow(/no bars to configure from; 1 unreadable row\(s\), the first at .*:2$/);
    await expect(plan('ts,pair,open,high,low,close,volume\n2026-01-05,EUR/USD,1.1,1.1,1.1,1.1,1\n')).rejects.toThrow('instrument "EUR/USD" cannot be an instrument id');
    const e = await plan('ts,symbol,open,high,low,close,volume\n2026-01-05,A,1.2345,1.2345,1.2345,1.2345,0.001\n2026-01-06,A,1.2346,1.2346,1.2346,1.2346,0.002\n').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ReckonError);
    expect((e as ReckonError).message).toMatch(/:2: instrument A needs price increment 0\.0001 and size increment 0\.001, 7 decimals together; exact money arithmetic holds 6/);
  });

  it('the example module is the documented API shape and trades a crossover', async () => {
    const url = `data:text/javascript;base64,${Buffer.from(exampleModule()).toString('base64')}`;
    const mod = (await import(url)).default;
    expect(mod.name).toBe('example-ma-crossover');
    const { EMA } = await import('trading-signals');
    const s = mod.create({ params: { fast: 2, slow: 3, quantity: '5' }, indicators: { EMA }, instrument: { id: 'A', priceDecimals: 2 } });
    const out = [1, 1, 1, 2, 3, 4, 3, 2, 1, 0.5].map((close, i) => s.onBar({ ts: i, instrument: 'A', open: close, high: close, low: close, close, volume: 1, line: i + 2 }));
    const changes = out.filter((o) => o !== null);
    expect(changes.map((o) => o.target)).toEqual(['+5', '-5']);
    expect(String(changes[0].signal.fast).split('.')[1]?.length ?? 0).toBeLessThanOrEqual(6);
  });
});
