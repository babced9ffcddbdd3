import type { StrategyPorts } from './strategy.js';

/**
 * Ports for strategies loaded before the engine exists: every call goes to the engine once
 * `bind` is called; before that (during `create`) every position is flat.
 *
 * @example
 * const ports = new LatePorts();
 * const strategies = await loadStrategies(cfg, ports);
 * const engine = new Engine({ ..., strategies });
 * ports.bind(engine.ports);
 */
export class LatePorts implements StrategyPorts {
  private target: StrategyPorts | null = null;
  bind(ports: StrategyPorts): void { this.target = ports; }
  position(account: string, instrumentId: string): { desired: number; confirmed: number } {
    return this.target ? this.target.position(account, instrumentId) : { desired: 0, confirmed: 0 };
  }
}
