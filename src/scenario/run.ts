/**
 * Runs a scenario plan through the real Engine into a SQLite journal in the output directory,
 * then checks its expectations by reading that journal back.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ReckonError } from '../domain/errors.js';
import { Engine } from '../engine/engine.js';
import { simVenueFor } from '../engine/replay.js';
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

/** Drives one plan through an engine: bars in time order, each script step after the bars at or before its time. */
export function driveScenario(plan: ScenarioPlan, journal: EmbeddedJournalStore): Engine {
  const engine = new Engine({ config: plan.config, journal, provider: simVenueFor(plan.config, plan.faults ?? undefined), inFlightTimeoutMs: plan.inFlightTimeoutMs });
  engine.start({ runId: `scenario-${plan.id.replace('/', '--')}`, dataName: plan.file.split('/').pop()!, dataBytes: plan.sourceBytes, mode: 'scenario', version: RECKON_VERSION,
    ...(plan.faults ? { faults: describeFaultPlan(plan.faults) } : {}) });
  let k = 0;
  const stepsUntil = (ts: number) => {
    while (k < plan.steps.length && plan.steps[k]!.at < ts) runStep(engine, plan, plan.steps[k++]!);
  };
  for (const bar of plan.bars) {
    stepsUntil(bar.ts);
    engine.onBar(bar);
  }
  stepsUntil(Number.POSITIVE_INFINITY);
  engine.finish({ dataSha256: plan.sourceSha256, lastLine: plan.bars.length + 1 });
  return engine;
}

function runStep(engine: Engine, plan: ScenarioPlan, s: ScenarioPlan['steps'][number]): void {
  if (s.kind === 'intent') {
    engine.scriptedIntent({ ts: s.at, account: s.account, instrument: s.instrument, intentId: s.intentId, strategyId: s.strategy, mode: s.mode, quantity: s.quantity });
    return;
  }
  engine.advance(Math.max(s.at, engine.clock));
  if (s.kind === 'killSwitch') {
    engine.operator({ action: 'kill_switch', engaged: s.engaged, actor: s.by, reason: s.note, ts: s.at });
    return;
  }
  const inc = s.incident ?? [...engine.incidents.incidents.values()].find((i) => i.code === s.code && i.status === (s.kind === 'ack' ? 'open' : i.status) && i.status !== 'resolved')?.incidentId;
  if (!inc) throw new ReckonError('CONFIG_INVALID', `${plan.id}: ${s.kind} at ${new Date(s.at).toISOString()}: no ${s.kind === 'ack' ? 'open' : 'unresolved'} incident ${s.incident ?? `with code ${s.code}`}`);
  engine.operator({ action: s.kind, incidentId: inc, actor: s.by, reason: s.note, ts: s.at });
}

/**
 * Runs a plan, writes `<outDir>/<id>.journal.db`, and checks the expectations on it.
 *
 * @example
 * const [plan] = planScenario('scenarios/seed-partial-fill.json');
 * runScenario(plan, 'out/scenarios').pass // true
 */
export function runScenario(plan: ScenarioPlan, outDir: string): ScenarioResult {
  mkdirSync(outDir, { recursive: true });
  const journalPath = join(outDir, `${plan.id.replace('/', '--')}.journal.db`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(journalPath + suffix, { force: true });
  const sqlite = SqliteJournal.open(journalPath, { durability: 'off' });
  let engine: Engine;
  try {
    engine = driveScenario(plan, sqlite);
  } finally {
    sqlite.closeSync();
  }
  const records: JournalRecord[] = [...openJournalForRead(journalPath)];
  const last = records[records.length - 1]!;
  let replay = null;
  if (plan.expect.replay) {
    const v = verifyJournal(journalPath);
    const again = new MemoryJournal(false);
    driveScenario(plan, again);
    const folded = foldJournal(records, plan.config);
    const view = (get: (account: string, instrument: string) => object) => plan.config.instruments
      .map((i) => `${i.id} ${Object.values(get(plan.config.accounts[0]!.id, i.id)).join('/')}`).join('; ');
    replay = {
      verified: { ok: v.ok, detail: v.ok ? 'intact' : `broken at seq ${v.firstBadSeq}: ${v.reason}` },
      headHash: last.hash, secondRunHeadHash: again.headHash(),
      engineState: view((a, i) => positionView({ ...folded, portfolio: engine.portfolio, execution: engine.execution }, plan.config, a, i)),
      foldedState: view((a, i) => positionView(folded, plan.config, a, i)),
    };
  }
  const rows = checkExpectations(plan.expect, records, plan.config, replay);
  return {
    id: plan.id, title: plan.title, journalPath, lastSeq: last.seq, headHash: last.hash, rows,
    incidents: incidentLinks(records), pass: rows.every((r) => r.pass),
  };
}
