import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/server.js';
import { sha256Hex, TokenAuth } from '../../src/api/auth.js';
import { LiveRunner } from '../../src/live/live-runner.js';
import type { Feed } from '../../src/live/feed.js';
import { loadConfigFile } from '../../src/config/load.js';
import { incidentDraft } from '../../src/reconciliation/reconciliation.js';
import { LIVE_CONFIG_PATH } from '../../src/cli/serve-command.js';
import { makeBars } from '../support/engine.js';
import { tempDir } from '../support/cli.js';

const VIEWER = 'viewer-token-123';
const OPERATOR = 'operator-token-456';
const idle: Feed = { description: 'idle (test)', run: async () => {} };
let app: FastifyInstance;
let live: LiveRunner;
let clock = 1_767_571_200_000;

beforeAll(async () => {
  const cfg = loadConfigFile(LIVE_CONFIG_PATH);
  live = LiveRunner.open({ config: cfg, journalPath: join(tempDir(), 'journal.db'), feed: idle, clock: () => clock });
  // Drive some bars so orders, fills and intents exist.
  for (const bar of makeBars(cfg, Array.from({ length: 80 }, (_, i) => Math.round(5 * Math.sin(i / 6))))) { clock = bar.ts; live.onBar(bar); }
  const auth = TokenAuth.from([{ name: 'ana', role: 'viewer', sha256: sha256Hex(VIEWER) }, { name: 'olu', role: 'operator', sha256: sha256Hex(OPERATOR) }], {});
  app = await buildServer({ live, auth, actionRateLimit: 1000 });
});
afterAll(async () => { await app.close(); await live.stop(); });

const call = (method: 'GET' | 'POST', url: string, token?: string, payload?: unknown) =>
  app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(payload === undefined ? {} : { payload: payload as object }) });

function openIncident(): string {
  const rec = live.engine.append(incidentDraft({ ts: clock, account: 'fixture-account-01', instrument: 'FIX-ALPHA', correlationId: null, causationSeq: null },
    `INC-test-${live.journal.lastSeq() + 1}-POSITION_DRIFT`, 'POSITION_DRIFT', 'test drift', {}));
  return rec.payload.kind === 'incident_opened' ? rec.payload.incidentId : '';
}

describe('auth matrix: every /api route x no token / viewer / operator', () => {
  const reads = ['/api/state', '/api/positions', '/api/orders', '/api/incidents', '/api/playbooks', '/api/records', '/api/intents/intent-001'];
  const actions: [string, unknown][] = [
    ['/api/incidents/INC-x/ack', { reason: 'r' }], ['/api/incidents/INC-x/resolve', { reason: 'r' }],
    ['/api/instruments/FIX-BRAVO/trading-state', { reason: 'r', state: 'active' }], ['/api/kill-switch', { reason: 'r', engaged: false }],
    ['/api/orders/none/cancel', { reason: 'r' }], ['/api/instruments/FIX-DELTA/flatten', { reason: 'r' }],
  ];
  for (const url of [...reads, '/api/stream']) {
    it(`GET ${url}: 401 without a token, 401 with a wrong one`, async () => {
      expect((await call('GET', url)).statusCode).toBe(401);
      const r = await call('GET', url, 'not-a-token');
      expect(r.statusCode).toBe(401);
      expect(r.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'a bearer token is required' } });
    });
  }
  for (const url of reads) {
    it(`GET ${url}: 200 for viewer and operator`, async () => {
      expect((await call('GET', url, VIEWER)).statusCode).toBe(200);
      expect((await call('GET', url, OPERATOR)).statusCode).toBe(200);
    });
  }
  for (const [url, body] of actions) {
    it(`POST ${url}: 401 without token, 403 for a viewer, allowed for an operator`, async () => {
      expect((await call('POST', url, undefined, body)).statusCode).toBe(401);
      const v = await call('POST', url, VIEWER, body);
      expect(v.statusCode).toBe(403);
      expect(v.json().error.code).toBe('FORBIDDEN');
      const o = await call('POST', url, OPERATOR, body);
      expect([200, 404, 409]).toContain(o.statusCode);
      expect(o.statusCode === 200 || typeof o.json().error.code === 'string').toBe(true);
    });
  }
  it('health, readiness and metrics need no token', async () => {
    expect((await call('GET', '/healthz')).json()).toEqual({ status: 'ok' });
    expect((await call('GET', '/readyz')).json()).toMatchObject({ status: 'ready', provider: 'connected' });
    const m = await call('GET', '/metrics');
    for (const name of ['reckon_market_events_total', 'reckon_tick_processing_seconds', 'reckon_tick_to_order_seconds', 'reckon_open_incidents', 'reckon_position_drift', 'reckon_provider_connected']) expect(m.body).toContain(name);
  });
});

