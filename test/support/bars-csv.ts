/** Writes a small deterministic bar CSV for strategy tests: FIX-ALPHA (tick 0.01, lot 1) and FIX-CHARLIE (tick 0.5, lot 0.001), one bar each per minute. */
import { writeFileSync } from 'node:fs';

export const T0 = 1_767_571_200_000;

export const STRATEGY_TEST_INSTRUMENTS = {
  'FIX-ALPHA': { priceIncrement: '0.01', sizeIncrement: '1', maxPosition: '300' },
  'FIX-CHARLIE': { priceIncrement: '0.5', sizeIncrement: '0.001', maxPosition: '2' },
} as const;

/**
 * @example
 * writeBarsCsv(join(dir, 'bars.csv'), 400) // 801 lines: header + 400 minutes × 2 instruments
 */
export function writeBarsCsv(path: string, minutes: number): string {
  const rows = ['ts,instrument,open,high,low,close,volume'];
  let a = 10_000, c = 12_000; // ALPHA in cents, CHARLIE in half units
  for (let i = 0; i < minutes; i++) {
    const ts = T0 + i * 60_000;
    const na = Math.max(1_000, a + Math.round(40 * Math.sin(i / 17) + 25 * Math.sin(i / 5)));
    const nc = Math.max(200, c + Math.round(30 * Math.sin(i / 23) + 10 * Math.cos(i / 4)));
    rows.push(`${ts},FIX-ALPHA,${(a / 100).toFixed(2)},${(Math.max(a, na) / 100 + 0.05).toFixed(2)},${(Math.min(a, na) / 100 - 0.05).toFixed(2)},${(na / 100).toFixed(2)},5000`);
    rows.push(`${ts},FIX-CHARLIE,${(c / 2).toFixed(1)},${(Math.max(c, nc) / 2 + 0.5).toFixed(1)},${(Math.min(c, nc) / 2 - 0.5).toFixed(1)},${(nc / 2).toFixed(1)},50.000`);
    a = na; c = nc;
  }
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}
