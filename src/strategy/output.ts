/**
 * Validation of what a strategy module's `onBar` returned: a pure function from the raw value to
 * exact integer targets, or a fault naming what was wrong. Nothing a module returns reaches the
 * engine without passing here (in the worker, and again on the main thread for worker modules).
 *
 * Accepted: `null`/`undefined` (no new target), or `{ target, signal? }` where `target` is a
 * signed decimal string ("+10", "-0.250", "0") at the instrument's size increment and within its
 * maxPosition, or (any strategy; required with several instruments) an object of such strings by
 * instrument id. `signal` is an object of finite numbers and strings (at most 64 keys).
 */
import { tryParseFixed } from '../domain/fixed-point.js';
import type { Instrument } from '../domain/types.js';

/** An instrument with the position limit a target must stay within (integer at sizeScale). */
export interface TargetLimits {
  readonly instrument: Instrument;
  readonly maxPosition: number;
  /** maxPosition as configured, for messages. */
  readonly maxPositionText: string;
}

export type CheckedOutput =
  | { readonly targets: readonly { readonly index: number; readonly target: number; readonly text: string }[]; readonly signal: Readonly<Record<string, number | string>> }
  | { readonly fault: string }
  | null;

const DECIMAL = /^[+-]?\d+(\.\d+)?$/;
const MAX_SIGNAL_KEYS = 64;
const MAX_KEY_LENGTH = 64;
const MAX_STRING_LENGTH = 256;

/** A short, safe description of any value for a fault message. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : `the number ${v}`;
  if (typeof v === 'bigint') return `the bigint ${v}n`;
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'object') return typeof (v as { then?: unknown }).then === 'function' ? 'a Promise (onBar must be synchronous)' : 'an object';
  return `a ${typeof v}`;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * Checks one target string for one instrument: the integer at sizeScale, or the reason it is refused.
 *
 * @example
 * checkTarget('+1.5', { instrument: alpha, maxPosition: 300, maxPositionText: '300' }) // 'target "+1.5" for FIX-ALPHA is off the size increment 1'
 */
export function checkTarget(value: unknown, l: TargetLimits): number | string {
  const id = l.instrument.id;
  if (typeof value === 'number') return `target for ${id} is ${describeValue(value)}: targets are decimal strings like "+10", so a float never becomes a position (ctx.target(x) makes one)`;
  if (typeof value !== 'string' || !DECIMAL.test(value)) return `target for ${id} is ${describeValue(value)}: not a signed decimal string like "+10" or "-0.5"`;
  const inst = l.instrument;
  const dot = value.indexOf('.');
  const beyond = dot < 0 ? '' : value.slice(dot + 1 + inst.sizeScale);
  if (/[1-9]/.test(beyond)) return `target "${value}" for ${id} is off the size increment ${inst.sizeIncrement}`;
  const v = tryParseFixed(value, inst.sizeScale);
  if (v === undefined) return `target "${value}" for ${id} is too large`;
  if (v % inst.lot !== 0) return `target "${value}" for ${id} is off the size increment ${inst.sizeIncrement}`;
  if (Math.abs(v) > l.maxPosition) return `target "${value}" for ${id} is above maxPosition ${l.maxPositionText}`;
  return v === 0 ? 0 : v; // -0 -> 0
}

function checkSignal(raw: unknown): Readonly<Record<string, number | string>> | string {
  if (raw === undefined) return {};
  if (!isPlainObject(raw)) return `signal is ${describeValue(raw)}: expected an object of numbers and strings`;
  const keys = Object.keys(raw);
  if (keys.length > MAX_SIGNAL_KEYS) return `signal has ${keys.length} keys (at most ${MAX_SIGNAL_KEYS})`;
  const out: Record<string, number | string> = {};
  for (const k of keys) {
    if (k.length > MAX_KEY_LENGTH) return `signal key "${k.slice(0, 20)}…" is longer than ${MAX_KEY_LENGTH} characters`;
    const v = raw[k];
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return `signal.${k} is ${describeValue(v)}: not a finite number`;
      out[k] = v === 0 ? 0 : v;
    } else if (typeof v === 'string') {
      if (v.length > MAX_STRING_LENGTH) return `signal.${k} is a string of ${v.length} characters (at most ${MAX_STRING_LENGTH})`;
      out[k] = v;
    } else {
      return `signal.${k} is ${describeValue(v)}: signal values are numbers or strings`;
    }
  }
  return out;
}

/**
 * Validates one `onBar` output against the strategy's instruments.
 *
 * @example
 * checkOutput({ target: '+200', signal: { fast: 1.2 } }, [alphaLimits]) // { targets: [{ index: 0, target: 200, text: '+200' }], signal: { fast: 1.2 } }
 * checkOutput({ target: 200 }, [alphaLimits])                          // { fault: 'target for FIX-ALPHA is the number 200: ...' }
 */
export function checkOutput(raw: unknown, limits: readonly TargetLimits[]): CheckedOutput {
  if (raw === null || raw === undefined) return null;
  if (!isPlainObject(raw)) return { fault: `onBar returned ${describeValue(raw)}: expected { target, signal? } or null` };
  for (const k of Object.keys(raw)) {
    if (k !== 'target' && k !== 'signal') return { fault: `onBar returned an unknown field "${k.slice(0, 40)}" (expected target and optionally signal)` };
  }
  if (!('target' in raw) || raw.target === undefined) return { fault: 'onBar returned an object without a target (return null to keep the target)' };
  const signal = checkSignal(raw.signal);
  if (typeof signal === 'string') return { fault: signal };
  const t = raw.target;
  const targets: { index: number; target: number; text: string }[] = [];
  if (isPlainObject(t)) {
    const ids = Object.keys(t);
    if (ids.length === 0) return { fault: 'target is an empty object: name at least one instrument, or return null to keep the targets' };
    for (const instId of ids) {
      const index = limits.findIndex((l) => l.instrument.id === instId);
      if (index < 0) return { fault: `target names instrument "${instId.slice(0, 40)}", which this strategy does not trade (${limits.map((l) => l.instrument.id).join(', ')})` };
      const v = checkTarget(t[instId], limits[index]!);
      if (typeof v === 'string') return { fault: v };
      targets.push({ index, target: v, text: t[instId] as string });
    }
    targets.sort((a, b) => a.index - b.index);
  } else {
    if (limits.length !== 1) {
      return { fault: `target is ${describeValue(t)}, but this strategy trades ${limits.map((l) => l.instrument.id).join(', ')}: give an object { "${limits[0]!.instrument.id}": "+1", ... }` };
    }
    const v = checkTarget(t, limits[0]!);
    if (typeof v === 'string') return { fault: v };
    targets.push({ index: 0, target: v, text: t as string });
  }
  return { targets, signal };
}

/**
 * The checked output as the JSON a worker sends: `{"ok":null}`, `{"ok":{target,signal}}` or
 * `{"fault":"..."}`. The main thread checks `ok` again with {@link checkOutput}.
 */
export function outputWire(out: CheckedOutput, limits: readonly TargetLimits[]): string {
  if (out === null) return '{"ok":null}';
  if ('fault' in out) return JSON.stringify({ fault: out.fault });
  const target: Record<string, string> = {};
  for (const t of out.targets) target[limits[t.index]!.instrument.id] = t.text;
  return JSON.stringify({ ok: { target, signal: out.signal } });
}
