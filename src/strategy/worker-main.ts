/**
 * Inside a strategy worker: loads the user's module (through the .ts loader hooks when it is
 * TypeScript), checks its export and params, calls create(ctx), reports ready, then serves bars
 * from shared memory in a synchronous loop (see worker-protocol.ts). Every throw and every
 * malformed output becomes a fault answer; nothing here ever ends the engine.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ReckonError } from '../domain/errors.js';
import { makeInstrument } from '../domain/instrument.js';
import type { MutableBar } from '../marketdata/bar.js';
import type { StrategyInstance } from './api.js';
import { makeContext, realBar } from './context.js';
import { checkInstance, errorText, mergeParams } from './definition.js';
import { importDefinition } from './module-loader.js';
import { checkOutput, outputWire, type TargetLimits } from './output.js';
import {
  F_CLOSE, F_HIGH, F_LINE, F_LOW, F_OPEN, F_TS, F_VOLUME, INSTRUMENT, LENGTH, POSITIONS, REQUEST, RESPONSE, RESPONSE_BYTES, STATE,
  views, type WorkerHello, type WorkerInit,
} from './worker-protocol.js';

const init = workerData as WorkerInit;
const where = `strategy ${init.id} (${init.source})`;
const limits: TargetLimits[] = init.instruments.map((i, k) => ({
  instrument: makeInstrument(i.id, k, i.priceIncrement, i.sizeIncrement), maxPosition: i.maxPosition, maxPositionText: i.maxPositionText,
}));
const { i32, f64, bytes } = views(init.sab, limits.length);
const hello = (m: WorkerHello) => parentPort!.postMessage(m);

async function load(): Promise<{ instance: StrategyInstance; name: string }> {
  const def = await importDefinition(init.file, where);
  const params = mergeParams(def.params, init.params, where);
  const ctx = makeContext({
    id: init.id, account: init.account, limits, params,
    position: (k) => ({ desired: f64[POSITIONS + 2 * k]!, confirmed: f64[POSITIONS + 2 * k + 1]! }),
  });
  let instance: unknown;
  try {
    instance = def.create(ctx);
  } catch (e) {
    throw new ReckonError('BAD_INPUT', `${where}: create(ctx) threw: ${errorText(e)}`);
  }
  return { instance: checkInstance(instance, where), name: def.name };
}

const encoder = new TextEncoder();

function answer(json: string): void {
  const r = encoder.encodeInto(json, bytes);
  let n = r.written;
  if (r.read < json.length) {
    n = encoder.encodeInto(JSON.stringify({ fault: `onBar returned more than ${RESPONSE_BYTES} bytes of output` }), bytes).written;
  }
  Atomics.store(i32, LENGTH, n);
  Atomics.store(i32, STATE, RESPONSE);
  Atomics.notify(i32, STATE);
}

function serve(instance: StrategyInstance): never {
  const bar: MutableBar = { ts: 0, instrument: limits[0]!.instrument, open: 0, high: 0, low: 0, close: 0, volume: 0, line: 0 };
  for (;;) {
    let state: number;
    while ((state = Atomics.load(i32, STATE)) !== REQUEST) Atomics.wait(i32, STATE, state);
    bar.instrument = limits[i32[INSTRUMENT]!]!.instrument;
    bar.ts = f64[F_TS]!; bar.open = f64[F_OPEN]!; bar.high = f64[F_HIGH]!; bar.low = f64[F_LOW]!; bar.close = f64[F_CLOSE]!;
    bar.volume = f64[F_VOLUME]!; bar.line = f64[F_LINE]!;
    let wire: string;
    try {
      wire = outputWire(checkOutput(instance.onBar(realBar(bar)), limits), limits);
    } catch (e) {
      wire = JSON.stringify({ fault: `onBar threw: ${errorText(e)}` });
    }
    answer(wire);
  }
}

try {
  const { instance, name } = await load();
  hello({ type: 'ready', name });
  serve(instance);
} catch (e) {
  hello({ type: 'error', message: e instanceof ReckonError ? e.message : `${where}: ${errorText(e)}` });
}
