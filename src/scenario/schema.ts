/**
 * The scenario file format (scenarios/*.json), validated with zod. A scenario is a small,
 * declarative run of the real Engine: instruments and limits (a patch over a base config), bars
 * (generated flat series plus inline bars), scripted intents and operator actions at given times,
 * provider faults, and expectations read back from the journal. `variants` run the same scenario
 * again with patches (one journal each). See docs/scenarios.md.
 */
import { z } from 'zod';
import { FAULT_KINDS, RECORD_TYPES } from '../records/records.js';

/** Event time: ISO-8601 UTC ("2026-01-05T14:31:00Z") or epoch milliseconds. */
const time = z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'must be ISO-8601 UTC like 2026-01-05T14:31:00Z'), z.int().min(0)]);
const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string like "100.00"');
const signed = z.string().regex(/^[+-]?\d+(\.\d+)?$/, 'must be a signed decimal string like "+2"');
const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and -');
const tradingState = z.enum(['active', 'reducing', 'halted']);

const generatedBars = z.strictObject({
  generate: z.strictObject({
    instrument: z.string(),
    from: time,
    count: z.int().min(1).max(100_000),
    intervalMs: z.int().min(1).default(60_000),
    open: decimal,
    /** Ticks the price moves each bar (default 0: flat). */
    stepTicks: z.int().default(0),
    /** High/low this many ticks around open/close (default 0). */
    rangeTicks: z.int().min(0).default(0),
    volume: decimal,
  }),
});

/** One inline bar; replaces a generated bar of the same instrument and time. */
const inlineBar = z.strictObject({
  at: time, instrument: z.string(), open: decimal, high: decimal.optional(), low: decimal.optional(), close: decimal.optional(), volume: decimal,
});

const intentStep = z.strictObject({
  id: z.string().min(1), instrument: z.string(), account: z.string().optional(), strategy: z.string().default('scenario-script'),
  target: signed.optional(), delta: signed.optional(),
}).refine((i) => (i.target === undefined) !== (i.delta === undefined), 'give exactly one of target or delta');

const incidentAction = z.strictObject({
  /** The incident id, or the first unacknowledged incident with this code. */
  incident: z.string().optional(), code: z.string().optional(), by: z.string().min(1), note: z.string().min(1),
}).refine((a) => (a.incident === undefined) !== (a.code === undefined), 'give exactly one of incident or code');

const step = z.strictObject({
  at: time,
  intent: intentStep.optional(),
  ack: incidentAction.optional(),
  resolve: incidentAction.optional(),
  killSwitch: z.strictObject({ engaged: z.boolean(), by: z.string().min(1), note: z.string().min(1) }).optional(),
}).refine((s) => [s.intent, s.ack, s.resolve, s.killSwitch].filter((x) => x !== undefined).length === 1, 'a step does exactly one of intent, ack, resolve, killSwitch');

const fault = z.strictObject({
  kind: z.enum(FAULT_KINDS as unknown as [string, ...string[]]),
  probability: z.number().min(0).max(1).optional(),
  order: z.string().optional(),
  instrument: z.string().optional(),
  account: z.string().optional(),
  from: time.optional(),
  count: z.int().min(1).default(1),
  gapMs: z.int().min(1).optional(),
  delivered: z.boolean().optional(),
  quantity: signed.optional(),
});

const recordToken = z.string().regex(new RegExp(`^(${RECORD_TYPES.map((t) => t.replace('.', '\\.')).join('|')})(:[a-z_]+)?(\\([A-Za-z0-9_.:-]+\\))?$`),
  'must be a record token like "S05.provider:partial_fill" or "S07.operator:flag(RESIDUAL_UNEXPLAINED)"');
const chainItem = z.union([recordToken, z.strictObject({ is: recordToken, where: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])) })]);

const positionFields = z.strictObject({
  desired: signed.optional(), expected: signed.optional(), confirmed: signed.optional(), working: signed.optional(), residual: signed.optional(), drift: signed.optional(),
});
const orderStatus = z.enum(['pending_new', 'new', 'partially_filled', 'pending_cancel', 'pending_replace', 'filled', 'cancelled', 'expired', 'rejected', 'not_found']);

