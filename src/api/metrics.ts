/**
 * Prometheus metrics of a live engine (GET /metrics): events processed, journal commit latency,
 * tick-to-order latency, open incidents by code, drift per instrument, provider connectivity.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { LiveRunner } from '../live/live-runner.js';
import { positionKey } from '../domain/types.js';

export class LiveMetrics {
  readonly registry = new Registry();
  readonly tickToOrder: Histogram;
  readonly tickLatency: Histogram;
  readonly actions: Counter;

  constructor(live: LiveRunner) {
    const r = this.registry;
    collectDefaultMetrics({ register: r, prefix: 'reckon_' });
    const engine = live.engine;
    new Gauge({ name: 'reckon_market_events_total', help: 'Market events processed by the engine', registers: [r], collect() { this.set(engine.counts.marketEvents); } });
    new Gauge({ name: 'reckon_journal_last_seq', help: 'Last journaled seq', registers: [r], collect() { this.set(live.journal.lastSeq()); } });
    new Gauge({ name: 'reckon_records_total', help: 'Records by stage', labelNames: ['stage'], registers: [r], collect() {
      for (const [stage, v] of Object.entries(engine.counts)) this.set({ stage }, v);
    } });
    this.tickLatency = new Histogram({
      name: 'reckon_tick_processing_seconds', help: 'Time to process one market event including the journal commit',
      buckets: [0.00002, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05], registers: [r],
    });
    this.tickToOrder = new Histogram({
      name: 'reckon_tick_to_order_seconds', help: 'From a market event entering the engine to its order being journaled and handed to the provider',
      buckets: [0.00002, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01], registers: [r],
    });
    new Gauge({ name: 'reckon_open_incidents', help: 'Open (unacknowledged) incidents by failure code', labelNames: ['code'], registers: [r], collect() {
      this.reset();
      for (const i of engine.state.incidents.incidents.values()) if (i.status === 'open') this.inc({ code: i.code });
    } });
    const cfg = live.config;
    const gap = (pick: (desired: number, expected: number, confirmed: number) => number) => function (this: Gauge<'account' | 'instrument'>) {
      for (const a of cfg.accounts) for (const i of cfg.instruments) {
        const p = engine.state.execution.positions.get(positionKey(a.id, i.id));
        const desired = engine.state.portfolio.positions.get(positionKey(a.id, i.id))?.desired ?? 0;
        this.set({ account: a.id, instrument: i.id }, pick(desired, p?.expected ?? 0, p?.confirmed ?? 0) / 10 ** i.sizeScale);
      }
    };
    new Gauge({ name: 'reckon_position_drift', help: 'expected - confirmed per instrument (in instrument units)', labelNames: ['account', 'instrument'], registers: [r], collect: gap((_d, e, c) => e - c) });
    new Gauge({ name: 'reckon_position_residual', help: 'desired - confirmed per instrument (in instrument units)', labelNames: ['account', 'instrument'], registers: [r], collect: gap((d, _e, c) => d - c) });
    new Gauge({ name: 'reckon_provider_connected', help: '1 when the provider is reachable', registers: [r], collect() { this.set(live.providerConnected ? 1 : 0); } });
    new Gauge({ name: 'reckon_market_data_age_seconds', help: 'Age of the last bar per instrument', labelNames: ['instrument'], registers: [r], collect() {
      for (const h of live.feedHealth()) if (h.ageMs !== null) this.set({ instrument: h.instrument }, h.ageMs / 1000);
    } });
    this.actions = new Counter({ name: 'reckon_operator_actions_total', help: 'Operator actions by action and outcome', labelNames: ['action', 'outcome'], registers: [r] });
  }
}
