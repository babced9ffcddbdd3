import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { ReckonError } from '../domain/errors.js';
import { MAX_FEE_CENTI_BPS, maxSafePrice, maxWorstQuantity, moneyDomain, worstQuantity, type MoneyDomain } from '../domain/bounds.js';
import { MONEY_SCALE, tryParseFixed } from '../domain/fixed-point.js';
import { fmtMoney, fmtQty, makeInstrument } from '../domain/instrument.js';
import type { Account, Instrument, TradingState } from '../domain/types.js';
import { formatPath, parseStrictJson, type SourceMap } from './json.js';
import {
  accountSchema, configSchema, instrumentSchema, providerSchema, riskSchema, strategySchema,
  type RawConfig, type StrategyConfig,
} from './schema.js';

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
  /** What the run's money amounts may reach (domain/bounds.ts moneyDomain). */
  readonly moneyDomain: MoneyDomain;
}

export interface InstrumentLimits {
  readonly maxPosition: number;
  readonly maxOrderQty: number;
  readonly venueMaxOrderQty: number;
  readonly tradingState: TradingState;
  /** Largest market price (at the price scale) this run can hold exactly (domain/bounds.ts maxSafePrice). */
  readonly maxSafePrice: number;
}

/** Every problem of a config, each with its path (and file line when known), reported at once. */
class Problems {
  private readonly list: string[] = [];
  constructor(private readonly source: string, private readonly input: unknown, private readonly lines?: SourceMap) {}

  add(path: string, message: string): void {
    const line = this.lineOf(path);
    const text = `${this.source}${line === undefined ? '' : `:${line}`}: ${path || '(root)'}: ${message}`;
    if (!this.list.includes(text)) this.list.push(text);
  }

  /** A zod issue in the project's words, with a hint where a number should have been a string. */
  issue(i: z.core.$ZodIssue): void {
    const path = formatPath(i.path);
    if (i.code === 'unrecognized_keys') return this.add(path, `unknown key(s) ${i.keys.map((k) => `"${k}"`).join(', ')}`);
    const value = valueAt(this.input, i.path);
    if (i.code === 'invalid_type' && value === undefined) return this.add(path, `required (${i.expected})`);
    if (i.code === 'invalid_type' && i.expected === 'string' && typeof value === 'number') {
      const typed = this.lines?.get(path)?.text ?? String(value);
      return this.add(path, `expected a decimal string, got the number ${typed}: write it as a string "${typed}" so it stays exact`);
    }
    this.add(path, i.message);
  }

  throwIfAny(): void {
    if (this.list.length === 0) return;
    throw new ReckonError('CONFIG_INVALID', `invalid config (${this.list.length} problem${this.list.length > 1 ? 's' : ''}):\n  ${this.list.join('\n  ')}`, this.list);
  }

