/**
 * The console's route table: every route the server registers, with the access it needs. The
 * server refuses at start to register a route missing here, and authorises each request on the
 * route the router matched (never on the raw URL), so a route cannot be reached by spelling its
 * path differently (`/%61pi/state` matches `/api/state` and needs its token).
 */

/** `public`: probes and the console page; `viewer`: any token; `operator`: an operator token. */
export type Access = 'public' | 'viewer' | 'operator';

/** What a route is for: decides its rate limit (views and actions have separate budgets). */
export type RouteKind = 'probe' | 'page' | 'view' | 'action';

export interface RouteSpec {
  readonly method: 'GET' | 'POST';
  /** The route pattern as registered (Fastify syntax, `:name` for a parameter). */
  readonly url: string;
  readonly access: Access;
  readonly kind: RouteKind;
}

export const ROUTES: readonly RouteSpec[] = [
  { method: 'GET', url: '/healthz', access: 'public', kind: 'probe' },
  { method: 'GET', url: '/readyz', access: 'public', kind: 'probe' },
  { method: 'GET', url: '/metrics', access: 'public', kind: 'probe' },
  { method: 'GET', url: '/', access: 'public', kind: 'page' },
  { method: 'GET', url: '/api/state', access: 'viewer', kind: 'view' },
  { method: 'GET', url: '/api/positions', access: 'viewer', kind: 'view' },
  { method: 'GET', url: '/api/orders', access: 'viewer', kind: 'view' },
  { method: 'GET', url: '/api/pnl', access: 'viewer', kind: 'view' },
  { method: 'GET', url: '/api/intents/:id', access: 'viewer', kind: 'view' },
  { method: 'GET', url: '/api/incidents', access: 'viewer', kind: 'view' },
  { method: 'GET', url: '/api/playbooks', access: 'viewer', kind: 'view' },
  { method: 'GET', url: '/api/records', access: 'viewer', kind: 'view' },
  { method: 'GET', url: '/api/stream', access: 'viewer', kind: 'view' },
  { method: 'POST', url: '/api/incidents/:id/ack', access: 'operator', kind: 'action' },
  { method: 'POST', url: '/api/incidents/:id/resolve', access: 'operator', kind: 'action' },
  { method: 'POST', url: '/api/instruments/:id/trading-state', access: 'operator', kind: 'action' },
  { method: 'POST', url: '/api/kill-switch', access: 'operator', kind: 'action' },
  { method: 'POST', url: '/api/orders/:clientOrderId/cancel', access: 'operator', kind: 'action' },
  { method: 'POST', url: '/api/instruments/:id/flatten', access: 'operator', kind: 'action' },
];

/**
 * The table entry of a registered route (HEAD routes Fastify adds for a GET share its entry).
 *
 * @example
 * routeSpec('HEAD', '/api/state') // { method: 'GET', url: '/api/state', access: 'viewer', kind: 'view' }
 */
export function routeSpec(method: string, url: string): RouteSpec | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  return ROUTES.find((r) => r.method === m && r.url === url);
}
