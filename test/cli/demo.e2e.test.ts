import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reckon, tempDir } from '../support/cli.js';

describe('reckon demo (the README main job)', () => {
  it('replays the bundled sample and shows fills, risk and provider rejections and reconciliation flags', () => {
    const out = join(tempDir(), 'demo');
    const r = reckon(['demo', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    for (const text of ['market events', 'S03 risk rejected', 'desired', 'expected', 'confirmed', 'residual', 'drift', 'head']) expect(r.stdout).toContain(text);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.counts.marketEvents).toBe(201_600);
    expect(s.counts.fills).toBeGreaterThan(0);
    expect(s.counts.riskRejected).toBeGreaterThan(0);
    expect(s.counts.providerRejected).toBeGreaterThan(0);
    expect(s.counts.flags).toBeGreaterThan(0);
    for (const f of ['journal.db', 'summary.json', 'equity.csv', 'prices.csv']) expect(existsSync(join(out, f))).toBe(true);
    const flags = reckon(['journal', 'export', join(out, 'journal.db')]).stdout.split('\n').filter((l) => l.includes('"type":"S07.operator"'));
    expect(flags.some((l) => l.includes('"code":"RESIDUAL_UNEXPLAINED"') && l.includes('drift visible for review'))).toBe(true);
  });
});
