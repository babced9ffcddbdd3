import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseConfig } from '../config/load.js';
import { maxSafePrice, moneyDomain, worstQuantity } from './bounds.js';
import { mulExact } from './fixed-point.js';
import { feeOf, makeInstrument, notional } from './instrument.js';

const demo = (): unknown => JSON.parse(readFileSync(new URL('../../config/demo.json', import.meta.url), 'utf8'));

describe('fixed-point bounds', () => {
  it('maxSafePrice: the documented example, on the tick', () => {
    const alpha = makeInstrument('FIX-ALPHA', 0, '0.01', '1');
    expect(moneyDomain(2, 4)).toEqual({ ceiling: 2251799813685247, perInstrument: 562949953421311 });
    expect(maxSafePrice(alpha, { maxPosition: 300, maxOrderQty: 400, strategyQty: 350 }, moneyDomain(2, 4))).toBe(53614281);
    const bravo = makeInstrument('FIX-BRAVO', 1, '0.05', '1');
    expect(maxSafePrice(bravo, { maxPosition: 1, maxOrderQty: 0 }, moneyDomain(2, 4)) % 5).toBe(0);
  });

  it('the demo config passes, and at its safe prices the worst-case products stay exact (property)', () => {
    const cfg = parseConfig(demo(), 'demo');
    for (const inst of cfg.instruments) {
      const l = cfg.limits.get(inst.id)!;
      const strategyQty = cfg.strategies.filter((s) => s.instrument === inst.id).reduce((a, s) => a + cfg.strategyQty.get(s.id)!, 0);
      const worst = worstQuantity({ ...l, strategyQty });
      expect(l.maxSafePrice).toBeGreaterThan(1000 * 10 ** inst.priceScale);
      fc.assert(fc.property(fc.integer({ min: 1, max: l.maxSafePrice }), fc.integer({ min: 1, max: worst }), (price, qty) => {
        const n = notional(inst, price, qty);
        expect(n).toBeLessThanOrEqual(cfg.moneyDomain.perInstrument);
        feeOf(n, cfg.feeCentiBps);
        // cash at its ceiling plus every instrument at this notional, times leverage: the venue's buying power
        mulExact(cfg.raw.provider.leverage, cfg.moneyDomain.ceiling + n * cfg.instruments.length);
      }), { numRuns: 200 });
    }
  });

  it('feeOf is exact for every notional below 2^53 at rates up to 100%', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 1_000_000 }), (n, rate) => {
      const exact = (BigInt(n) * BigInt(rate) * 2n + 1_000_000n) / 2_000_000n; // half away from zero, n >= 0
      expect(feeOf(n, rate)).toBe(Number(exact));
      expect(feeOf(-n, rate)).toBe(Number(exact));
    }), { numRuns: 2000 });
  });
});