describe('views and actions', () => {
  it('lists every configured instrument in /api/positions, flat ones included', async () => {
    const rows = (await call('GET', '/api/positions', VIEWER)).json().positions;
    expect(rows.map((r: { instrument: string }) => r.instrument)).toEqual(['FIX-ALPHA', 'FIX-BRAVO', 'FIX-CHARLIE', 'FIX-DELTA']);
    for (const r of rows) for (const k of ['desired', 'expected', 'confirmed', 'working', 'residual', 'drift', 'tradingState']) expect(r).toHaveProperty(k);
  });

  it('returns an intent chain S01..S06 from the journal, 404 for an unknown one', async () => {
    const chain = (await call('GET', '/api/intents/intent-001', VIEWER)).json();
    expect(chain.records[0]).toMatchObject({ type: 'S01.intent', correlationId: 'intent-001' });
    expect(chain.records.map((r: { type: string }) => r.type)).toContain('S04.order');
    const missing = await call('GET', '/api/intents/nope', VIEWER);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('INTENT_NOT_FOUND');
  });

  it('acknowledges an incident with actor and reason journaled, releasing the recovery trading state', async () => {
    const id = openIncident();
    live.engine.append({ ts: clock, type: 'S07.operator', account: 'fixture-account-01', instrument: 'FIX-ALPHA', correlationId: null, causationSeq: null,
      payload: { kind: 'trading_state_changed', from: 'active', to: 'reducing', actor: 'system:reconciliation', reason: 'test', incidentId: id } });
    const r = await call('POST', `/api/incidents/${id}/ack`, OPERATOR, { reason: 'checked the venue position' });
    expect(r.statusCode).toBe(200);
    expect(r.json().records.map((x: { payload: { kind: string } }) => x.payload.kind)).toEqual(['incident_acknowledged', 'trading_state_changed']);
    expect(r.json().records[0].payload).toMatchObject({ actor: 'olu', reason: 'checked the venue position' });
    const positions = (await call('GET', '/api/positions', VIEWER)).json().positions;
    expect(positions[0].tradingState).toBe('active');
    const again = await call('POST', `/api/incidents/${id}/ack`, OPERATOR, { reason: 'again' });
    expect(again.statusCode).toBe(409);
  });

  it('rejects invalid bodies with 400 naming the field', async () => {
    const noReason = await call('POST', '/api/kill-switch', OPERATOR, {});
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error).toMatchObject({ code: 'INVALID_BODY' });
    expect(noReason.json().error.message).toContain('reason');
    const badState = await call('POST', '/api/instruments/FIX-ALPHA/trading-state', OPERATOR, { reason: 'x', state: 'paused' });
    expect(badState.statusCode).toBe(400);
    expect(badState.json().error.message).toContain('state');
    const tooBig = await call('POST', '/api/kill-switch', OPERATOR, { reason: 'x'.repeat(20_000) });
    expect(tooBig.statusCode).toBe(413);
  });

  it('engaging the kill switch halts new orders and cancels every open order, each journaled', async () => {
    const r = await call('POST', '/api/kill-switch', OPERATOR, { reason: 'drill' });
    expect(r.statusCode).toBe(200);
    expect(r.json().records[0].payload).toMatchObject({ kind: 'kill_switch', engaged: true, actor: 'olu', reason: 'drill' });
    expect(live.engine.risk.killSwitch).toBe(true);
    expect((await call('POST', '/api/kill-switch', OPERATOR, { reason: 'drill over', engaged: false })).statusCode).toBe(200);
    expect(live.engine.risk.killSwitch).toBe(false);
  });
});

describe('rate limit on actions', () => {
  it('answers 429 RATE_LIMITED past the configured actions per minute', async () => {
    const cfg = loadConfigFile(LIVE_CONFIG_PATH);
    const l = LiveRunner.open({ config: cfg, journalPath: join(tempDir(), 'journal.db'), feed: idle, clock: () => clock });
    const a = await buildServer({ live: l, auth: TokenAuth.from([{ name: 'olu', role: 'operator', sha256: sha256Hex(OPERATOR) }], {}), actionRateLimit: 2 });
    const post = () => a.inject({ method: 'POST', url: '/api/instruments/FIX-ALPHA/trading-state', headers: { authorization: `Bearer ${OPERATOR}` }, payload: { reason: 'r', state: 'reducing' } });
    expect((await post()).statusCode).toBe(200);
    expect((await post()).statusCode).toBe(200);
    const third = await post();
    expect(third.statusCode).toBe(429);
    expect(third.json().error.code).toBe('RATE_LIMITED');
    await a.close();
    await l.stop();
  });
});
