import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { ReckonError } from '../domain/errors.js';
import { MONEY_SCALE, tryParseFixed } from '../domain/fixed-point.js';
import { makeInstrument } from '../domain/instrument.js';
import type { Account, Instrument, TradingState } from '../domain/types.js';
import { configSchema, type RawConfig, type StrategyConfig } from './schema.js';

/** A validated config with exact integers in place of decimal strings. */
export interface RunConfig {
  readonly raw: RawConfig;
  /** SHA-256 of the canonical JSON of the validated config: recorded in S00 and checked on resume. */
  readonly hash: string;
  readonly seed: number;
  readonly accounts: readonly Account[];
  readonly instruments: readonly Instrument[];
  readonly instrumentById: ReadonlyMap<string, Instrument>;
  readonly limits: ReadonlyMap<string, InstrumentLimits>;
  readonly strategies: readonly StrategyConfig[];
  /** Built-in strategies' quantity (integer at sizeScale); 0 for a module strategy. */
  readonly strategyQty: ReadonlyMap<string, number>;
  readonly money: { readonly maxOrderNotional: number; readonly maxGrossExposure: number };
  readonly feeCentiBps: number;
  readonly participation: { readonly num: number; readonly den: number };
}

export interface InstrumentLimits {
  readonly maxPosition: number;
  readonly maxOrderQty: number;
  readonly venueMaxOrderQty: number;
  readonly tradingState: TradingState;
}

/**
 * Validates a config object; throws CONFIG_INVALID listing every problem at once.
 *
 * @example
 * const cfg = parseConfig(JSON.parse(text), 'reckon.json');
 */
