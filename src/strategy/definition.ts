/**
 * Load-time checks of a strategy module: the default export's shape, the merged params, and what
 * `create(ctx)` returned. Each problem is a ReckonError (BAD_INPUT, exit 2) naming the strategy
 * and the module: a module that cannot be used stops the run before its first bar.
 */
import { ReckonError } from '../domain/errors.js';
import type { Params, ParamValue, Strategy as StrategyDefinition, StrategyInstance } from './api.js';
import { describeValue } from './output.js';

const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * The module's default export as a strategy definition, or BAD_INPUT naming what is wrong.
 *
 * @example
 * const def = checkDefinition((await import(url)).default, 'strategy breakout (./strategies/breakout.mjs)');
 */
export function checkDefinition(exported: unknown, where: string): StrategyDefinition {
  if (exported === undefined) throw new ReckonError('BAD_INPUT', `${where}: the module has no default export; expected export default { name, params?, create(ctx) }`);
  if (typeof exported !== 'object' || exported === null) {
    throw new ReckonError('BAD_INPUT', `${where}: the module's default export is ${describeValue(exported)}; expected { name, params?, create(ctx) } (export default { ... })`);
  }
  const d = exported as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof d.name !== 'string' || d.name.trim() === '') problems.push(`name must be a non-empty string (got ${describeValue(d.name)})`);
  if (typeof d.create !== 'function') problems.push(`create must be a function create(ctx) returning { onBar(bar) } (got ${describeValue(d.create)})`);
  if (d.params !== undefined && kindOf(d.params) !== 'object') problems.push(`params must be an object of defaults (got ${describeValue(d.params)})`);
  if (problems.length > 0) throw new ReckonError('BAD_INPUT', `${where}: the default export is not a strategy: ${problems.join('; ')}`);
  return exported as StrategyDefinition;
}

/**
 * The module's defaults with the config's params over them. When the module declares defaults,
 * the config may only set those keys, each with a value of the default's type (a typo is an error,
 * never a silently ignored parameter).
 *
 * @example
 * mergeParams({ lookback: 20 }, { lookback: 50 }, where) // { lookback: 50 }
 * mergeParams({ lookback: 20 }, { lookbak: 50 }, where)  // throws: params.lookbak is not a parameter of ... (lookback)
 */
export function mergeParams(defaults: Params | undefined, overrides: Readonly<Record<string, unknown>>, where: string): Params {
  if (defaults === undefined) return { ...(overrides as Params) };
  const problems: string[] = [];
  const known = Object.keys(defaults);
  for (const [k, v] of Object.entries(overrides)) {
    if (!Object.prototype.hasOwnProperty.call(defaults, k)) {
      problems.push(`params.${k} is not a parameter of this strategy (${known.length > 0 ? known.join(', ') : 'it declares none'})`);
    } else if (defaults[k] !== null && kindOf(defaults[k]) !== kindOf(v)) {
      problems.push(`params.${k} is ${describeValue(v)}, but the default ${JSON.stringify(defaults[k])} is a ${kindOf(defaults[k])}`);
    }
  }
  if (problems.length > 0) throw new ReckonError('BAD_INPUT', `${where}: ${problems.join('; ')}`);
  return { ...defaults, ...(overrides as Record<string, ParamValue>) };
}

/** What create(ctx) returned, checked to have onBar. */
export function checkInstance(instance: unknown, where: string): StrategyInstance {
  if (typeof instance !== 'object' || instance === null || typeof (instance as { onBar?: unknown }).onBar !== 'function') {
    throw new ReckonError('BAD_INPUT', `${where}: create(ctx) returned ${describeValue(instance)}; expected an object with onBar(bar)`);
  }
  return instance as StrategyInstance;
}

/** An error's message with the first stack frame (file:line) when there is one. */
export function errorText(e: unknown): string {
  if (!(e instanceof Error)) return `${describeValue(e)} was thrown`;
  const frame = /\n\s+at (?:.*?\()?((?:file:\/\/)?[^()\s]+:\d+:\d+)\)?/.exec(e.stack ?? '');
  const at = frame ? ` (at ${frame[1]!.replace(/^file:\/\//, '')})` : '';
  return `${e.name === 'Error' ? '' : e.name + ': '}${e.message}${at}`;
}