/** A record located in the journal: the n-th (1-based) record matching a token, optionally of one intent. */
const locator = z.strictObject({ is: recordToken, intent: z.string().optional(), nth: z.int().min(1).default(1) });

const expectations = z.strictObject({
  /** Exactly these records, in order, carry the intent id as correlationId. */
  chains: z.record(z.string(), z.array(chainItem)).optional(),
  /** These records appear in this order among the intent's records (others may be between). */
  chainsInclude: z.record(z.string(), z.array(chainItem)).optional(),
  /** These records appear in this order in the whole journal (cause before effect). */
  sequence: z.array(chainItem).optional(),
  /** Final desired / expected / confirmed / working / residual / drift per instrument. */
  positions: z.record(z.string(), positionFields).optional(),
  /** Incidents opened, by failure code; every code not listed must have none. */
  incidents: z.record(z.string(), z.int().min(0)).optional(),
  /** Flags raised, by failure code; every code not listed must have none. */
  flags: z.record(z.string(), z.int().min(0)).optional(),
  /** Status history of the incidents of a code, in opening order (e.g. ["acknowledged"]). */
  incidentStates: z.record(z.string(), z.array(z.enum(['open', 'acknowledged', 'resolved']))).optional(),
  /** Every reconciliation adjustment, in order. */
  adjustments: z.array(z.strictObject({ instrument: z.string(), expectedBefore: signed, confirmed: signed, adjustment: signed.optional() })).optional(),
  /** Final trading state per instrument. */
  tradingState: z.record(z.string(), tradingState).optional(),
  /** Every trading_state_changed `to` per instrument, in order. */
  tradingStateChanges: z.record(z.string(), z.array(tradingState)).optional(),
  /** Final status per client order id. */
  orders: z.record(z.string(), orderStatus).optional(),
  /** Injected faults (distinct occurrences) per kind; kinds not listed must have none. */
  faults: z.record(z.string(), z.int().min(0)).optional(),
  /** State folded from the journal up to a located record (inclusive, or just before it). */
  stateAt: z.array(z.strictObject({
    after: locator.optional(), before: locator.optional(),
    positions: z.record(z.string(), positionFields).optional(),
    orders: z.record(z.string(), orderStatus).optional(),
    tradingState: z.record(z.string(), tradingState).optional(),
  }).refine((s) => (s.after === undefined) !== (s.before === undefined), 'give exactly one of after or before')).optional(),
  /** Replay: the journal verifies, a second run gives the same head hash, folding the journal gives the engine's state. */
  replay: z.boolean().optional(),
});

const variantSchema = z.strictObject({
  name,
  description: z.string().min(1),
  config: z.record(z.string(), z.unknown()).optional(),
  bars: z.array(z.union([generatedBars, inlineBar])).optional(),
  script: z.array(step).optional(),
  faults: z.array(fault).optional(),
  engine: z.strictObject({ inFlightTimeoutMs: z.int().min(1).optional() }).optional(),
  expect: expectations.optional(),
});

export const scenarioSchema = z.strictObject({
  name,
  title: z.string().min(1),
  description: z.string().min(1),
  /** A patch over the scenario base config (objects merge, arrays replace). */
  config: z.record(z.string(), z.unknown()).default({}),
  engine: z.strictObject({ inFlightTimeoutMs: z.int().min(1).optional() }).default({}),
  bars: z.array(z.union([generatedBars, inlineBar])).min(1),
  script: z.array(step).default([]),
  faults: z.array(fault).default([]),
  expect: expectations.default({}),
  variants: z.array(variantSchema).optional(),
});

export type ScenarioFile = z.output<typeof scenarioSchema>;
export type ScenarioBarSpec = ScenarioFile['bars'][number];
export type ScenarioStep = ScenarioFile['script'][number];
export type ScenarioFault = ScenarioFile['faults'][number];
export type Expectations = z.output<typeof expectations>;
export type ChainItem = z.output<typeof chainItem>;
export type Locator = z.output<typeof locator>;
export type PositionFields = z.output<typeof positionFields>;
