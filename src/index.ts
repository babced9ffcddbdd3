/**
 * The package's public entry (`import ... from 'reckon'`): the strategy module API types, and
 * the helper that runs a strategy over a CSV in a unit test. The CLI is `reckon` (bin/reckon.js).
 *
 * @example
 * import type { Strategy } from 'reckon';
 * import { runStrategyOnCsv } from 'reckon';
 */
export type {
  Params, ParamValue, PositionView, Strategy, StrategyBar, StrategyContext, StrategyInstance, StrategyInstrument, StrategyOutput, Target,
} from './strategy/api.js';
export { runStrategyOnCsv, type RunStrategyOptions, type StrategyFault, type StrategyIntent, type StrategyRun } from './engine/strategy-run.js';
export type { PnlRow, PnlTotals, PnlView } from './report/pnl.js';
