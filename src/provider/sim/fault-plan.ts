/**
 * A fault plan for the simulated venue: which faults to inject, how often, where. Rules come from
 * `reckon run --faults KIND:PROB[,KIND:PROB…]` (probability per opportunity, everywhere) or from a
 * scenario file (targeted: one order, one instrument, from a time, a number of times).
 *
 * The opportunity of each kind (what one roll of the dice is about):
 *
 * | kind | opportunity |
 * |---|---|
 * | drop-ack, fill-before-ack, order-missing-at-provider | each ack the venue sends |
 * | duplicate-fill | each fill or partial fill of one of our orders |
 * | fill-after-cancel | each cancel the venue accepts on an order with open quantity |
 * | reject | each submit that reaches the venue |
 * | disconnect-with-gap | each request (submit / replace / cancel) while connected |
 * | unknown-order-at-provider, external-position-change | each bar (on that bar's instrument) |
 * | stale-snapshot | each position snapshot that differs from the previous one given |
 */
import { ReckonError } from '../../domain/errors.js';
import { FAULT_KINDS, type FaultKind } from '../../records/records.js';

export interface FaultRule {
  readonly kind: FaultKind;
  /** Probability per opportunity in [0, 1]; default 1. */
  readonly probability?: number;
  /** Only this client order id (order-based kinds). */
  readonly order?: string;
  /** Only this instrument / account. */
  readonly instrument?: string;
  readonly account?: string;
  /** Only at or after this event time (epoch ms). */
  readonly from?: number;
  /** At most this many injections; default unlimited. */
  readonly count?: number;
  /** disconnect-with-gap: length of the outage in ms (default 300 000). */
  readonly gapMs?: number;
  /** disconnect-with-gap: whether the request that failed reached the venue (default: seeded choice). */
  readonly delivered?: boolean;
  /** unknown-order / external-position-change: signed decimal quantity (default: seeded ±1..3 lots). */
  readonly quantity?: string;
}

export interface FaultPlan {
  /** Seed of the fault dice; the same plan and seed make the same choices. */
  readonly seed: number;
  readonly rules: readonly FaultRule[];
}

export const DEFAULT_GAP_MS = 300_000;

/**
 * Parses `KIND:PROB[,KIND:PROB…]`; throws USAGE naming the bad item.
 *
 * @example
 * parseFaultSpec('drop-ack:0.02,duplicate-fill:0.05', 17)
 * // { seed: 17, rules: [{ kind: 'drop-ack', probability: 0.02 }, { kind: 'duplicate-fill', probability: 0.05 }] }
 */
export function parseFaultSpec(spec: string, seed: number): FaultPlan {
  const rules: FaultRule[] = [];
  for (const item of spec.split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
    const m = /^([a-z-]+):(\d+(?:\.\d+)?|\.\d+)$/.exec(item);
    if (!m) throw new ReckonError('USAGE', `--faults: "${item}" is not KIND:PROB (e.g. drop-ack:0.02)`);
    const kind = m[1]!;
    if (!isFaultKind(kind)) throw new ReckonError('USAGE', `--faults: unknown fault kind "${kind}"; kinds: ${FAULT_KINDS.join(', ')}`);
    const probability = Number(m[2]);
    if (!(probability >= 0 && probability <= 1)) throw new ReckonError('USAGE', `--faults: probability of ${kind} must be in [0, 1], got ${m[2]}`);
    if (rules.some((r) => r.kind === kind)) throw new ReckonError('USAGE', `--faults: ${kind} given twice`);
    rules.push({ kind, probability });
  }
  if (rules.length === 0) throw new ReckonError('USAGE', '--faults: no fault given');
  return { seed, rules };
}

export function isFaultKind(s: string): s is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(s);
}

/**
 * The plan as one canonical line, recorded in the run's S00 record and hashed into its identity.
 *
 * @example
 * describeFaultPlan({ seed: 17, rules: [{ kind: 'drop-ack', probability: 0.02 }] }) // 'seed=17 drop-ack:0.02'
 */
export function describeFaultPlan(plan: FaultPlan): string {
  const rule = (r: FaultRule): string => {
    const extra = Object.entries(r)
      .filter(([k]) => k !== 'kind' && k !== 'probability')
      .map(([k, v]) => `${k}=${String(v)}`);
    return `${r.kind}:${r.probability ?? 1}${extra.length > 0 ? `[${extra.join(';')}]` : ''}`;
  };
  return `seed=${plan.seed} ${plan.rules.map(rule).join(',')}`;
}
