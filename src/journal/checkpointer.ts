/**
 * Moves SQLite's WAL checkpoints off the engine thread. With automatic checkpoints a commit now
 * and then pays for copying the whole WAL into the database (milliseconds: the journal's tail
 * latency); here the writer turns them off and a worker thread with its own connection runs a
 * PASSIVE checkpoint (never blocks the writer) every `intervalMs`. The writer starts it only once
 * a journal has grown (a worker costs ~50 ms to boot; a short-lived writer's WAL is checkpointed
 * at close anyway).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const SQLITE_MODULE = createRequire(import.meta.url).resolve('better-sqlite3');

// Plain CommonJS so it runs the same from compiled dist/ and from TypeScript sources under test.
// On 'stop' it closes its connection and says so through the shared flag: the writer waits for
// that, so its own close is the last connection and can leave no -wal/-shm behind.
const WORKER_CODE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const flag = new Int32Array(workerData.flag);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 100');
const timer = setInterval(() => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: next tick */ } }, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.close(); } finally { Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); parentPort.close(); }
});
`;

export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private stopped = false;

  /** @example const cp = new WalCheckpointer('run/journal.db'); ... cp.stopSync(); */
  constructor(path: string, intervalMs = 200) {
    this.worker = new Worker(WORKER_CODE, { eval: true, workerData: { sqlite: SQLITE_MODULE, path, intervalMs, flag: this.flag.buffer } });
    this.worker.unref();
    this.worker.on('error', () => { Atomics.store(this.flag, 0, 1); /* a failed checkpointer only leaves the WAL to the final checkpoint */ });
  }

  /**
   * Stops the worker and waits (at most `timeoutMs`) until its connection is closed. Returns
   * false if it did not confirm in time (the WAL then stays until the next open).
   */
  stopSync(timeoutMs = 2000): boolean {
    if (this.stopped) return true;
    this.stopped = true;
    this.worker.postMessage('stop');
    const result = Atomics.wait(this.flag, 0, 0, timeoutMs);
    void this.worker.terminate();
    return result !== 'timed-out';
  }
}
