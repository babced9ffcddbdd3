import type { StrategyConfig } from '../config/schema.js';
import type { Instrument } from '../domain/types.js';
import { MaCrossover } from './ma-crossover.js';
import { MeanReversion } from './mean-reversion.js';
import type { Strategy } from './strategy.js';

/** Built-in strategy kinds, selectable in config (`kind`) and with `reckon run --strategy`. */
export const STRATEGY_KINDS = ['ma-crossover', 'mean-reversion'] as const;

/** Creates a strategy instance from its validated config entry. */
export function createStrategy(cfg: StrategyConfig, instrument: Instrument, quantity: number): Strategy {
  switch (cfg.kind) {
    case 'ma-crossover':
      return new MaCrossover(cfg.id, cfg.account, instrument, quantity, cfg.params);
    case 'mean-reversion':
      return new MeanReversion(cfg.id, cfg.account, instrument, quantity, cfg.params);
  }
}
