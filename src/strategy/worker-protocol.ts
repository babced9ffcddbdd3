/**
 * The shared-memory protocol between the engine thread and a strategy worker. One bar at a time:
 * the engine writes the bar (integers at the instrument's scales) and the strategy's positions,
 * sets STATE to REQUEST and blocks in Atomics.wait with the strategy's timeout; the worker runs
 * onBar, writes its checked output as JSON and sets STATE to RESPONSE. A round trip costs one
 * futex wake each way (about 10 µs here), never a message through the event loop.
 */
export const STATE = 0;
export const LENGTH = 1;
export const INSTRUMENT = 2;

export const IDLE = 0;
export const REQUEST = 1;
export const RESPONSE = 2;

/** Float64 slots: the bar, then desired/confirmed per instrument from POSITIONS. */
export const F_TS = 0, F_OPEN = 1, F_HIGH = 2, F_LOW = 3, F_CLOSE = 4, F_VOLUME = 5, F_LINE = 6;
export const POSITIONS = 8;

const HEADER_BYTES = 32;
/** Largest output JSON a worker may return per bar. */
export const RESPONSE_BYTES = 64 * 1024;

export interface SharedViews {
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly bytes: Uint8Array;
}

export function sharedBytes(instruments: number): number {
  return HEADER_BYTES + 8 * (POSITIONS + 2 * instruments) + RESPONSE_BYTES;
}

export function views(sab: SharedArrayBuffer, instruments: number): SharedViews {
  const floats = POSITIONS + 2 * instruments;
  return {
    i32: new Int32Array(sab, 0, HEADER_BYTES / 4),
    f64: new Float64Array(sab, HEADER_BYTES, floats),
    bytes: new Uint8Array(sab, HEADER_BYTES + 8 * floats, RESPONSE_BYTES),
  };
}

/** What the engine thread tells the worker at start. */
export interface WorkerInit {
  readonly file: string;
  /** The module as the config or command line names it (for messages). */
  readonly source: string;
  readonly id: string;
  readonly account: string;
  readonly instruments: readonly { readonly id: string; readonly priceIncrement: string; readonly sizeIncrement: string; readonly maxPosition: number; readonly maxPositionText: string }[];
  readonly params: Readonly<Record<string, unknown>>;
  readonly sab: SharedArrayBuffer;
}

/** The worker's one message after loading: ready, or why the module cannot be used. */
export type WorkerHello = { readonly type: 'ready'; readonly name: string } | { readonly type: 'error'; readonly message: string };
