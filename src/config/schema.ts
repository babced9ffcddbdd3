/**
 * The run configuration: a JSON file validated with zod. Unknown keys are errors, and every
 * problem is reported at once with its path (`strategies[1].instrument: unknown instrument "X"`).
 * The sections are exported so load.ts can check each element that is valid on its own even
 * when another part of the file is not (a type error must not hide the other problems): a new
 * field goes into its section here, a new cross-field rule into load.ts's checks.
 */
import { z } from 'zod';
import { MAX_DURATION_MS } from '../domain/bounds.js';

const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal string like "100" or "0.01"');
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'must be 1-64 characters of letters, digits, . _ : -');
const columnName = z.string().min(1).max(200).optional();
const tradingState = z.enum(['active', 'reducing', 'halted']);
/** Milliseconds added to event time: bounded so ts + duration stays exact. */
const durationMs = (min: number) => z.int().min(min).max(MAX_DURATION_MS, `must be at most ${MAX_DURATION_MS} ms (10 years)`);

export const instrumentSchema = z.strictObject({
  id,
  priceIncrement: decimal,
  sizeIncrement: decimal,
  /** B02: largest absolute position. */
  maxPosition: decimal,
  /** B02: largest single order. */
  maxOrderQty: decimal,
  /** The simulated venue rejects orders above this. */
  venueMaxOrderQty: decimal.optional(),
  tradingState: tradingState.default('active'),
});


const maCrossover = z.strictObject({
  id, kind: z.literal('ma-crossover'), account: id, instrument: id, quantity: decimal,
  params: z.strictObject({ fast: z.int().min(1).max(10_000), slow: z.int().min(2).max(10_000) }).refine((p) => p.fast < p.slow, 'fast must be below slow'),
});
const meanReversion = z.strictObject({
  id, kind: z.literal('mean-reversion'), account: id, instrument: id, quantity: decimal,
  params: z.strictObject({
    period: z.int().min(2).max(10_000),
    oversold: z.number().min(0).max(100),
    overbought: z.number().min(0).max(100),
    exit: z.number().min(0).max(100),
  }).refine((p) => p.oversold < p.exit && p.exit < p.overbought, 'need oversold < exit < overbought'),
});

/**
 * A user's strategy module (`kind` may be omitted when `module` is given). `module` is a path
 * relative to the config file; exactly one of `instrument` / `instruments`; `params` override the
 * module's defaults; `timeoutMs` bounds one onBar call (the run stops past it); `isolation`
 * trades that watchdog for speed.
 */
const moduleStrategy = z.strictObject({
  id, kind: z.literal('module'), module: z.string().min(1).max(4096), account: id,
  instrument: id.optional(), instruments: z.array(id).min(1).max(1000).optional(),
  params: z.record(z.string(), z.json()).default({}),
  timeoutMs: z.int().min(1).max(600_000).default(1000),
  /** "worker" (default): own thread behind the timeoutMs watchdog; "in-process": no thread hop per bar, and no watchdog. */
  isolation: z.enum(['worker', 'in-process']).default('worker'),
}).refine((s) => (s.instrument === undefined) !== (s.instruments === undefined), 'give exactly one of "instrument" and "instruments"');
export const strategySchema = z.preprocess(
  (v) => (typeof v === 'object' && v !== null && 'module' in v && !('kind' in v) ? { kind: 'module', ...v } : v),
  z.discriminatedUnion('kind', [maCrossover, meanReversion, moduleStrategy]),
);

export const accountSchema = z.strictObject({ id, startingCash: decimal });

export const riskSchema = z.strictObject({
  /** Largest notional of one order, in account currency. */
  maxOrderNotional: decimal,
  /** Largest sum of |position| × last price over all instruments of an account. */
  maxGrossExposure: decimal,
  orderRate: z.strictObject({ maxOrders: z.int().min(1), windowMs: durationMs(1) }),
  /** Reject limit prices (and market orders' reference) further than this from the last price. */
  priceCollarBps: z.int().min(1).max(10_000),
  killSwitch: z.boolean().default(false),
});

export const providerSchema = z.strictObject({
  kind: z.literal('sim').default('sim'),
  latencyMs: durationMs(0).default(250),
  slippageBps: z.int().min(0).max(1000).default(1),
  /** Largest share of one bar's volume an order can fill, e.g. "0.1". */
  participation: decimal.default('0.1'),
  feeBps: decimal.default('0.5'),
  leverage: z.int().min(1).max(100).default(2),
});

export const configSchema = z.strictObject({
  seed: z.int().min(0).max(2 ** 31 - 1).default(1),
  accounts: z.array(accountSchema).min(1),
  instruments: z.array(instrumentSchema).min(1),
  /** May be empty: scripted scenarios and operator-only sessions trade without strategies. */
  strategies: z.array(strategySchema).default([]),
  risk: riskSchema,
  execution: z.strictObject({
    orderType: z.enum(['market', 'limit']).default('market'),
    timeInForce: z.enum(['DAY', 'GTC', 'IOC']).default('DAY'),
    /** For limit orders: price = last close ± this many ticks (positive = more aggressive). */
    limitOffsetTicks: z.int().min(-10_000).max(10_000).default(0),
  }).prefault({}),
  provider: providerSchema.prefault({}),
  reconciliation: z.strictObject({
    /** Reconcile every instrument against a provider snapshot this often (event time). */
    intervalMs: durationMs(1000).default(3_600_000),
    /** A residual older than this is flagged even while orders work. */
    residualMaxAgeMs: durationMs(1000).default(4 * 3_600_000),
    /** Trading state an instrument goes to when drift is found (recovery rule). */
    onDrift: z.enum(['reducing', 'halted']).default('reducing'),
  }).prefault({}),
  /** `reckon serve`: API tokens as SHA-256 hashes (hex) with their role. Never plain tokens. */
  serve: z.strictObject({
    tokens: z.array(z.strictObject({
      name: id,
      role: z.enum(['viewer', 'operator']),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the lowercase hex SHA-256 of the token'),
    })).default([]),
  }).optional(),
  /** How to read the market data (docs/data.md); without it the layout is detected from the header and values. */
  data: z.strictObject({
    /** Header name per bar field; fields not given are found by their aliases. */
    columns: z.strictObject({
      ts: columnName, instrument: columnName, open: columnName, high: columnName, low: columnName, close: columnName, volume: columnName,
    }).optional(),
    delimiter: z.enum([',', ';', '\t']).optional(),
    timestamp: z.enum(['ms', 's', 'us', 'ns', 'iso']).optional(),
  }).optional(),
  journal: z.strictObject({
    /** SQLite synchronous mode; unset: `run` uses normal, `serve` full (its records cannot be regenerated). */
    durability: z.enum(['off', 'normal', 'full']).optional(),
    batchSize: z.int().min(1).max(100_000).default(1024),
  }).prefault({}),
});

export type ConfigInput = z.input<typeof configSchema>;
export type RawConfig = z.output<typeof configSchema>;
export type StrategyConfig = RawConfig['strategies'][number];
export type ModuleStrategyConfig = Extract<StrategyConfig, { kind: 'module' }>;

/** The instrument ids a strategy entry trades. */
export const strategyInstrumentIds = (s: StrategyConfig): readonly string[] =>
  s.kind === 'module' ? s.instruments ?? [s.instrument!] : [s.instrument];
