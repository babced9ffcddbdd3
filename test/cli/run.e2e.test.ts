import { describe, expect, it, beforeAll } from 'vitest';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { generateSampleBars } from '../../src/marketdata/sample.js';
import { parseFixed } from '../../src/domain/fixed-point.js';
import { reckon, tempDir } from '../support/cli.js';

let dir: string;
let data: string;
let first: ReturnType<typeof reckon>;
const summaryOf = (out: string) => JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));

beforeAll(async () => {
  dir = tempDir();
  data = join(dir, 'bars.csv');
  await generateSampleBars(data, { barsPerInstrument: 6000 });
  first = reckon(['run', '--data', data, '--out', join(dir, 'a')]);
});

describe('reckon run (replay through the whole pipeline)', () => {
  it('writes journal.db and summary.json with every documented key, and the journal verifies', () => {
    const out = join(dir, 'a');
    const r = first;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('market events');
    const s = summaryOf(out);
    expect(Object.keys(s)).toEqual(['counts', 'positions', 'performance', 'journal', 'throughput', 'heldBack', 'pnl', 'data']);
    expect(Object.keys(s.counts).sort()).toEqual(['badRows', 'drifts', 'fills', 'flags', 'intents', 'marketEvents', 'orders', 'providerEvents', 'providerRejected', 'reconciliations', 'riskAccepted', 'riskRejected'].sort());
    expect(Object.keys(s.performance)).toEqual(['startingEquity', 'endingEquity', 'returnPct', 'maxDrawdownPct', 'sharpe', 'trades', 'fees', 'periodDays', 'annualisedMeaningful']);
    expect(s.counts.marketEvents).toBe(24_000);
    expect(s.counts.fills).toBeGreaterThan(0);
    expect(s.journal.headHash).toMatch(/^[0-9a-f]{64}$/);
    const v = reckon(['journal', 'verify', join(out, 'journal.db')]);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain(`last seq ${s.journal.lastSeq}`);
  });

  it('is deterministic: the same data, config and seed give the same head hash; another seed is still valid', () => {
    const h = (out: string, extra: string[] = []) => {
      expect(reckon(['run', '--data', data, '--out', join(dir, out), '--json', ...extra]).code).toBe(0);
      return summaryOf(join(dir, out)).journal.headHash as string;
    };
    expect(h('det-1')).toBe(h('det-2'));
    expect(h('det-seed', ['--seed', '99'])).not.toBe(h('det-3'));
  });

  it('confirmed in summary.json equals the sum of fills in the exported journal, per instrument', () => {
    const out = join(dir, 'a');
    const s = summaryOf(out);
    const exported = reckon(['journal', 'export', join(out, 'journal.db')]);
    expect(exported.code).toBe(0);
    const lines = exported.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBe(s.journal.lastSeq);
    expect(lines.map((l) => l.seq)).toEqual(Array.from({ length: lines.length }, (_, i) => i + 1));
    const scale = (id: string) => (id === 'FIX-CHARLIE' ? 3 : 0);
    const sums = new Map<string, number>();
    for (const l of lines) {
      if (l.type === 'S05.provider' && (l.payload.kind === 'fill' || l.payload.kind === 'partial_fill')) {
        sums.set(l.instrument, (sums.get(l.instrument) ?? 0) + (l.payload.side === 'buy' ? 1 : -1) * parseFixed(l.payload.lastQty, scale(l.instrument)));
      }
    }
    for (const p of s.positions) expect(parseFixed(p.confirmed, scale(p.instrument))).toBe(sums.get(p.instrument) ?? 0);
  });

  it('refuses to overwrite an existing journal without --resume (exit 2)', () => {
    const r = reckon(['run', '--data', data, '--out', join(dir, 'a')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('already exists: pass --resume');
  });
});

describe('reckon journal verify detects tampering', () => {
  const tampered = (name: string, sql: string) => {
    const path = join(dir, `${name}.db`);
    copyFileSync(join(dir, 'a', 'journal.db'), path);
    const db = new Database(path);
    // The append-only triggers stop accidents, not someone editing the file: drop them like a tamperer would.
    db.exec(`DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete; ${sql}`);
    db.close();
    return reckon(['journal', 'verify', path]);
  };
  it('names the seq of an altered row', () => {
    const r = tampered('altered', `UPDATE journal SET payload = replace(payload, '"kind"', '"kind" ') WHERE seq = 10`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/BROKEN at seq 10:/);
  });
  it('names the seq of a removed row', () => {
    const r = tampered('removed', 'DELETE FROM journal WHERE seq = 25');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/BROKEN at seq 25:/);
  });
  it('detects reordered rows', () => {
    const r = tampered('reordered', `UPDATE journal SET seq = -1 WHERE seq = 30; UPDATE journal SET seq = 30 WHERE seq = 31; UPDATE journal SET seq = 31 WHERE seq = -1;`);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/BROKEN at seq 30:/);
  });
  it('exit 2 for a journal path that does not exist', () => {
    expect(reckon(['journal', 'verify', join(dir, 'nope.db')]).code).toBe(2);
  });
});

describe('config validation', () => {
  it('reports unknown keys and every invalid field at once, exit 2', () => {
    const path = join(dir, 'bad-config.json');
    const cfg = JSON.parse(readFileSync(join(import.meta.dirname, '../../config/demo.json'), 'utf8'));
    cfg.colour = 'blue';
    cfg.instruments[0].priceIncrement = 'one cent';
    cfg.strategies[1].instrument = 'FIX-NOPE';
    cfg.risk.orderRate.maxOrders = 0;
    writeFileSync(path, JSON.stringify(cfg));
    const r = reckon(['run', '--data', data, '--config', path, '--out', join(dir, 'cfg')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown key(s) "colour"');
    expect(r.stderr).toContain('instruments[0].priceIncrement');
    expect(r.stderr).toContain('risk.orderRate.maxOrders');
    expect(existsSync(join(dir, 'cfg', 'journal.db'))).toBe(false);
  });
  it('reports semantic problems (unknown instrument reference) with their path', () => {
    const path = join(dir, 'bad-config-2.json');
    const cfg = JSON.parse(readFileSync(join(import.meta.dirname, '../../config/demo.json'), 'utf8'));
    cfg.strategies[1].instrument = 'FIX-NOPE';
    cfg.strategies[2].quantity = '1.5';
    writeFileSync(path, JSON.stringify(cfg));
    const r = reckon(['run', '--data', data, '--config', path, '--out', join(dir, 'cfg2')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('strategies[1].instrument: unknown instrument "FIX-NOPE"');
    expect(r.stderr).toContain('strategies[2].quantity');
  });
});