export function parseConfig(input: unknown, source = 'config', seedOverride?: number): RunConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const path = formatPath(i.path);
      const keys = i.code === 'unrecognized_keys' ? `: unknown key(s) ${i.keys.map((k) => `"${k}"`).join(', ')}` : `: ${i.message}`;
      return `${source}: ${path || '(root)'}${keys}`;
    });
    throw new ReckonError('CONFIG_INVALID', `invalid config (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n  ${problems.join('\n  ')}`, problems);
  }
  const raw = parsed.data;
  const problems: string[] = [];
  const problem = (path: string, msg: string) => problems.push(`${source}: ${path}: ${msg}`);

  const instruments: Instrument[] = [];
  const limits = new Map<string, InstrumentLimits>();
  const instrumentIds = new Set<string>();
  raw.instruments.forEach((ic, index) => {
    if (instrumentIds.has(ic.id)) return problem(`instruments[${index}].id`, `duplicate instrument "${ic.id}"`);
    let inst: Instrument;
    try {
      inst = makeInstrument(ic.id, instruments.length, ic.priceIncrement, ic.sizeIncrement);
    } catch (e) {
      return problem(`instruments[${index}]`, (e as Error).message);
    }
    const qty = (field: 'maxPosition' | 'maxOrderQty' | 'venueMaxOrderQty', text: string | undefined, fallback: number) => {
      if (text === undefined) return fallback;
      const v = tryParseFixed(text, inst.sizeScale);
      if (v === undefined || v % inst.lot !== 0) {
        problem(`instruments[${index}].${field}`, `"${text}" is not a multiple of size increment ${ic.sizeIncrement}`);
        return 0;
      }
      return v;
    };
    const maxOrderQty = qty('maxOrderQty', ic.maxOrderQty, 0);
    limits.set(ic.id, {
      maxPosition: qty('maxPosition', ic.maxPosition, 0),
      maxOrderQty,
      venueMaxOrderQty: qty('venueMaxOrderQty', ic.venueMaxOrderQty, Number.MAX_SAFE_INTEGER),
      tradingState: ic.tradingState,
    });
    instruments.push(inst);
    instrumentIds.add(inst.id);
  });
  const instrumentById = new Map(instruments.map((i) => [i.id, i]));

  const accounts: Account[] = [];
  const accountIds = new Set<string>();
  raw.accounts.forEach((a, index) => {
    if (accountIds.has(a.id)) return problem(`accounts[${index}].id`, `duplicate account "${a.id}"`);
    accountIds.add(a.id);
    const cash = tryParseFixed(a.startingCash, MONEY_SCALE);
    if (cash === undefined) return problem(`accounts[${index}].startingCash`, `"${a.startingCash}" needs at most ${MONEY_SCALE} decimals`);
    accounts.push({ id: a.id, startingCash: cash });
  });

  const strategyQty = new Map<string, number>();
  raw.strategies.forEach((s, index) => {
    if (strategyQty.has(s.id)) return problem(`strategies[${index}].id`, `duplicate strategy "${s.id}"`);
    if (!accountIds.has(s.account)) problem(`strategies[${index}].account`, `unknown account "${s.account}"`);
    if (s.kind === 'module') {
      const ids = s.instruments ?? [s.instrument!];
      const field = s.instruments ? 'instruments' : 'instrument';
      ids.forEach((i, k) => { if (!instrumentById.has(i)) problem(`strategies[${index}].${field}${s.instruments ? `[${k}]` : ''}`, `unknown instrument "${i}"`); });
      if (new Set(ids).size !== ids.length) problem(`strategies[${index}].instruments`, 'lists an instrument twice');
      strategyQty.set(s.id, 0);
      return;
    }
    const inst = instrumentById.get(s.instrument);
    if (!inst) return problem(`strategies[${index}].instrument`, `unknown instrument "${s.instrument}"`);
    const q = tryParseFixed(s.quantity, inst.sizeScale);
    if (q === undefined || q <= 0 || q % inst.lot !== 0) return problem(`strategies[${index}].quantity`, `"${s.quantity}" is not a positive multiple of size increment ${inst.sizeIncrement}`);
    strategyQty.set(s.id, q);
  });

  const money = (path: string, text: string) => {
    const v = tryParseFixed(text, MONEY_SCALE);
    if (v === undefined) { problem(path, `"${text}" needs at most ${MONEY_SCALE} decimals`); return 0; }
    return v;
  };
  const maxOrderNotional = money('risk.maxOrderNotional', raw.risk.maxOrderNotional);
  const maxGrossExposure = money('risk.maxGrossExposure', raw.risk.maxGrossExposure);
  const feeCentiBps = tryParseFixed(raw.provider.feeBps, 2);
  if (feeCentiBps === undefined) problem('provider.feeBps', `"${raw.provider.feeBps}" needs at most 2 decimals`);
  const part = tryParseFixed(raw.provider.participation, 6);
  if (part === undefined || part <= 0 || part > 1_000_000) problem('provider.participation', `"${raw.provider.participation}" must be in (0, 1] with at most 6 decimals`);

  if (problems.length > 0) {
    throw new ReckonError('CONFIG_INVALID', `invalid config (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n  ${problems.join('\n  ')}`, problems);
  }
  const final = seedOverride === undefined ? raw : { ...raw, seed: seedOverride };
  return {
    raw: final,
    hash: createHash('sha256').update(JSON.stringify(final)).digest('hex'),
    seed: final.seed,
    accounts, instruments, instrumentById, limits,
    strategies: raw.strategies, strategyQty,
    money: { maxOrderNotional, maxGrossExposure },
    feeCentiBps: feeCentiBps ?? 0,
    participation: { num: part ?? 1, den: 1_000_000 },
  };
}

/** Reads and validates a JSON config file; JSON syntax errors name the file. */
export function loadConfigFile(path: string, seedOverride?: number): RunConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ReckonError('USAGE', `${path}: cannot read config (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ReckonError('CONFIG_INVALID', `${path}: not valid JSON (${(e as Error).message})`);
  }
  return parseConfig(json, path, seedOverride);
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}
