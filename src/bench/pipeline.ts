/**
 * The measured pipeline: the CSV reader (validating, hashing) feeding the engine (strategies,
 * B01 portfolio, B02 risk, B03 execution, simulated venue, B04 reconciliation, operator records)
 * with the journal committed per input chunk, exactly as `runReplay` drives it, minus the report
 * files (prices.csv, equity.csv, summary.json) that `reckon run` writes after the replay.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunConfig } from '../config/load.js';
import { Engine } from '../engine/engine.js';
import { simGatewayFor } from '../engine/replay.js';
import { EventTimeLoop } from '../engine/event-loop.js';
import { MemoryJournal } from '../journal/memory.js';
import { SqliteJournal } from '../journal/sqlite.js';
import type { EmbeddedJournalStore } from '../journal/store.js';
import { readBars } from '../marketdata/csv-reader.js';

export type JournalKind = 'sqlite' | 'memory';

export interface PipelineRun {
  readonly bars: number;
  readonly seconds: number;
  readonly records: number;
  readonly headHash: string;
  readonly counts: Engine['counts'];
}

/** One replay of `path` through the whole pipeline; the journal is a fresh SQLite file in a temp dir or a MemoryJournal. */
export async function runPipeline(path: string, cfg: RunConfig, kind: JournalKind): Promise<PipelineRun> {
  const dir = kind === 'sqlite' ? mkdtempSync(join(tmpdir(), 'reckon-bench-')) : null;
  const journal: EmbeddedJournalStore = dir
    ? SqliteJournal.open(join(dir, 'journal.db'), { durability: cfg.raw.journal.durability, batchSize: cfg.raw.journal.batchSize })
    : new MemoryJournal(false);
  try {
    const t0 = process.hrtime.bigint();
    const engine = new Engine({ config: cfg, journal });
    const loop = new EventTimeLoop(engine, simGatewayFor(cfg));
    loop.input({ kind: 'start', run: { runId: `bench-${cfg.hash.slice(0, 12)}`, dataName: 'bench.csv', dataBytes: 0, mode: 'replay', version: 'bench' } });
    const res = await readBars({
      path, instruments: cfg.instrumentById, badRows: 'fail',
      onBar: (bar) => loop.bar(bar),
      onChunk: () => { journal.commitSync(); },
    });
    loop.finish(res.sha256, res.lastLine);
    journal.commitSync();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { bars: res.bars, seconds, records: journal.lastSeq(), headHash: journal.headHash(), counts: { ...engine.counts } };
  } finally {
    journal.closeSync();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
