import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALPHA, CHARLIE } from '../../test/support/records.js';
import { formatSigned } from '../domain/fixed-point.js';
import { makeInstrument } from '../domain/instrument.js';
import { checkOutput, checkTarget, outputWire, type TargetLimits } from './output.js';

const alpha: TargetLimits = { instrument: ALPHA, maxPosition: 300, maxPositionText: '300' };
const charlie: TargetLimits = { instrument: CHARLIE, maxPosition: 2000, maxPositionText: '2.000' };
const lot5: TargetLimits = { instrument: makeInstrument('LOT5', 2, '0.01', '0.05'), maxPosition: 1000, maxPositionText: '10.00' };

describe('strategy output validation', () => {
  it('accepts null/undefined as "no new target" and a signed decimal at the increment', () => {
    expect(checkOutput(null, [alpha])).toBeNull();
    expect(checkOutput(undefined, [alpha])).toBeNull();
    expect(checkOutput({ target: '+200', signal: { fast: 1.5, note: 'x' } }, [alpha])).toEqual({ targets: [{ index: 0, target: 200, text: '+200' }], signal: { fast: 1.5, note: 'x' } });
    expect(checkOutput({ target: '-0.250' }, [charlie])).toEqual({ targets: [{ index: 0, target: -250, text: '-0.250' }], signal: {} });
    expect(checkOutput({ target: '1.5000' }, [charlie])).toMatchObject({ targets: [{ target: 1500 }] }); // zeros beyond the increment are fine
    expect(checkOutput({ target: '-0' }, [alpha])).toMatchObject({ targets: [{ target: 0 }] });
  });

  it.each([
    [{ target: 200 }, /target for FIX-ALPHA is the number 200: targets are decimal strings/],
    [{ target: '1e3' }, /target for FIX-ALPHA is "1e3": not a signed decimal string/],
    [{ target: ' 10' }, /not a signed decimal string/],
    [{ target: '+1.5' }, /target "\+1\.5" for FIX-ALPHA is off the size increment 1$/],
    [{ target: '+301' }, /target "\+301" for FIX-ALPHA is above maxPosition 300$/],
    [{ target: '-301' }, /above maxPosition 300/],
    [{ target: '99999999999999999999' }, /is too large/],
    [{ target: null }, /is null: not a signed decimal/],
    [{}, /without a target/],
    [{ taget: '+1' }, /unknown field "taget"/],
    [{ target: '+1', signal: { x: NaN } }, /signal\.x is NaN: not a finite number/],
    [{ target: '+1', signal: { x: true } }, /signal\.x is a boolean: signal values are numbers or strings/],
    [{ target: '+1', signal: { x: { y: 1 } } }, /signal\.x is an object/],
    [{ target: '+1', signal: 'hi' }, /signal is "hi": expected an object/],
    [{ target: '+1', signal: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i])) }, /signal has 65 keys/],
    [{ target: { 'FIX-BRAVO': '+1' } }, /target names instrument "FIX-BRAVO", which this strategy does not trade \(FIX-ALPHA\)/],
    [{ target: {} }, /target is an empty object/],
    ['+10', /onBar returned "\+10": expected \{ target, signal\? \} or null/],
    [[{ target: '+1' }], /onBar returned an array/],
    [Promise.resolve(null), /a Promise \(onBar must be synchronous\)/],
  ])('refuses %o', (raw, reason) => {
    const out = checkOutput(raw, [alpha]);
    expect(out).not.toBeNull();
    expect(out && 'fault' in out ? out.fault : '').toMatch(reason);
    void (raw instanceof Promise && raw.catch(() => {}));
  });

  it('several instruments: an object of targets (any order, sorted by instrument), a string is refused as ambiguous', () => {
    expect(checkOutput({ target: { 'FIX-CHARLIE': '-1.000', 'FIX-ALPHA': '+5' } }, [alpha, charlie])).toEqual({
      targets: [{ index: 0, target: 5, text: '+5' }, { index: 1, target: -1000, text: '-1.000' }], signal: {},
    });
    expect(checkOutput({ target: { 'FIX-CHARLIE': '+0.0005' } }, [alpha, charlie])).toEqual({ fault: 'target "+0.0005" for FIX-CHARLIE is off the size increment 0.001' });
    expect(checkOutput({ target: '+1' }, [alpha, charlie])).toMatchObject({ fault: expect.stringContaining('this strategy trades FIX-ALPHA, FIX-CHARLIE: give an object') });
  });

  it('property: every multiple of the increment within maxPosition is accepted exactly; every non-multiple is refused', () => {
    fc.assert(fc.property(fc.integer({ min: -200, max: 200 }), fc.integer({ min: 1, max: 4 }), (k, off) => {
      const ok = checkTarget(formatSigned(k * 5, 2), lot5);
      const bad = checkTarget(formatSigned(k * 5 + off, 2), lot5);
      return ok === (k === 0 ? 0 : k * 5) && typeof bad === 'string' && bad.includes('off the size increment 0.05');
    }));
  });

  it('the wire form a worker sends checks to the same result on the main thread', () => {
    const out = checkOutput({ target: { 'FIX-CHARLIE': '+1.25', 'FIX-ALPHA': '-3' }, signal: { z: -0 } }, [alpha, charlie]);
    const wire = JSON.parse(outputWire(out, [alpha, charlie])) as { ok: unknown };
    expect(checkOutput(wire.ok, [alpha, charlie])).toEqual(out);
    expect(outputWire(null, [alpha])).toBe('{"ok":null}');
    expect(JSON.parse(outputWire({ fault: 'x' }, [alpha]))).toEqual({ fault: 'x' });
  });
});
