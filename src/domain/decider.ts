/**
 * The one shape every boundary's decision has: `decide(state, input, ctx) -> drafts`. A decider
 * reads the whole kernel state (read-only), never the clock or a random source of its own, and
 * returns records without seq or hash; the engine journals them in order and folds each with
 * `evolveAll`. Time, the config and the seq the first draft will take come in through `ctx`, so
 * a decider can name what it opens (`INC-<seq>-…`, request ids) and link a draft to an earlier
 * one of the same decision (`DraftList.push` returns the seq it will get).
 */
import type { RunConfig } from '../config/load.js';
import type { Instrument } from './types.js';
import type { AnyDraft } from '../records/records.js';
import type { KernelState } from '../engine/kernel-state.js';

export interface DecideContext {
  readonly cfg: RunConfig;
  /** Event time of the input being decided. */
  readonly now: number;
  /** Seq the first returned draft will take. */
  readonly nextSeq: number;
  /** Last market price of an instrument (integer at priceScale), undefined before its first bar. */
  readonly lastPrice: (instrument: Instrument) => number | undefined;
  /** The request id of the command or request decided at `seq` (deterministic, unique per journal). */
  readonly requestIdAt: (seq: number) => string;
  /** A command or request without an answer for this long (event time) is an incident. */
  readonly timeoutMs: number;
}

/** A boundary decision: pure, over read-only state. */
export type Decide<I> = (state: Readonly<KernelState>, input: I, ctx: DecideContext) => readonly AnyDraft[];

/**
 * Drafts of one decision with the seqs they will take once journaled.
 *
 * @example
 * const out = new DraftList(ctx.nextSeq);
 * const s05 = out.push(reportDraft);                          // the seq the report will get
 * out.push({ ...flag, causationSeq: s05 });                   // a follow-up caused by it
 * return out.drafts;
 */
export class DraftList {
  readonly drafts: AnyDraft[] = [];
  constructor(private readonly firstSeq: number) {}
  /** Appends a draft; returns the seq it will be journaled at. */
  push(d: AnyDraft): number {
    this.drafts.push(d);
    return this.firstSeq + this.drafts.length - 1;
  }
  /** The seq the next pushed draft will take. */
  get nextSeq(): number { return this.firstSeq + this.drafts.length; }
}
