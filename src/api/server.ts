/**
 * The console's HTTP API (Fastify). Every route is in the route table (routes.ts) with the access
 * it needs, checked on the matched route (access.ts): health, readiness, metrics and the page are
 * open, every /api route needs a bearer token (401 without, 403 for a viewer on an action), and
 * only Host names the server is reached by are answered (421). Bodies, path parameters and query
 * strings are validated strictly (schemas.ts, json-body.ts); errors carry a stable code:
 * `{ error: { code, message } }`.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { FAILURE_CATALOG } from '../operator/catalog.js';
import type { LiveRunner } from '../live/live-runner.js';
import type { ActionResult } from '../live/live-runner.js';
import type { JournalRecord } from '../records/records.js';
import type { TokenAuth } from './auth.js';
import { installAccess, rateLimitOf, type RateLimit } from './access.js';
import { ApiError, handleError, handleNotFound } from './errors.js';
import { installJsonBody } from './json-body.js';
import { LiveMetrics } from './metrics.js';
import { AJV_OPTIONS, clientOrderIdParams, idParams, killSwitchBody, noQuery, reasonBody, recordsQuery, tradingStateBody } from './schemas.js';
import { ordersView, positionsView } from './views.js';
import { registerPnlRoute } from './pnl.js';
import { JournalQuery } from '../journal/query.js';

export type { RateLimit } from './access.js';

export interface ServerOptions {
  readonly live: LiveRunner;
  readonly auth: TokenAuth;
  /** The built console page (web/dist/console.html), served at `/`. */
  readonly consoleHtml?: string;
  /** Operator actions per token across all action routes: per minute, or `{ max, windowMs }`. Default 60 per minute. */
  readonly actionRateLimit?: number | RateLimit;
  /** Reads (views and stream connections) per token: per minute, `{ max, windowMs }`, or false for none. Default 3000 per minute. */
  readonly viewRateLimit?: number | RateLimit | false;
  /**
   * Host names the server is also reached by (a proxy's or the machine's DNS name, an address),
   * besides the loopback names and the address a request arrives on. Names only, no port.
   */
  readonly allowedHosts?: readonly string[];
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
  const actionRateLimit = rateLimitOf('actionRateLimit', opts.actionRateLimit ?? 60);
  const viewRateLimit = opts.viewRateLimit === false ? null : rateLimitOf('viewRateLimit', opts.viewRateLimit ?? 3000);
  // No request logging: Authorization headers must never reach a log.
  const app = Fastify({
    logger: false, bodyLimit: 16 * 1024, ajv: { customOptions: AJV_OPTIONS },
    frameworkErrors: (err, req, reply) => { handleError(err, req, reply); },
  });
  await installAccess(app, { auth, allowedHosts: opts.allowedHosts ?? [], actionRateLimit, viewRateLimit });
  installJsonBody(app);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);

  const metrics = new LiveMetrics(live);
  const query = new JournalQuery(live.journal.location ?? ":memory:");
  app.addHook('onClose', async () => query.close());
  live.timings.tick = (s) => metrics.tickLatency.observe(s);
  live.timings.tickToOrder = (s) => metrics.tickToOrder.observe(s);

  // ------------------------------------------------------------------ health, metrics, console
  // Open routes ignore query strings, as any static page or probe does; /api routes refuse them.
  app.get('/healthz', async () => ({ status: 'ok' }));
  // Readiness follows the journaled link and routing state: not ready while the provider is unreachable or reconciling.
  app.get('/readyz', async (_req, reply) => {
    if (!live.ready) return reply.status(503).send({ status: 'not ready', provider: live.providerConnected ? 'connected' : 'unreachable', reason: live.startupError ?? 'starting' });
    return { status: 'ready', provider: 'connected', restoredRecords: live.restoredRecords };
  });
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  app.get('/', async (_req, reply) => {
    const html = opts.consoleHtml;
    if (!html) return reply.type('text/plain').send('Reckon API is running. The console page is not built: run `npm run build`.');
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  });

  // ------------------------------------------------------------------ views (viewer or operator)
  const none = { schema: { querystring: noQuery } };
  app.get('/api/state', none, async (req) => ({
    // Who is asking (name and role), so the console can show the role and hide actions for a viewer.
    principal: req.principal,
    ready: live.ready, provider: live.providerConnected ? 'connected' : 'unreachable', routing: live.engine.state.provider.routing, feed: live.feed.description,
    killSwitch: live.engine.state.risk.killSwitch, lastSeq: live.journal.committedSeq(), headHash: committedHead(live),
    counts: live.engine.counts, marketData: live.feedHealth(),
  }));
  app.get('/api/positions', none, async () => ({ positions: positionsView(live) }));
  app.get('/api/orders', none, async () => ({ orders: ordersView(live) }));
  registerPnlRoute(app, live, none);
  app.get<{ Params: { id: string } }>('/api/intents/:id', { schema: { params: idParams, querystring: noQuery } }, async (req) => {
    const records = query.chain(req.params.id);
    if (records.length === 0) throw new ApiError(404, 'INTENT_NOT_FOUND', `no records for intent "${req.params.id}"`);
    return { intentId: req.params.id, records };
  });
  app.get('/api/incidents', none, async () => ({
    incidents: [...live.engine.state.incidents.incidents.values()].map((i) => ({
      ...i, playbook: FAILURE_CATALOG.find((e) => e.code === i.code) ?? null,
    })).reverse(),
  }));
  app.get('/api/playbooks', none, async () => ({ playbooks: FAILURE_CATALOG }));
  app.get<{ Querystring: { from?: string } }>('/api/records', { schema: { querystring: recordsQuery } }, async (req) => {
    // `from` is a validated positive integer; without it, the last 200 records.
    const from = req.query.from === undefined ? Math.max(1, live.journal.committedSeq() - 199) : Number(req.query.from);
    const out: JournalRecord[] = [];
    const committed = live.journal.committedSeq();
    for (const r of live.journal.readSync(from)) { if (r.seq > committed) break; out.push(r); if (out.length >= 500) break; }
    return { records: out };
  });

  // Live record stream (server-sent events) of committed records only, as /api/records serves them.
  // Read with fetch() so the token travels in a header.
  // Open streams are ended when the server closes, or close would wait for every client to leave.
  const streams = new Set<ServerResponse>();
  app.addHook('preClose', async () => { for (const res of streams) res.end(); });
  app.get('/api/stream', { ...none, exposeHeadRoute: false }, (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    streams.add(res);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(`event: hello\ndata: ${JSON.stringify({ lastSeq: live.journal.committedSeq() })}\n\n`);
    const off = live.bus.subscribe((r) => { res.write(`event: record\ndata: ${JSON.stringify(r)}\n\n`); });
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.raw.on('close', () => { off(); clearInterval(ping); streams.delete(res); });
  });

  // ------------------------------------------------------------------ actions (operator)
  const send = async (reply: FastifyReply, action: string, pending: Promise<ActionResult>) => {
    const r = await pending;
    metrics.actions.inc({ action, outcome: r.ok ? 'ok' : r.code });
    if (!r.ok) throw new ApiError(r.status, r.code, r.message);
    return reply.status(200).send({ ok: true, records: r.records.map((x) => ({ seq: x.seq, type: x.type, payload: x.payload })) });
  };
  const actor = (req: FastifyRequest) => req.principal!.name;
  const action = (body: object, params?: object) => ({ schema: { body, querystring: noQuery, ...(params ? { params } : {}) } });

  app.post<{ Params: { id: string }; Body: { reason: string } }>('/api/incidents/:id/ack', action(reasonBody, idParams),
    async (req, reply) => send(reply, 'ack', live.incident('ack', req.params.id, actor(req), req.body.reason)));
  app.post<{ Params: { id: string }; Body: { reason: string } }>('/api/incidents/:id/resolve', action(reasonBody, idParams),
    async (req, reply) => send(reply, 'resolve', live.incident('resolve', req.params.id, actor(req), req.body.reason)));
  app.post<{ Params: { id: string }; Body: { reason: string; state: 'active' | 'reducing' | 'halted' } }>('/api/instruments/:id/trading-state', action(tradingStateBody, idParams),
    async (req, reply) => send(reply, 'trading-state', live.setTradingState(req.params.id, req.body.state, actor(req), req.body.reason)));
  app.post<{ Body: { reason: string; engaged?: boolean } }>('/api/kill-switch', action(killSwitchBody),
    async (req, reply) => send(reply, 'kill-switch', live.killSwitch(req.body.engaged ?? true, actor(req), req.body.reason)));
  app.post<{ Params: { clientOrderId: string }; Body: { reason: string } }>('/api/orders/:clientOrderId/cancel', action(reasonBody, clientOrderIdParams),
    async (req, reply) => send(reply, 'cancel', live.cancelOrder(req.params.clientOrderId, actor(req), req.body.reason)));
  app.post<{ Params: { id: string }; Body: { reason: string } }>('/api/instruments/:id/flatten', action(reasonBody, idParams),
    async (req, reply) => send(reply, 'flatten', live.flatten(req.params.id, actor(req), req.body.reason)));

  return app;
}

/** Hash of the last committed record (the head a verifier sees), not of records still being committed. */
function committedHead(live: LiveRunner): string | null {
  const seq = live.journal.committedSeq();
  if (seq === live.journal.lastSeq()) return live.journal.headHash();
  for (const r of live.journal.readSync(seq)) return r.hash;
  return null;
}

/** Reads the built console page if present. */
export function loadConsoleHtml(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
