/**
 * A user's strategy module in its own worker thread, behind a watchdog, as the engine's Strategy.
 * `onBar` stays synchronous for the engine: the bar goes through shared memory and the engine
 * thread blocks in Atomics.wait for at most the strategy's `timeoutMs`.
 *
 * What stops the run (ReckonError BAD_INPUT, exit 2): the module cannot be loaded, exports the
 * wrong shape, rejects its params, `create` throws, loading takes longer than the load timeout,
 * or `onBar` does not return within `timeoutMs` (the worker is terminated: an infinite loop
 * cannot be recovered from, and the next bars would not be what the strategy saw). What is a
 * flag: one bar's output (a throw, a malformed or off-increment target), returned as a fault.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ReckonError } from '../domain/errors.js';
import type { Instrument } from '../domain/types.js';
import type { Bar } from '../marketdata/bar.js';
import { formatIsoUtc } from '../marketdata/timestamp.js';
import { toResult } from './adapter.js';
import { compiledFile } from './module-loader.js';
import { checkOutput, type TargetLimits } from './output.js';
import type { Strategy, StrategyPorts, StrategyResult } from './strategy.js';
import {
  F_CLOSE, F_HIGH, F_LINE, F_LOW, F_OPEN, F_TS, F_VOLUME, IDLE, INSTRUMENT, LENGTH, POSITIONS, REQUEST, RESPONSE, STATE,
  sharedBytes, views, type SharedViews, type WorkerHello, type WorkerInit,
} from './worker-protocol.js';

export interface WorkerStrategySpec {
  readonly id: string;
  readonly account: string;
  /** Absolute path of the module. */
  readonly file: string;
  /** As written in the config or on the command line (for messages). */
  readonly source: string;
  readonly limits: readonly TargetLimits[];
  /** The config's params (merged over the module's defaults in the worker). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Longest one onBar call may take. */
  readonly timeoutMs: number;
}

/** Longest a module may take to load and create its instance (TypeScript transpiling included). */
export const DEFAULT_LOAD_TIMEOUT_MS = 30_000;

const decoder = new TextDecoder();

export class WorkerStrategy implements Strategy {
  readonly kind = 'module';
  readonly id: string;
  readonly account: string;
  readonly instruments: readonly Instrument[];
  private readonly shared: SharedViews;
  private readonly indexOf = new Map<Instrument, number>();
  private dead: string | null = null;

  private constructor(private readonly spec: WorkerStrategySpec, private readonly worker: Worker, sab: SharedArrayBuffer, private readonly ports: StrategyPorts) {
    this.id = spec.id;
    this.account = spec.account;
    this.instruments = spec.limits.map((l) => l.instrument);
    this.instruments.forEach((inst, k) => this.indexOf.set(inst, k));
    this.shared = views(sab, this.instruments.length);
    worker.on('error', (e) => { this.dead ??= `the worker failed: ${e.message}`; });
    worker.on('exit', (code) => { this.dead ??= `the worker exited (code ${code})`; });
  }

  private get where(): string { return `strategy ${this.id} (${this.spec.source})`; }

