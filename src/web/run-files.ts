/**
 * Reads the files a run writes beside its journal: summary.json, equity.csv, prices.csv.
 * Values stay the exact decimal strings of the files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReckonError } from '../domain/errors.js';
import { MONEY_SCALE, parseFixed } from '../domain/fixed-point.js';
import type { PriceSeries, RunSummary } from './data-types.js';

export interface EquityRow {
  readonly ts: number;
  readonly equity: string;
  readonly cash: string;
  readonly drawdownPct: number;
}

function lines(text: string): string[][] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '').map((l) => l.split(','));
}

function columns(header: string[] | undefined, want: readonly string[], file: string): number[] {
  const idx = want.map((w) => (header ?? []).indexOf(w));
  const missing = want.filter((_, i) => idx[i]! < 0);
  if (missing.length) throw new ReckonError('BAD_INPUT', `${file}: missing column(s) ${missing.join(', ')}`);
  return idx;
}

/** equity.csv: `ts,equity,cash,drawdown_pct`. */
export function parseEquityCsv(text: string): EquityRow[] {
  const [header, ...rows] = lines(text);
  const [ts, eq, cash, dd] = columns(header, ['ts', 'equity', 'cash', 'drawdown_pct'], 'equity.csv') as [number, number, number, number];
  return rows.map((r) => ({ ts: Number(r[ts]), equity: r[eq]!, cash: r[cash]!, drawdownPct: Number(r[dd]) }));
}

/** Integer money units at 6 decimals from an exact decimal string ("1000.5" → 1000500000). */
export function moneyUnits(text: string): number {
  return parseFixed(text, MONEY_SCALE, 'money');
}

/** prices.csv: `ts,instrument,open,high,low,close`, grouped per instrument in file order. */
export function parsePricesCsv(text: string): PriceSeries[] {
  const [header, ...rows] = lines(text);
  const [ts, ins, o, h, l, c] = columns(header, ['ts', 'instrument', 'open', 'high', 'low', 'close'], 'prices.csv') as [number, number, number, number, number, number];
  const by = new Map<string, { instrument: string; ts: number[]; open: string[]; high: string[]; low: string[]; close: string[] }>();
  for (const r of rows) {
    const id = r[ins]!;
    let s = by.get(id);
    if (!s) { s = { instrument: id, ts: [], open: [], high: [], low: [], close: [] }; by.set(id, s); }
    s.ts.push(Number(r[ts])); s.open.push(r[o]!); s.high.push(r[h]!); s.low.push(r[l]!); s.close.push(r[c]!);
  }
  return [...by.values()].sort((a, b) => (a.instrument < b.instrument ? -1 : 1));
}

export interface RunFiles {
  readonly summary: RunSummary | null;
  readonly equity: EquityRow[] | null;
  readonly prices: PriceSeries[] | null;
}

/** Whatever of summary.json, equity.csv and prices.csv exists in `dir`. */
export function readRunFiles(dir: string): RunFiles {
  const read = (name: string): string | null => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : null);
  const summary = read('summary.json');
  const equity = read('equity.csv');
  const prices = read('prices.csv');
  return {
    summary: summary === null ? null : (JSON.parse(summary) as RunSummary),
    equity: equity === null ? null : parseEquityCsv(equity),
    prices: prices === null ? null : parsePricesCsv(prices),
  };
}
