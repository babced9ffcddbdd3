/**
 * Runs a scenario plan through the real Engine into a SQLite journal in the output directory,
 * then checks its expectations by reading that journal back.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ReckonError } from '../domain/errors.js';
import { Engine, type OperatorCommand } from '../engine/engine.js';
import { simGatewayFor } from '../engine/replay.js';
import { EventTimeLoop } from '../engine/event-loop.js';
import type { EventTimeGateway } from '../provider/gateway.js';
import { AsyncGateway } from '../provider/sim/async-gateway.js';
import { MemoryJournal } from '../journal/memory.js';
import { openJournalForRead } from '../journal/open.js';
import { SqliteJournal } from '../journal/sqlite.js';
import type { EmbeddedJournalStore } from '../journal/store.js';
import { verifyJournal } from '../journal/verify.js';
import { describeFaultPlan } from '../provider/sim/fault-plan.js';
import type { JournalRecord } from '../records/records.js';
import { RECKON_VERSION } from '../version.js';
import { checkExpectations, incidentLinks, type ExpectationRow } from './expectations.js';
import { foldJournal, positionView } from './journal-view.js';
import type { ScenarioPlan } from './load.js';

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly journalPath: string;
  readonly lastSeq: number;
  readonly headHash: string;
  readonly rows: readonly ExpectationRow[];
  readonly incidents: readonly string[];
  readonly pass: boolean;
}

/** Wraps the scenario's gateway (e.g. in an asynchronous test gateway); identity by default. */
export type GatewayWrap = (gateway: EventTimeGateway) => EventTimeGateway;

/** Drives one plan through an engine: bars in time order, each script step after the bars at or before its time. */
export function driveScenario(plan: ScenarioPlan, journal: EmbeddedJournalStore, wrap: GatewayWrap = (g) => g): Engine {
  const engine = new Engine({ config: plan.config, journal, inFlightTimeoutMs: plan.inFlightTimeoutMs });
  const loop = new EventTimeLoop(engine, wrap(simGatewayFor(plan.config, plan.faults ?? undefined)));
  loop.input({ kind: 'start', run: { runId: `scenario-${plan.id.replace('/', '--')}`, dataName: plan.file.split('/').pop()!, dataBytes: plan.sourceBytes, mode: 'scenario', version: RECKON_VERSION,
    ...(plan.faults ? { faults: describeFaultPlan(plan.faults) } : {}) } });
  let k = 0;
  const stepsUntil = (ts: number) => {
    while (k < plan.steps.length && plan.steps[k]!.at < ts) runStep(loop, plan, plan.steps[k++]!);
  };
  for (const bar of plan.bars) {
    stepsUntil(bar.ts);
    loop.bar(bar);
  }
  stepsUntil(Number.POSITIVE_INFINITY);
  loop.finish(plan.sourceSha256, plan.bars.length + 1);
  journal.commitSync();
  return engine;
}

function runStep(loop: EventTimeLoop, plan: ScenarioPlan, s: ScenarioPlan['steps'][number]): void {
  const engine = loop.engine;
  loop.advance(Math.max(s.at, engine.clock));
  if (s.kind === 'intent') {
    loop.input({ kind: 'intent', intent: { ts: s.at, account: s.account, instrument: s.instrument, intentId: s.intentId, strategyId: s.strategy, mode: s.mode, quantity: s.quantity } });
    return;
  }
  if (s.kind === 'killSwitch') {
    operator(loop, plan, { action: 'kill_switch', engaged: s.engaged, actor: s.by, reason: s.note, ts: s.at });
    return;
  }
  const incidents = engine.state.incidents.incidents;
  const inc = s.incident ?? [...incidents.values()].find((i) => i.code === s.code && i.status === (s.kind === 'ack' ? 'open' : i.status) && i.status !== 'resolved')?.incidentId;
  if (!inc) throw new ReckonError('CONFIG_INVALID', `${plan.id}: ${s.kind} at ${new Date(s.at).toISOString()}: no ${s.kind === 'ack' ? 'open' : 'unresolved'} incident ${s.incident ?? `with code ${s.code}`}`);
  operator(loop, plan, { action: s.kind, incidentId: inc, actor: s.by, reason: s.note, ts: s.at });
}

function operator(loop: EventTimeLoop, plan: ScenarioPlan, command: OperatorCommand): void {
  const r = loop.input({ kind: 'operator', command }).reply;
  if (r && !r.ok) throw new ReckonError('CONFIG_INVALID', `${plan.id}: ${command.action} at ${new Date(command.ts).toISOString()}: ${r.message}`);
}

export interface RunScenarioOptions {
  /** Behind the asynchronous test gateway with this seed (delays, reordering, PossDup redeliveries). */
  readonly asyncSeed?: number;
}

/** A transport redelivery of a report already applied: journaled, changes nothing, left out of the checks. */
const isRedelivery = (r: JournalRecord): boolean =>
  r.type === 'S05.provider' && (r.payload as { possDup?: true; duplicate?: true }).possDup === true && (r.payload as { duplicate?: true }).duplicate === true;

/**
 * Runs a plan, writes `<outDir>/<id>.journal.db`, and checks the expectations on it.
 *
 * @example
 * const [plan] = planScenario('scenarios/seed-partial-fill.json');
 * runScenario(plan, 'out/scenarios').pass // true
 */
export function runScenario(plan: ScenarioPlan, outDir: string, opts: RunScenarioOptions = {}): ScenarioResult {
  const wrap: GatewayWrap = opts.asyncSeed === undefined ? (g) => g : (g) => new AsyncGateway(g, { seed: opts.asyncSeed! ^ plan.config.seed });
  mkdirSync(outDir, { recursive: true });
  const journalPath = join(outDir, `${plan.id.replace('/', '--')}.journal.db`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(journalPath + suffix, { force: true });
  const sqlite = SqliteJournal.open(journalPath, { durability: 'off' });
  let engine: Engine;
  try {
    engine = driveScenario(plan, sqlite, wrap);
  } finally {
    sqlite.closeSync();
  }
  const records: JournalRecord[] = [...openJournalForRead(journalPath)];
  const last = records[records.length - 1]!;
  let replay = null;
  if (plan.expect.replay) {
    const v = verifyJournal(journalPath);
    const again = new MemoryJournal(false);
    driveScenario(plan, again, wrap);
    const folded = foldJournal(records, plan.config);
    const view = (get: (account: string, instrument: string) => object) => plan.config.instruments
      .map((i) => `${i.id} ${Object.values(get(plan.config.accounts[0]!.id, i.id)).join('/')}`).join('; ');
    replay = {
      verified: { ok: v.ok, detail: v.ok ? 'intact' : `broken at seq ${v.firstBadSeq}: ${v.reason}` },
      headHash: last.hash, secondRunHeadHash: again.headHash(),
      engineState: view((a, i) => positionView(engine.state, plan.config, a, i)),
      foldedState: view((a, i) => positionView(folded, plan.config, a, i)),
    };
  }
  const rows = checkExpectations(plan.expect, records.filter((r) => !isRedelivery(r)), plan.config, replay, opts.asyncSeed === undefined ? 'event-time' : 'async');
  return {
    id: plan.id, title: plan.title, journalPath, lastSeq: last.seq, headHash: last.hash, rows,
    incidents: incidentLinks(records), pass: rows.every((r) => r.pass),
  };
}
