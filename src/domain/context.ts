/**
 * What a decider may know about the world besides its state and input: the event-time clock and a
 * seeded RNG. Deciders never call Date.now(), Math.random() or do I/O; the engine passes this in.
 */
export interface DecideContext {
  /** Event time in epoch milliseconds (the bar's ts in replay, the wall clock only in live mode). */
  readonly now: number;
  readonly rng: Rng;
}

export interface Rng {
  /** Uniform integer in [0, 2^32). */
  nextU32(): number;
  /** Uniform float in [0, 1). */
  next(): number;
}

/**
 * Seeded PRNG (mulberry32): integer operations only, so identical on every machine.
 *
 * @example
 * const rng = seededRng(42); rng.next(); // 0.6011037519201636 on every run
 */
export function seededRng(seed: number): Rng {
  let s = seed >>> 0;
  const nextU32 = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return { nextU32, next: () => nextU32() / 4294967296 };
}
