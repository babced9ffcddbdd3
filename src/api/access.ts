/**
 * Who may do what, decided once per request on the route the router matched (never on the raw
 * URL): the Host must be one this server is reached by (421), a cross-origin Origin is refused
 * (403), then the route's table entry decides — public, any token, or an operator token (401,
 * 403) — and an authenticated request spends its token's budget: one for actions across every
 * action route, one for reads (429 with retry-after). Requests refused earlier spend nothing.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { ReckonError } from '../domain/errors.js';
import type { Principal, TokenAuth } from './auth.js';
import { ApiError } from './errors.js';
import { HostPolicy } from './host-policy.js';
import { routeSpec, type RouteSpec } from './routes.js';

/** At most `max` requests per token in a fixed window of `windowMs` starting with the first. */
export interface RateLimit { readonly max: number; readonly windowMs: number }

export interface AccessOptions {
  readonly auth: TokenAuth;
  readonly allowedHosts: readonly string[];
  readonly actionRateLimit: RateLimit;
  /** null: reads are not limited. */
  readonly viewRateLimit: RateLimit | null;
}

declare module 'fastify' {
  interface FastifyRequest { principal: Principal | null }
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * A rate limit option as given (a number = per minute) checked and normalised.
 *
 * @example
 * rateLimitOf('actionRateLimit', 60) // { max: 60, windowMs: 60000 }
 */
export function rateLimitOf(name: string, given: number | RateLimit): RateLimit {
  const limit = typeof given === 'number' ? { max: given, windowMs: 60_000 } : given;
  const ok = (n: number) => Number.isSafeInteger(n) && n > 0;
  if (!ok(limit.max) || !ok(limit.windowMs)) throw new ReckonError('USAGE', `${name}: max and windowMs must be positive integers (got ${JSON.stringify(given)})`);
  return limit;
}

/**
 * Installs the access checks on `app`; must run before any route is added: a route missing
 * from the route table makes the server refuse to start.
 */
export async function installAccess(app: FastifyInstance, opts: AccessOptions): Promise<void> {
  const hosts = new HostPolicy(opts.allowedHosts);
  await app.register(rateLimit, { global: false });
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (!routeSpec(method, route.url)) throw new Error(`route ${method} ${route.url} is not in the route table (src/api/routes.ts)`);
    }
  });

  const limiter = (limit: RateLimit, noun: string) => {
    const check = app.createRateLimit({ max: limit.max, timeWindow: limit.windowMs, keyGenerator: (req) => req.principal!.name });
    return async (req: FastifyRequest, reply: FastifyReply) => {
      const r = await check(req);
      if (r.isAllowed) return;
      reply.header('x-ratelimit-limit', r.max).header('x-ratelimit-remaining', r.remaining).header('x-ratelimit-reset', r.ttlInSeconds);
      if (!r.isExceeded) return;
      reply.header('retry-after', Math.max(1, r.ttlInSeconds));
      throw new ApiError(429, 'RATE_LIMITED', `at most ${limit.max} ${noun} per ${limit.windowMs / 1000} s per token`);
    };
  };
  const spend = { action: limiter(opts.actionRateLimit, 'actions'), view: opts.viewRateLimit && limiter(opts.viewRateLimit, 'reads') };

  app.addHook('onRequest', async (req, reply) => {
    if (!hosts.allowsHost(req.headers.host, req.socket.localAddress)) throw new ApiError(421, 'HOST_NOT_ALLOWED', 'this server is not reached by that Host name');
    if (req.is404) return; // unknown path: a plain 404, nothing else revealed
    const spec: RouteSpec | undefined = routeSpec(req.method, req.routeOptions.url ?? '');
    const origin = req.headers.origin;
    if (origin !== undefined && (spec?.access !== 'public' || !SAFE_METHODS.has(req.method)) && !hosts.sameOrigin(origin, req.headers.host!)) {
      throw new ApiError(403, 'ORIGIN_NOT_ALLOWED', 'cross-origin requests are refused');
    }
    if (spec?.access === 'public') return;
    // Fail closed: a matched route without a table entry (prevented at start) needs a token too.
    req.principal = opts.auth.authenticate(req.headers.authorization);
    if (!req.principal) throw new ApiError(401, 'UNAUTHENTICATED', 'a bearer token is required');
    if (spec?.access !== 'viewer' && req.principal.role !== 'operator') throw new ApiError(403, 'FORBIDDEN', 'this action needs the operator role');
    const budget = spec?.kind === 'view' ? spend.view : spend.action;
    if (budget) await budget(req, reply);
  });
}
