/**
 * The provider gateway of a live session, chosen by `provider.kind` in the config: the simulated
 * venue (paper trading; its memory kept in a log beside the journal, faults optional) — other
 * kinds plug in here.
 */
import type { RunConfig } from '../config/load.js';
import { simGatewayFor } from '../engine/replay.js';
import type { ProviderGateway, ProviderMessage } from '../provider/gateway.js';
import type { FaultPlan } from '../provider/sim/fault-plan.js';
import type { FaultSink } from '../provider/sim/faults.js';
import { PersistentGateway } from './persistent-gateway.js';

export interface LiveProvider {
  readonly gateway: ProviderGateway;
  readonly description: string;
  /** Simulation only: where the fault injector reports. */
  readonly connectFaults?: (sink: FaultSink) => void;
  /** What the adapter found on start (a torn venue log), journaled as provider messages. */
  readonly startupMessages: readonly ProviderMessage[];
}

/**
 * @example
 * const provider = liveProvider(cfg, { journalPath: 'out/serve/journal.db' });
 */
export function liveProvider(cfg: RunConfig, opts: { readonly journalPath: string; readonly faults?: FaultPlan }): LiveProvider {
  const sim = simGatewayFor(cfg, opts.faults);
  const logPath = `${opts.journalPath}.venue.log`;
  const { gateway, replayed } = PersistentGateway.open(logPath, sim, cfg.instrumentById);
  const startupMessages: ProviderMessage[] = replayed.torn === null ? [] : [{
    type: 'malformed', ts: 0, dedupeKey: `venue-log:${replayed.torn.line}`, account: null, instrument: null,
    reason: `${logPath}:${replayed.torn.line}: torn last entry (${replayed.torn.bytes} bytes, a crash mid-write) cut off; the venue resumes from its last complete entry`,
    raw: { file: logPath, line: replayed.torn.line, bytes: replayed.torn.bytes },
  }];
  const faulty = 'connectFaults' in sim ? sim : null;
  return {
    gateway, startupMessages,
    description: `simulated venue (memory in ${logPath}${replayed.calls > 0 ? `, ${replayed.calls} calls replayed` : ''})`,
    ...(faulty ? { connectFaults: (sink: FaultSink) => faulty.connectFaults(sink) } : {}),
  };
}
