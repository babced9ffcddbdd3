/**
 * A console API over a real LiveRunner (SQLite journal in a temp dir, idle feed, 80 bars driven
 * so orders, fills and intents exist), with a viewer and two operator tokens; plus a raw HTTP
 * client that sends the request path byte for byte (fetch would normalise it first).
 */
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildServer, type ServerOptions } from '../../src/api/server.js';
import { sha256Hex, TokenAuth } from '../../src/api/auth.js';
import { LiveRunner } from '../../src/live/live-runner.js';
import type { Feed } from '../../src/live/feed.js';
import { liveProvider } from '../../src/live/provider.js';
import { loadConfigFile } from '../../src/config/load.js';
import { SqliteJournal } from '../../src/journal/sqlite.js';
import { incidentDraft } from '../../src/operator/drafts.js';
import { LIVE_CONFIG_PATH } from '../../src/cli/serve-command.js';
import { makeBars } from '../support/engine.js';
import { tempDir } from '../support/cli.js';

export const VIEWER = 'viewer-token-123';
export const OPERATOR = 'operator-token-456';
export const OPERATOR2 = 'operator-token-789';

export interface ApiFixture {
  readonly app: FastifyInstance;
  readonly live: LiveRunner;
  /** `Authorization: Bearer <token>` when a token is given; `payload` is sent as JSON. */
  call(method: string, url: string, token?: string, payload?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** The fixture's event clock (the last bar's time). */
  now(): number;
  /**
   * An open incident (from the journal the fixture starts on, as a previous session left it):
   * the first restricts FIX-ALPHA to reducing; each call returns the next.
   */
  openIncident(): string;
  close(): Promise<void>;
}

export const SEEDED_INCIDENTS = 10;

/** A journal as a previous session left it: open incidents, the first restricting FIX-ALPHA. */
function seedJournal(path: string, ts: number): string[] {
  const j = SqliteJournal.open(path);
  const ids: string[] = [];
  for (let k = 1; k <= SEEDED_INCIDENTS; k++) {
    const id = `INC-test-${k}-POSITION_DRIFT`;
    ids.push(id);
    const rec = j.append(incidentDraft({ ts, account: 'fixture-account-01', instrument: 'FIX-ALPHA', correlationId: null, causationSeq: null }, id, 'POSITION_DRIFT', `test drift ${k}`, {}));
    if (k === 1) {
      j.append({ ts, type: 'S07.operator', account: 'fixture-account-01', instrument: 'FIX-ALPHA', correlationId: null, causationSeq: rec.seq,
        payload: { kind: 'trading_state_changed', from: 'active', to: 'reducing', actor: 'system:reconciliation', reason: 'test', incidentId: id } });
    }
  }
  j.closeSync();
  return ids;
}

export async function apiFixture(opts: Partial<Omit<ServerOptions, 'live' | 'auth'>> = {}): Promise<ApiFixture> {
  const cfg = loadConfigFile(LIVE_CONFIG_PATH);
  let clock = 1_767_571_200_000;
  const journalPath = join(tempDir(), 'journal.db');
  const incidents = seedJournal(journalPath, clock);
  const bars = makeBars(cfg, Array.from({ length: 80 }, (_, i) => Math.round(5 * Math.sin(i / 6))));
  // The feed delivers the bars one at a time (each stepped before the next, as a paced feed
  // would), moving the fixture's clock with them; then it is idle.
  let settled: () => Promise<void> = async () => undefined;
  let fed!: () => void;
  const allFed = new Promise<void>((resolve) => { fed = resolve; });
  const feed: Feed = { description: 'fixture bars (test)', run: async (onBar) => { for (const bar of bars) { clock = bar.ts; onBar(bar); await settled(); } fed(); } };
  const provider = liveProvider(cfg, { journalPath });
  const live = LiveRunner.open({ config: cfg, journal: SqliteJournal.open(journalPath), feed, gateway: provider.gateway, clock: () => clock, tickMs: 3_600_000 });
  settled = () => live.settled();
  await live.start();
  await allFed;
  await live.settled();
  const auth = TokenAuth.from([
    { name: 'ana', role: 'viewer', sha256: sha256Hex(VIEWER) },
    { name: 'olu', role: 'operator', sha256: sha256Hex(OPERATOR) },
    { name: 'kim', role: 'operator', sha256: sha256Hex(OPERATOR2) },
  ], {});
  const app = await buildServer({ live, auth, actionRateLimit: 1000, ...opts });
  let nextIncident = 0;
  return {
    app, live,
    now: () => clock,
    call: (method, url, token, payload, headers = {}) => app.inject({
      method: method as 'GET', url,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      ...(payload === undefined ? {} : { payload: payload as object }),
    }),
    openIncident() {
      const id = incidents[nextIncident++];
      if (id === undefined) throw new Error(`the fixture seeds ${SEEDED_INCIDENTS} incidents`);
      return id;
    },
    async close() { await app.close(); await live.stop(); },
  };
}

export interface RawResponse { status: number; headers: Record<string, string | string[] | undefined>; body: string }

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/**
 * One HTTP/1.1 request over a real socket with the path sent exactly as given.
 *
 * @example
 * await rawRequest(port, { method: 'GET', path: '/%61pi/state' }) // { status: 401, ... }
 */
export function rawRequest(port: number, r: { method: string; path: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: r.method, path: r.path, agent, headers: r.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

/** Reads `/api/stream`-like paths until the first event arrives (or the response ends), then closes. */
export function firstEvent(port: number, path: string, token?: string): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'GET', path, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      let text = '';
      const done = () => { resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text }); req.destroy(); };
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; if (text.includes('\n\n')) done(); });
      res.on('end', done);
    });
    req.on('error', (e) => { if (!req.destroyed) reject(e); });
    req.end();
  });
}
