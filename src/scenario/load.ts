/**
 * Loads scenario files and resolves each (scenario, variant) into a runnable plan: a validated
 * RunConfig, concrete bars, steps and a fault plan with times in epoch ms.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig, type RunConfig } from '../config/load.js';
import { ReckonError } from '../domain/errors.js';
import { tryParseFixed } from '../domain/fixed-point.js';
import type { Instrument } from '../domain/types.js';
import type { Bar } from '../marketdata/bar.js';
import type { FaultPlan, FaultRule } from '../provider/sim/fault-plan.js';
import type { FaultKind } from '../records/records.js';
import { scenarioSchema, type Expectations, type ScenarioBarSpec, type ScenarioFile, type ScenarioStep } from './schema.js';

/** The bundled scenarios directory (scenarios/ at the package root). */
export const SCENARIOS_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

/** The account scenarios trade unless they name another. */
export const SCENARIO_ACCOUNT = 'fixture-account-01';

/** The config every scenario patches: one account, FIX-ALPHA, fast venue, 5-minute reconciliation. */
export const SCENARIO_BASE_CONFIG = {
  seed: 1,
  accounts: [{ id: SCENARIO_ACCOUNT, startingCash: '1000000' }],
  instruments: [{ id: 'FIX-ALPHA', priceIncrement: '0.01', sizeIncrement: '1', maxPosition: '100', maxOrderQty: '100' }],
  risk: { maxOrderNotional: '100000', maxGrossExposure: '1000000', orderRate: { maxOrders: 100, windowMs: 3_600_000 }, priceCollarBps: 500, killSwitch: false },
  execution: { orderType: 'market', timeInForce: 'DAY', limitOffsetTicks: 0 },
  provider: { kind: 'sim', latencyMs: 100, slippageBps: 0, participation: '1', feeBps: '0', leverage: 2 },
  reconciliation: { intervalMs: 300_000, residualMaxAgeMs: 3_600_000, onDrift: 'reducing' },
  journal: { durability: 'off', batchSize: 1024 },
} as const;

export type ResolvedStep =
  | { readonly at: number; readonly kind: 'intent'; readonly intentId: string; readonly instrument: string; readonly account: string; readonly strategy: string; readonly mode: 'target' | 'delta'; readonly quantity: string }
  | { readonly at: number; readonly kind: 'ack' | 'resolve'; readonly incident: string | null; readonly code: string | null; readonly by: string; readonly note: string }
  | { readonly at: number; readonly kind: 'killSwitch'; readonly engaged: boolean; readonly by: string; readonly note: string };

/** One runnable (scenario, variant). */
export interface ScenarioPlan {
  /** `name` or `name/variant`. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly config: RunConfig;
  readonly bars: readonly Bar[];
  readonly steps: readonly ResolvedStep[];
  readonly faults: FaultPlan | null;
  readonly inFlightTimeoutMs: number | undefined;
  readonly expect: Expectations;
  /** SHA-256 of the scenario file text: the run's input identity. */
  readonly sourceSha256: string;
  readonly sourceBytes: number;
  readonly file: string;
}

export function parseTime(t: string | number): number {
  return typeof t === 'number' ? t : Date.parse(t);
}

/**
 * Reads and validates a scenario file; throws CONFIG_INVALID with every problem and its path.
 *
 * @example
 * const s = loadScenarioFile('scenarios/seed-partial-fill.json'); s.name // 'seed-partial-fill'
 */
export function loadScenarioFile(path: string): { scenario: ScenarioFile; text: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ReckonError('USAGE', `${path}: cannot read scenario (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ReckonError('CONFIG_INVALID', `${path}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = scenarioSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${path}: ${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
    throw new ReckonError('CONFIG_INVALID', `invalid scenario (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n  ${problems.join('\n  ')}`, problems);
  }
  if (parsed.data.name !== basename(path, '.json')) {
    throw new ReckonError('CONFIG_INVALID', `${path}: name "${parsed.data.name}" must match the file name`);
  }
  return { scenario: parsed.data, text };
}

/** Scenario files in a directory, sorted by name. */
export function scenarioFiles(dir = SCENARIOS_DIR): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f));
}

/** Every (scenario, variant) plan of a file. */
export function planScenario(path: string): ScenarioPlan[] {
  const { scenario: s, text } = loadScenarioFile(path);
  const sha = createHash('sha256').update(text).digest('hex');
  const variants = s.variants ?? [null];
  return variants.map((v) => {
    const id = v ? `${s.name}/${v.name}` : s.name;
    const rawConfig = deepMerge(deepMerge(SCENARIO_BASE_CONFIG, s.config), v?.config ?? {}) as Record<string, unknown>;
    const config = scenarioConfig(rawConfig, `${path}${v ? ` (variant ${v.name})` : ''}`, sha, id);
    const steps = resolveSteps(v?.script ?? s.script, config, id);
    const faultRules = v?.faults ?? s.faults;
    return {
      id, title: v ? `${s.title}: ${v.name}` : s.title, description: v?.description ?? s.description, config,
      bars: resolveBars(v?.bars ?? s.bars, config, id), steps,
      faults: faultRules.length === 0 ? null : { seed: config.seed, rules: faultRules.map((f) => toRule(f, config, id)) },
      inFlightTimeoutMs: v?.engine?.inFlightTimeoutMs ?? s.engine.inFlightTimeoutMs,
      expect: { ...s.expect, ...(v?.expect ?? {}) },
      sourceSha256: sha, sourceBytes: Buffer.byteLength(text), file: path,
    };
  });
}

