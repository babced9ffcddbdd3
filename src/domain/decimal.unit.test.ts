import { describe, expect, it } from 'vitest';
import { add, cmp, dec, div, fmt, fmtSigned, mul, round, sub } from './decimal.js';

describe('exact decimals', () => {
  it('adds and subtracts across scales without float error', () => {
    expect(fmt(add(dec('0.1'), dec('0.2')))).toBe('0.3');
    expect(fmt(sub(dec('1'), dec('1.005')))).toBe('-0.005');
    expect(fmt(add(dec('+2'), dec('-2.000')))).toBe('0');
    expect(fmtSigned(dec('2'))).toBe('+2');
    expect(fmtSigned(dec('-0.50'))).toBe('-0.5');
  });
  it('multiplies, rounds half away from zero and divides', () => {
    expect(fmt(mul(dec('100.25'), dec('0.003')))).toBe('0.30075');
    expect(fmt(round(dec('0.30075'), 4), 4)).toBe('0.3008');
    expect(fmt(round(dec('-0.30075'), 4), 4)).toBe('-0.3008');
    expect(fmt(div(dec('1'), dec('3'), 6), 6)).toBe('0.333333');
    expect(fmt(div(dec('2'), dec('3'), 6), 6)).toBe('0.666667');
    expect(fmt(dec('1.50'), 6)).toBe('1.500000');
    expect(cmp(dec('1.50'), dec('1.5'))).toBe(0);
  });
  it('refuses what is not a decimal', () => {
    expect(() => dec('1e5')).toThrow();
    expect(() => dec('')).toThrow();
  });
});
