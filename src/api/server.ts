/**
 * The console's HTTP API (Fastify). Health and metrics are open; every /api route needs a
 * bearer token (401 without, 403 for a viewer on an action). Action bodies are validated JSON with
 * a required `reason`; errors carry a stable code: `{ error: { code, message } }`.
 */
import { existsSync, readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { FAILURE_CATALOG } from '../operator/catalog.js';
import type { LiveRunner } from '../live/live-runner.js';
import type { ActionResult } from '../live/live-runner.js';
import type { JournalRecord } from '../records/records.js';
import { TokenAuth, type Principal, type Role } from './auth.js';
import { LiveMetrics } from './metrics.js';
import { ordersView, positionsView } from './views.js';
import { registerPnlRoute } from './pnl.js';
import { JournalQuery } from '../journal/query.js';

export interface ServerOptions {
  readonly live: LiveRunner;
  readonly auth: TokenAuth;
  /** The built console page (web/dist/console.html), served at `/`. */
  readonly consoleHtml?: string;
  /** Operator actions allowed per minute per client. */
  readonly actionRateLimit?: number;
}

declare module 'fastify' {
  interface FastifyRequest { principal: Principal | null }
}

const reasonBody = {
  type: 'object', additionalProperties: false, required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
} as const;
const tradingStateBody = {
  type: 'object', additionalProperties: false, required: ['reason', 'state'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 500 }, state: { type: 'string', enum: ['active', 'reducing', 'halted'] } },
} as const;
const killBody = {
  type: 'object', additionalProperties: false, required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 500 }, engaged: { type: 'boolean', default: true } },
} as const;

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) { super(message); }
}