  /**
   * Starts the worker and waits until the module is loaded and created (or fails).
   *
   * @example
   * const s = await WorkerStrategy.start({ id: 'breakout', account, file, source: './strategies/breakout.mjs', limits, params: {}, timeoutMs: 1000 }, ports);
   */
  static async start(spec: WorkerStrategySpec, ports: StrategyPorts, loadTimeoutMs = DEFAULT_LOAD_TIMEOUT_MS): Promise<WorkerStrategy> {
    const where = `strategy ${spec.id} (${spec.source})`;
    if (!existsSync(spec.file)) throw new ReckonError('BAD_INPUT', `${where}: no such module file ${spec.file}`);
    const entry = compiledFile('worker-main.js');
    if (!existsSync(entry)) throw new ReckonError('INVARIANT', `${entry} is missing: build first (npx tsc -p tsconfig.build.json)`);
    const sab = new SharedArrayBuffer(sharedBytes(spec.limits.length));
    const init: WorkerInit = {
      file: spec.file, source: spec.source, id: spec.id, account: spec.account, params: spec.params, sab,
      instruments: spec.limits.map((l) => ({
        id: l.instrument.id, priceIncrement: l.instrument.priceIncrement, sizeIncrement: l.instrument.sizeIncrement,
        maxPosition: l.maxPosition, maxPositionText: l.maxPositionText,
      })),
    };
    // Worker output goes to stderr (stdout may carry --json), prefixed with the strategy id.
    const worker = new Worker(entry, { workerData: init, stdout: true, stderr: true, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
    const prefix = (chunk: Buffer) => process.stderr.write(chunk.toString('utf8').replace(/^(?=.)/gm, `[${spec.id}] `));
    worker.stdout.on('data', prefix);
    worker.stderr.on('data', prefix);
    const hello = await new Promise<WorkerHello | { type: 'failed'; message: string }>((resolve) => {
      const timer = setTimeout(() => resolve({ type: 'failed', message: `did not finish loading within ${loadTimeoutMs} ms (an endless loop at the top level or in create?)` }), loadTimeoutMs);
      const done = (v: WorkerHello | { type: 'failed'; message: string }) => { clearTimeout(timer); resolve(v); };
      worker.once('message', (m: WorkerHello) => done(m));
      worker.once('error', (e) => done({ type: 'failed', message: `the worker failed while loading: ${e.message}` }));
      worker.once('exit', (code) => done({ type: 'failed', message: `the worker exited while loading (code ${code})` }));
    });
    if (hello.type !== 'ready') {
      await worker.terminate();
      throw new ReckonError('BAD_INPUT', hello.type === 'error' ? hello.message : `${where}: ${hello.message}`);
    }
    worker.unref();
    return new WorkerStrategy(spec, worker, sab, ports);
  }

  onBar(bar: Bar): StrategyResult {
    const at = () => `bar line ${bar.line} (${bar.instrument.id} ${formatIsoUtc(bar.ts)})`;
    if (this.dead) throw new ReckonError('BAD_INPUT', `${this.where}: ${this.dead}; the run stops at ${at()}`);
    const { i32, f64, bytes } = this.shared;
    const k = this.indexOf.get(bar.instrument) ?? 0;
    i32[INSTRUMENT] = k;
    f64[F_TS] = bar.ts; f64[F_OPEN] = bar.open; f64[F_HIGH] = bar.high; f64[F_LOW] = bar.low; f64[F_CLOSE] = bar.close;
    f64[F_VOLUME] = bar.volume; f64[F_LINE] = bar.line;
    for (let j = 0; j < this.instruments.length; j++) {
      const p = this.ports.position(this.account, this.instruments[j]!.id);
      f64[POSITIONS + 2 * j] = p.desired;
      f64[POSITIONS + 2 * j + 1] = p.confirmed;
    }
    Atomics.store(i32, STATE, REQUEST);
    Atomics.notify(i32, STATE);
    // One wait normally; a wake-up without an answer waits again, never longer than the timeout in all.
    let waited = 0;
    while (Atomics.load(i32, STATE) === REQUEST) {
      if (Atomics.wait(i32, STATE, REQUEST, this.spec.timeoutMs) === 'timed-out' || ++waited > 1000) {
        if (Atomics.load(i32, STATE) !== REQUEST) break;
        this.dead = `onBar did not return within ${this.spec.timeoutMs} ms (an endless loop, a blocking call, or process.exit?); the worker was terminated`;
        void this.worker.terminate();
        throw new ReckonError('BAD_INPUT', `${this.where}: ${this.dead}; the run stops at ${at()}`);
      }
    }
    if (Atomics.load(i32, STATE) !== RESPONSE) throw new ReckonError('INVARIANT', `${this.where}: unexpected worker state ${Atomics.load(i32, STATE)}`);
    const json = decoder.decode(bytes.slice(0, Atomics.load(i32, LENGTH)));
    Atomics.store(i32, STATE, IDLE);
    const wire = JSON.parse(json) as { ok?: unknown; fault?: string };
    if (typeof wire.fault === 'string') return { fault: wire.fault };
    return toResult(checkOutput(wire.ok, this.spec.limits), this.spec.limits);
  }

  async close(): Promise<void> {
    this.dead ??= 'the strategy was closed';
    await this.worker.terminate();
  }
}
