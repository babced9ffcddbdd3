/**
 * Importing a strategy module file: TypeScript through the loader hooks of ts-hooks.ts
 * (registered once per thread), the default export checked. Used by the worker and by modules
 * configured with `isolation: "in-process"`.
 */
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ReckonError } from '../domain/errors.js';
import type { Strategy as StrategyDefinition } from './api.js';
import { checkDefinition, errorText } from './definition.js';

const here = fileURLToPath(import.meta.url);

/** A compiled file of this folder (running from sources under a test runner: the one in dist/). */
export function compiledFile(name: string): string {
  const dir = dirname(here);
  return here.endsWith('.ts') ? join(dir, '..', '..', 'dist', 'strategy', name) : join(dir, name);
}

export const isTypeScript = (file: string): boolean => /\.m?ts$/.test(file);

let tsHooks = false;

/**
 * The checked default export of a module file, or BAD_INPUT naming the strategy and the module.
 *
 * @example
 * const def = await importDefinition('/abs/strategies/breakout.ts', 'strategy bo (./strategies/breakout.ts)');
 */
export async function importDefinition(file: string, where: string): Promise<StrategyDefinition> {
  if (!existsSync(file)) throw new ReckonError('BAD_INPUT', `${where}: no such module file ${file}`);
  if (isTypeScript(file) && !tsHooks) {
    register(pathToFileURL(compiledFile('ts-hooks.js')).href);
    process.setSourceMapsEnabled(true);
    tsHooks = true;
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    throw new ReckonError('BAD_INPUT', `${where}: cannot load the module: ${errorText(e)}`);
  }
  return checkDefinition('default' in mod ? mod.default : undefined, where);
}