/**
 * Builds the API over a running LiveRunner.
 *
 * @example
 * const app = await buildServer({ live, auth: TokenAuth.from([], process.env) });
 * await app.listen({ host: '127.0.0.1', port: 7400 });
 */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const { live, auth } = opts;
  // No request logging: Authorization headers must never reach a log.
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024 });
  const metrics = new LiveMetrics(live);
  const query = new JournalQuery(live.journal.location);
  app.addHook('onClose', async () => query.close());
  live.timings.tick = (s) => metrics.tickLatency.observe(s);
  live.timings.tickToOrder = (s) => metrics.tickToOrder.observe(s);

  await app.register(rateLimit, { global: false });
  app.decorateRequest('principal', null);

  app.setErrorHandler((err: Error & { statusCode?: number; validation?: unknown; code?: string }, _req, reply) => {
    if (err instanceof ApiError) return reply.status(err.status).send({ error: { code: err.code, message: err.message } });
    if (err.validation) return reply.status(400).send({ error: { code: 'INVALID_BODY', message: err.message } });
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    const code = status === 429 ? 'RATE_LIMITED' : status === 413 ? 'BODY_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : status === 400 ? 'BAD_REQUEST' : 'INTERNAL';
    return reply.status(status).send({ error: { code, message: status === 500 ? 'internal error' : err.message } });
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } }));

  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    req.principal = auth.authenticate(req.headers.authorization);
    if (!req.principal) throw new ApiError(401, 'UNAUTHENTICATED', 'a bearer token is required');
  });
  const requireRole = (role: Role) => async (req: FastifyRequest) => {
    if (role === 'operator' && req.principal?.role !== 'operator') throw new ApiError(403, 'FORBIDDEN', 'this action needs the operator role');
  };

  // ------------------------------------------------------------------ health, metrics, console
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    if (!live.ready) return reply.status(503).send({ status: 'not ready', reason: live.startupError ?? 'starting' });
    return { status: 'ready', provider: live.providerConnected ? 'connected' : 'unreachable', restoredRecords: live.restoredRecords };
  });
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  app.get('/', async (_req, reply) => {
    const html = opts.consoleHtml;
    if (!html) return reply.type('text/plain').send('Reckon API is running. The console page is not built: run `npm run build`.');
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  });

  // ------------------------------------------------------------------ views (viewer or operator)
  app.get('/api/state', async (req) => ({
    // Who is asking (name and role), so the console can show the role and hide actions for a viewer.
    principal: req.principal,
    ready: live.ready, provider: live.providerConnected ? 'connected' : 'unreachable', feed: live.feed.description,
    killSwitch: live.engine.risk.killSwitch, lastSeq: live.journal.lastSeq(), headHash: live.journal.headHash(),
    counts: live.engine.counts, marketData: live.feedHealth(),
  }));
  app.get('/api/positions', async () => ({ positions: positionsView(live) }));
  app.get('/api/orders', async () => ({ orders: ordersView(live) }));
  registerPnlRoute(app, live);
  app.get<{ Params: { id: string } }>('/api/intents/:id', async (req) => {
    const records = query.chain(req.params.id);
    if (records.length === 0) throw new ApiError(404, 'INTENT_NOT_FOUND', `no records for intent "${req.params.id}"`);
    return { intentId: req.params.id, records };
  });
  app.get('/api/incidents', async () => ({
    incidents: [...live.engine.incidents.incidents.values()].map((i) => ({
      ...i, playbook: FAILURE_CATALOG.find((e) => e.code === i.code) ?? null,
    })).reverse(),
  }));
  app.get('/api/playbooks', async () => ({ playbooks: FAILURE_CATALOG }));
  app.get<{ Querystring: { from?: string } }>('/api/records', async (req) => {
    const from = Math.max(1, Number(req.query.from ?? live.journal.lastSeq() - 199) || 1);
    const out: JournalRecord[] = [];
    for (const r of live.journal.readSync(from)) { out.push(r); if (out.length >= 500) break; }
    return { records: out };
  });

  // Live record stream (server-sent events). Read with fetch() so the token travels in a header.
  app.get('/api/stream', (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(`event: hello\ndata: ${JSON.stringify({ lastSeq: live.journal.lastSeq() })}\n\n`);
    const off = live.engine.bus.subscribe((r) => { res.write(`event: record\ndata: ${JSON.stringify(r)}\n\n`); });
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.raw.on('close', () => { off(); clearInterval(ping); });
  });

  // ------------------------------------------------------------------ actions (operator)
  const actionConfig = { preHandler: requireRole('operator'), config: { rateLimit: { max: opts.actionRateLimit ?? 60, timeWindow: '1 minute' } } };
  const send = (reply: FastifyReply, action: string, r: ActionResult) => {
    metrics.actions.inc({ action, outcome: r.ok ? 'ok' : r.code });
    if (!r.ok) throw new ApiError(r.status, r.code, r.message);
    return reply.status(200).send({ ok: true, records: r.records.map((x) => ({ seq: x.seq, type: x.type, payload: x.payload })) });
  };
  const actor = (req: FastifyRequest) => req.principal!.name;

  app.post<{ Params: { id: string }; Body: { reason: string } }>('/api/incidents/:id/ack', { ...actionConfig, schema: { body: reasonBody } },
    async (req, reply) => send(reply, 'ack', live.incident('ack', req.params.id, actor(req), req.body.reason)));
  app.post<{ Params: { id: string }; Body: { reason: string } }>('/api/incidents/:id/resolve', { ...actionConfig, schema: { body: reasonBody } },
    async (req, reply) => send(reply, 'resolve', live.incident('resolve', req.params.id, actor(req), req.body.reason)));
  app.post<{ Params: { id: string }; Body: { reason: string; state: 'active' | 'reducing' | 'halted' } }>('/api/instruments/:id/trading-state', { ...actionConfig, schema: { body: tradingStateBody } },
    async (req, reply) => send(reply, 'trading-state', live.setTradingState(req.params.id, req.body.state, actor(req), req.body.reason)));
  app.post<{ Body: { reason: string; engaged?: boolean } }>('/api/kill-switch', { ...actionConfig, schema: { body: killBody } },
    async (req, reply) => send(reply, 'kill-switch', live.killSwitch(req.body.engaged ?? true, actor(req), req.body.reason)));
  app.post<{ Params: { clientOrderId: string }; Body: { reason: string } }>('/api/orders/:clientOrderId/cancel', { ...actionConfig, schema: { body: reasonBody } },
    async (req, reply) => send(reply, 'cancel', live.cancelOrder(req.params.clientOrderId, actor(req), req.body.reason)));
  app.post<{ Params: { id: string }; Body: { reason: string } }>('/api/instruments/:id/flatten', { ...actionConfig, schema: { body: reasonBody } },
    async (req, reply) => send(reply, 'flatten', live.flatten(req.params.id, actor(req), req.body.reason)));

  return app;
}

/** Reads the built console page if present. */
export function loadConsoleHtml(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
