import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateJournal } from '../../test/browser/fixtures.js';
import { buildCsvExports, csvField, writeCsvExports } from './csv-exports.js';

describe('CSV exports', () => {
  const g = generateJournal(200);
  const out = buildCsvExports(g.records);

  it('has one order row per client order id with its final state', () => {
    const rows = out.orders.trim().split('\n');
    expect(rows[0]).toBe('client_order_id,submitted_ts,intent_id,account,instrument,side,type,time_in_force,quantity,limit_price,status,cum_qty,avg_price,provider_order_id');
    const seed = rows.find((r) => r.startsWith('fixture-intent-017-1,'))!.split(',');
    expect(seed.slice(2)).toEqual(['fixture-intent-017', 'acct-1', 'FIX-ALPHA', 'buy', 'limit', 'DAY', '2', '100.00', 'expired', '1', '100', 'P-017']);
    const ids = rows.slice(1).map((r) => r.split(',')[0]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lists every fill once and positions from the last reconciliation', () => {
    const fills = out.fills.trim().split('\n');
    expect(fills[1]).toContain(',fixture-intent-017,fixture-intent-017-1,P-017,E-017-1,acct-1,FIX-ALPHA,buy,1,100.00,0.100000,partial_fill');
    const execIds = fills.slice(1).map((r) => r.split(',')[4]);
    expect(new Set(execIds).size).toBe(execIds.length);
    expect(out.positions.split('\n')[0]).toBe('account,instrument,desired,expected,confirmed,working,residual,drift');
  });

  it('quotes fields and writes the three files', () => {
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    const dir = mkdtempSync(join(tmpdir(), 'reckon-csv-'));
    const files = writeCsvExports(g.records, dir);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['orders.csv', 'fills.csv', 'positions.csv']);
    expect(readFileSync(files[0]!, 'utf8')).toBe(out.orders);
  });
});
