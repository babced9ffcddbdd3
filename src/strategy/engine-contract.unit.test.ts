/**
 * The engine side of the strategy contract: a strategy registered on each of its instruments,
 * `{ fault }` journaled as a STRATEGY_ERROR flag (strategy id, bar line, reason) with no intent,
 * one S01 intent per target of a multi-instrument result, and the ports showing desired and
 * confirmed positions.
 */
import { describe, expect, it } from 'vitest';
import { testConfig, makeBars } from '../../test/support/engine.js';
import { Engine } from '../engine/engine.js';
import { simGatewayFor } from '../engine/replay.js';
import { EventTimeLoop } from '../engine/event-loop.js';
import { MemoryJournal } from '../journal/memory.js';
import type { Bar } from '../marketdata/bar.js';
import type { Strategy, StrategyResult } from './strategy.js';

const cfg = testConfig({ strategies: [] });
const alpha = cfg.instrumentById.get('FIX-ALPHA')!;
const charlie = cfg.instrumentById.get('FIX-CHARLIE')!;

function run(strategy: Strategy, steps = 30) {
  const journal = new MemoryJournal();
  const engine = new Engine({ config: cfg, journal, strategies: [strategy] });
  const loop = new EventTimeLoop(engine, simGatewayFor(cfg));
  loop.input({ kind: 'start', run: { runId: 't', dataName: 'bars', dataBytes: 0, mode: 'replay', version: 't' } });
  for (const b of makeBars(cfg, Array.from({ length: steps }, (_, i) => (i % 5) - 2))) loop.bar(b);
  loop.finish('t', 0);
  return { engine, records: journal.all() };
}

describe('engine and strategies', () => {
  it('a multi-instrument strategy sees the bars of both instruments and each target becomes its own S01 intent', () => {
    const seen: string[] = [];
    const s: Strategy = {
      id: 'pair', kind: 'module', account: 'acct-1', instruments: [alpha, charlie],
      onBar(bar: Bar): StrategyResult {
        seen.push(bar.instrument.id);
        return bar.line === 12 ? { targets: [{ instrument: alpha, target: 5 }, { instrument: charlie, target: -250 }], signal: { z: 2.1 } } : null;
      },
    };
    const { records } = run(s);
    expect(new Set(seen)).toEqual(new Set(['FIX-ALPHA', 'FIX-CHARLIE']));
    const intents = records.filter((r) => r.type === 'S01.intent');
    expect(intents.map((r) => [r.instrument, r.type === 'S01.intent' && r.payload.quantity, r.type === 'S01.intent' && r.payload.bar?.line])).toEqual([
      ['FIX-ALPHA', '+5', 12], ['FIX-CHARLIE', '-0.250', 12],
    ]);
    expect(intents.every((r) => r.type === 'S01.intent' && r.payload.signal.z === 2.1 && r.payload.strategyId === 'pair')).toBe(true);
    expect(records.some((r) => r.type === 'S02.desired' && r.instrument === 'FIX-CHARLIE')).toBe(true);
  });

  it('a fault is a STRATEGY_ERROR flag with strategy id, bar line and reason, and no intent', () => {
    const s: Strategy = { id: 'bad', kind: 'module', account: 'acct-1', instruments: [alpha], onBar: (bar) => (bar.line === 8 ? { fault: 'target "x" is not a decimal' } : null) };
    const { records, engine } = run(s);
    const flags = records.filter((r) => r.type === 'S07.operator' && r.payload.kind === 'flag' && r.payload.code === 'STRATEGY_ERROR');
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ account: 'acct-1', instrument: 'FIX-ALPHA', payload: {
      severity: 'warning', message: 'strategy bad at bar line 8: target "x" is not a decimal; no new target', details: { strategy: 'bad', line: 8, reason: 'target "x" is not a decimal' },
    } });
    expect(records.some((r) => r.type === 'S01.intent')).toBe(false);
    expect(engine.counts.flags).toBe(1);
  });

  it('ports show the desired position after a target and the confirmed one once the provider reports it', () => {
    const views: { desired: number; confirmed: number }[] = [];
    let engineRef: Engine | null = null;
    const s: Strategy = {
      id: 'p', kind: 'module', account: 'acct-1', instruments: [alpha],
      onBar(bar) { views.push(engineRef!.ports.position('acct-1', 'FIX-ALPHA')); return bar.line === 4 ? { targets: [{ instrument: alpha, target: 7 }], signal: {} } : null; },
    };
    const journal = new MemoryJournal();
    const engine = (engineRef = new Engine({ config: cfg, journal, strategies: [s] }));
    const loop = new EventTimeLoop(engine, simGatewayFor(cfg));
    loop.input({ kind: 'start', run: { runId: 't', dataName: 'bars', dataBytes: 0, mode: 'replay', version: 't' } });
    for (const b of makeBars(cfg, Array.from({ length: 40 }, () => 0))) loop.bar(b);
    expect(views[0]).toEqual({ desired: 0, confirmed: 0 });
    expect(views.at(-1)).toEqual({ desired: 7, confirmed: 7 });
  });
});