function scenarioConfig(raw: Record<string, unknown>, source: string, sha: string, id: string): RunConfig {
  const cfg = parseConfig(raw, source);
  const hash = createHash('sha256').update(`${cfg.hash}\nscenario ${id} ${sha}`).digest('hex');
  return { ...cfg, hash };
}

function instrumentOf(cfg: RunConfig, id: string, where: string): Instrument {
  const inst = cfg.instrumentById.get(id);
  if (!inst) throw new ReckonError('CONFIG_INVALID', `${where}: unknown instrument "${id}"`);
  return inst;
}

function fixed(text: string, scale: number, where: string): number {
  const v = tryParseFixed(text, scale);
  if (v === undefined) throw new ReckonError('CONFIG_INVALID', `${where}: "${text}" needs at most ${scale} decimals`);
  return v;
}

function resolveBars(specs: readonly ScenarioBarSpec[], cfg: RunConfig, id: string): Bar[] {
  const byKey = new Map<string, Bar>();
  for (const spec of specs) {
    if ('generate' in spec) {
      const g = spec.generate;
      const inst = instrumentOf(cfg, g.instrument, `${id}: bars`);
      let price = fixed(g.open, inst.priceScale, `${id}: bars.open`);
      const volume = fixed(g.volume, inst.sizeScale, `${id}: bars.volume`);
      const from = parseTime(g.from);
      for (let n = 0; n < g.count; n++) {
        const open = price;
        const close = Math.max(inst.tick, open + g.stepTicks * inst.tick);
        const ts = from + n * g.intervalMs;
        byKey.set(`${ts}|${inst.id}`, { ts, instrument: inst, open, close, volume, line: 0,
          high: Math.max(open, close) + g.rangeTicks * inst.tick, low: Math.max(inst.tick, Math.min(open, close) - g.rangeTicks * inst.tick) });
        price = close;
      }
    } else {
      const inst = instrumentOf(cfg, spec.instrument, `${id}: bars`);
      const p = (t: string) => fixed(t, inst.priceScale, `${id}: bar at ${spec.at}`);
      const open = p(spec.open);
      const close = spec.close === undefined ? open : p(spec.close);
      const ts = parseTime(spec.at);
      byKey.set(`${ts}|${inst.id}`, { ts, instrument: inst, open, close, line: 0,
        high: spec.high === undefined ? Math.max(open, close) : p(spec.high), low: spec.low === undefined ? Math.min(open, close) : p(spec.low),
        volume: fixed(spec.volume, inst.sizeScale, `${id}: bar volume`) });
    }
  }
  const bars = [...byKey.values()].sort((a, b) => a.ts - b.ts || a.instrument.index - b.instrument.index);
  return bars.map((b, i) => ({ ...b, line: i + 2 }));
}

function resolveSteps(steps: readonly ScenarioStep[], cfg: RunConfig, id: string): ResolvedStep[] {
  const account = cfg.accounts[0]!.id;
  const out: ResolvedStep[] = steps.map((s): ResolvedStep => {
    const at = parseTime(s.at);
    if (s.intent) {
      instrumentOf(cfg, s.intent.instrument, `${id}: intent ${s.intent.id}`);
      return { at, kind: 'intent', intentId: s.intent.id, instrument: s.intent.instrument, account: s.intent.account ?? account, strategy: s.intent.strategy,
        mode: s.intent.target !== undefined ? 'target' : 'delta', quantity: (s.intent.target ?? s.intent.delta)! };
    }
    const a = s.ack ?? s.resolve;
    if (a) return { at, kind: s.ack ? 'ack' : 'resolve', incident: a.incident ?? null, code: a.code ?? null, by: a.by, note: a.note };
    const k = s.killSwitch!;
    return { at, kind: 'killSwitch', engaged: k.engaged, by: k.by, note: k.note };
  });
  return out.map((s, i) => ({ s, i })).sort((a, b) => a.s.at - b.s.at || a.i - b.i).map((x) => x.s);
}

function toRule(f: ScenarioFile['faults'][number], cfg: RunConfig, id: string): FaultRule {
  if (f.instrument !== undefined) instrumentOf(cfg, f.instrument, `${id}: fault ${f.kind}`);
  const rule: { -readonly [K in keyof FaultRule]: FaultRule[K] } = { kind: f.kind as FaultKind, count: f.count };
  if (f.probability !== undefined) rule.probability = f.probability;
  if (f.order !== undefined) rule.order = f.order;
  if (f.instrument !== undefined) rule.instrument = f.instrument;
  if (f.account !== undefined) rule.account = f.account;
  if (f.from !== undefined) rule.from = parseTime(f.from);
  if (f.gapMs !== undefined) rule.gapMs = f.gapMs;
  if (f.delivered !== undefined) rule.delivered = f.delivered;
  if (f.quantity !== undefined) rule.quantity = f.quantity;
  return rule;
}

/** Objects merge key by key; arrays and scalars replace. */
export function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isObject(base) || !isObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = k in out ? deepMerge(out[k], v) : v;
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
