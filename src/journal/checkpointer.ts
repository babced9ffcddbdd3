/**
 * Moves SQLite's WAL checkpoints off the engine thread. With automatic checkpoints a commit now
 * and then pays for copying the whole WAL into the database (milliseconds: the journal's tail
 * latency); here the writer turns them off and a worker thread with its own connection runs a
 * PASSIVE checkpoint (never blocks the writer) every `intervalMs`.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const SQLITE_MODULE = createRequire(import.meta.url).resolve('better-sqlite3');

// Plain CommonJS so it runs the same from compiled dist/ and from TypeScript sources under test.
const WORKER_CODE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 100');
setInterval(() => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: next tick */ } }, workerData.intervalMs);
`;

export class WalCheckpointer {
  private readonly worker: Worker;

  /** @example const cp = new WalCheckpointer('run/journal.db'); ... cp.stop(); */
  constructor(path: string, intervalMs = 200) {
    this.worker = new Worker(WORKER_CODE, { eval: true, workerData: { sqlite: SQLITE_MODULE, path, intervalMs } });
    this.worker.unref();
    this.worker.on('error', () => { /* a failed checkpointer only leaves the WAL to the final checkpoint */ });
  }

  stop(): void {
    void this.worker.terminate();
  }
}