  /** Line of the value at `path`, else of the closest enclosing value (a missing key: its object). */
  private lineOf(path: string): number | undefined {
    if (!this.lines) return undefined;
    for (let p = path; ; p = p.replace(/(\[\d+\]|\.[^.[]+|^[^.[]+)$/, '')) {
      const hit = this.lines.get(p);
      if (hit) return hit.line;
      if (p === '') return undefined;
    }
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** The elements of `list` that are valid on their own (undefined where not), so cross-checks run despite other errors. */
function validElements<T>(list: unknown, schema: z.ZodType<T>): (T | undefined)[] {
  return Array.isArray(list) ? list.map((e) => { const r = schema.safeParse(e); return r.success ? r.data : undefined; }) : [];
}

/** One field valid on its own (its schema's default when absent), or undefined. */
function validField<T>(section: unknown, key: string, schema: z.ZodType<T>): T | undefined {
  const r = schema.safeParse(valueAt(section, [key]));
  return r.success ? r.data : undefined;
}

const idsDeclared = (list: unknown): Set<string> =>
  new Set(Array.isArray(list) ? list.map((e) => valueAt(e, ['id'])).filter((id): id is string => typeof id === 'string') : []);

interface Checked {
  instruments: Instrument[];
  limits: Map<string, InstrumentLimits>;
  accounts: Account[];
  strategyQty: Map<string, number>;
  money: { maxOrderNotional: number; maxGrossExposure: number };
  feeCentiBps: number;
  participation: number;
  domain: MoneyDomain;
}

/**
 * The cross-field and fixed-point checks, on every part of the input that is valid on its own:
 * duplicate ids, references, increments, decimals at their scale, and the bounds of
 * domain/bounds.ts (what the money domain can hold for the products each value feeds).
 */
function checkConfig(input: unknown, p: Problems): Checked {
  const root = typeof input === 'object' && input !== null ? input as Record<string, unknown> : {};
  const leverage = validField(root.provider ?? {}, 'leverage', providerSchema.shape.leverage) ?? 1;
  const instrumentCount = Array.isArray(root.instruments) ? root.instruments.length : 1;
  const domain = moneyDomain(leverage, instrumentCount);
  const money = (path: string, text: string | undefined, max = domain.ceiling): number => {
    if (text === undefined) return 0;
    const v = tryParseFixed(text, MONEY_SCALE);
    if (v === undefined) { p.add(path, `"${text}" needs at most ${MONEY_SCALE} decimals`); return 0; }
    if (v > max) {
      p.add(path, `"${text}" is more than the fixed-point money domain can hold at leverage ${leverage}: at most ${fmtMoney(max)}`
        + ' (leverage × (cash + gross exposure) must stay an exact integer of micro-units below 2^53)');
    }
    return v;
  };

  const instruments: Instrument[] = [];
  const limits = new Map<string, Omit<InstrumentLimits, 'maxSafePrice'> & { path: string }>();
  validElements(root.instruments, instrumentSchema).forEach((ic, index) => {
    if (!ic) return;
    const path = `instruments[${index}]`;
    if (limits.has(ic.id) || instruments.some((i) => i.id === ic.id)) return p.add(`${path}.id`, `duplicate instrument "${ic.id}"`);
    let inst: Instrument;
    try {
      inst = makeInstrument(ic.id, instruments.length, ic.priceIncrement, ic.sizeIncrement);
    } catch (e) {
      return p.add(path, (e as Error).message);
    }
    const qty = (field: 'maxPosition' | 'maxOrderQty' | 'venueMaxOrderQty', text: string | undefined, fallback: number) => {
      if (text === undefined) return fallback;
      const v = tryParseFixed(text, inst.sizeScale);
      if (v === undefined || v % inst.lot !== 0) { p.add(`${path}.${field}`, `"${text}" is not a multiple of size increment ${ic.sizeIncrement}`); return 0; }
      return v;
    };
    limits.set(ic.id, {
      path,
      maxPosition: qty('maxPosition', ic.maxPosition, 0),
      maxOrderQty: qty('maxOrderQty', ic.maxOrderQty, 0),
      venueMaxOrderQty: qty('venueMaxOrderQty', ic.venueMaxOrderQty, Number.MAX_SAFE_INTEGER),
      tradingState: ic.tradingState,
    });
    instruments.push(inst);
  });
  const instrumentById = new Map(instruments.map((i) => [i.id, i]));

  const accounts: Account[] = [];
  validElements(root.accounts, accountSchema).forEach((a, index) => {
    if (!a) return;
    if (accounts.some((x) => x.id === a.id)) return p.add(`accounts[${index}].id`, `duplicate account "${a.id}"`);
    accounts.push({ id: a.id, startingCash: money(`accounts[${index}].startingCash`, a.startingCash) });
  });

  const accountIds = idsDeclared(root.accounts);
  const instrumentIds = idsDeclared(root.instruments);
  const strategyQty = new Map<string, number>();
  const qtyOnInstrument = new Map<string, number>();
  validElements(root.strategies, strategySchema).forEach((s, index) => {
    if (!s) return;
    const path = `strategies[${index}]`;
    if (strategyQty.has(s.id)) return p.add(`${path}.id`, `duplicate strategy "${s.id}"`);
    if (!accountIds.has(s.account)) p.add(`${path}.account`, `unknown account "${s.account}"`);
    if (s.kind === 'module') {
      const ids = s.instruments ?? [s.instrument!];
      const field = s.instruments ? 'instruments' : 'instrument';
      ids.forEach((i, k) => { if (!instrumentIds.has(i)) p.add(`${path}.${field}${s.instruments ? `[${k}]` : ''}`, `unknown instrument "${i}"`); });
      if (new Set(ids).size !== ids.length) p.add(`${path}.instruments`, 'lists an instrument twice');
      strategyQty.set(s.id, 0);
      return;
    }
    if (!instrumentIds.has(s.instrument)) return p.add(`${path}.instrument`, `unknown instrument "${s.instrument}"`);
    const inst = instrumentById.get(s.instrument);
    if (!inst) return; // declared but invalid: its own problem is reported
    const q = tryParseFixed(s.quantity, inst.sizeScale);
    if (q === undefined || q <= 0 || q % inst.lot !== 0) return p.add(`${path}.quantity`, `"${s.quantity}" is not a positive multiple of size increment ${inst.sizeIncrement}`);
    strategyQty.set(s.id, q);
    qtyOnInstrument.set(inst.id, (qtyOnInstrument.get(inst.id) ?? 0) + q);
  });

  const bounded = new Map<string, InstrumentLimits>();
  for (const inst of instruments) {
    const { path, ...l } = limits.get(inst.id)!;
    const q = { maxPosition: l.maxPosition, maxOrderQty: l.maxOrderQty, strategyQty: qtyOnInstrument.get(inst.id) ?? 0 };
    const most = maxWorstQuantity(inst, domain);
    if (worstQuantity(q) > most) {
      p.add(`${path}.maxPosition`, `maxPosition + maxOrderQty + strategy quantities = ${fmtQty(inst, worstQuantity(q))} is too large for the fixed-point money domain`
        + ` (leverage ${leverage}, ${instrumentCount} instrument(s)): even a price of 1 would overflow; at most ${fmtQty(inst, most)}`);
    }
    bounded.set(inst.id, { ...l, maxSafePrice: maxSafePrice(inst, q, domain) });
  }

  const risk = root.risk ?? {};
  const fee = validField(root.provider ?? {}, 'feeBps', providerSchema.shape.feeBps);
  const feeCentiBps = fee === undefined ? undefined : tryParseFixed(fee, 2);
  if (fee !== undefined && feeCentiBps === undefined) p.add('provider.feeBps', `"${fee}" needs at most 2 decimals`);
  if (feeCentiBps !== undefined && feeCentiBps > MAX_FEE_CENTI_BPS) p.add('provider.feeBps', `"${fee}" is more than 100% of the notional: at most "10000"`);
  const participation = validField(root.provider ?? {}, 'participation', providerSchema.shape.participation);
  const part = participation === undefined ? undefined : tryParseFixed(participation, 6);
  if (participation !== undefined && (part === undefined || part <= 0 || part > 1_000_000)) {
    p.add('provider.participation', `"${participation}" must be in (0, 1] with at most 6 decimals`);
  }
  return {
    instruments, limits: bounded, accounts, strategyQty, domain,
    money: {
      maxOrderNotional: money('risk.maxOrderNotional', validField(risk, 'maxOrderNotional', riskSchema.shape.maxOrderNotional)),
      maxGrossExposure: money('risk.maxGrossExposure', validField(risk, 'maxGrossExposure', riskSchema.shape.maxGrossExposure)),
    },
    feeCentiBps: feeCentiBps ?? 0, participation: part ?? 1,
  };
}

/**
 * Validates a config object; throws CONFIG_INVALID listing every problem at once, each with its
 * path (and `source:line` when `lines` come from parseStrictJson): schema errors and the
 * cross-field and bounds checks of every part that is valid on its own.
 *
 * @example
 * const cfg = parseConfig(JSON.parse(text), 'reckon.json');
 */
export function parseConfig(input: unknown, source = 'config', seedOverride?: number, lines?: SourceMap): RunConfig {
  const problems = new Problems(source, input, lines);
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    // zod's own "not a safe integer" adds nothing next to the field's bound: keep the bound.
    const redundant = (i: z.core.$ZodIssue) => i.code === 'too_big' && i.maximum === Number.MAX_SAFE_INTEGER
      && issues.some((o) => o !== i && formatPath(o.path) === formatPath(i.path));
    for (const i of issues) if (!redundant(i)) problems.issue(i);
  }
  const c = checkConfig(input, problems);
  problems.throwIfAny();
  const raw = parsed.data!;
  const final = seedOverride === undefined ? raw : { ...raw, seed: seedOverride };
  return {
    raw: final,
    hash: createHash('sha256').update(JSON.stringify(final)).digest('hex'),
    seed: final.seed,
    accounts: c.accounts, instruments: c.instruments, instrumentById: new Map(c.instruments.map((i) => [i.id, i])), limits: c.limits,
    strategies: raw.strategies, strategyQty: c.strategyQty,
    money: c.money,
    feeCentiBps: c.feeCentiBps,
    participation: { num: c.participation, den: 1_000_000 },
    moneyDomain: c.domain,
  };
}

/** Reads and validates a JSON config file: syntax errors at line:column, duplicate keys refused, problems at file:line. */
export function loadConfigFile(path: string, seedOverride?: number): RunConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ReckonError('USAGE', `${path}: cannot read config (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const { value, lines } = parseStrictJson(text, path);
  return parseConfig(value, path, seedOverride, lines);
}
