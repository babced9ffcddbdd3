/**
 * The folds a run keeps beside the engine for its summary: P&L (pnl.ts) and what held it back
 * (held-back.ts), fed every journaled record from the engine's bus, so summary.json holds the
 * same figures the report and the console compute by folding the journal.
 */
import type { RunConfig } from '../config/load.js';
import type { InProcessBus } from '../bus/in-process.js';
import { fmtPrice } from '../domain/instrument.js';
import { HeldBackFold } from './held-back.js';
import { PnlBook } from './pnl.js';

export class RunFolds {
  readonly pnl: PnlBook;
  readonly heldBack: HeldBackFold;

  /**
   * @example
   * const folds = new RunFolds(cfg); folds.attach(engine.bus);
   */
  constructor(cfg: RunConfig) {
    this.pnl = new PnlBook(new Map(cfg.accounts.map((a) => [a.id, a.startingCash])), new Map(cfg.instruments.map((i) => [i.id, i])));
    this.heldBack = new HeldBackFold(new Map(cfg.instruments.map((i) => [i.id, cfg.limits.get(i.id)!.tradingState])), cfg.raw.risk.killSwitch);
  }

  attach(bus: InProcessBus): () => void {
    const offPnl = bus.subscribe(this.pnl.add);
    const offHeld = bus.subscribe(this.heldBack.add);
    return () => { offPnl(); offHeld(); };
  }
}

/** Last prices as exact decimal strings, from the engine's last closes (integers at priceScale). */
export function lastPriceText(cfg: RunConfig, lastPrice: readonly (number | undefined)[]): (instrumentId: string) => string | null {
  return (id) => {
    const inst = cfg.instrumentById.get(id);
    const p = inst ? lastPrice[inst.index] : undefined;
    return inst && p !== undefined ? fmtPrice(inst, p) : null;
  };
}
