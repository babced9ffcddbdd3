/**
 * Every /api route needs its token however its path is spelled. The spellings are generated from
 * the route table: percent-encoding of each character (upper and lower hex) and of all of them,
 * which the router decodes to the same route, and the spellings it may or may not normalise
 * (case, double and trailing slashes, `.` and `..` segments, `;` parameters, `%2F`, backslashes,
 * double encoding, fragments). Each is sent through Fastify's inject and over a real socket (the
 * Node HTTP parser), once with a viewer token and once without: whenever the token request
 * reaches a route, the anonymous one must be 401; otherwise both are 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROUTES } from '../../src/api/routes.js';
import { apiFixture, firstEvent, rawRequest, VIEWER, OPERATOR, type ApiFixture, type RawResponse } from './fixture.js';

let f: ApiFixture;
let port: number;

beforeAll(async () => {
  f = await apiFixture();
  await f.app.listen({ host: '127.0.0.1', port: 0 });
  port = (f.app.server.address() as AddressInfo).port;
});
afterAll(async () => { await f.close(); });

const SAMPLE_PARAMS: Record<string, string> = { id: 'intent-001', clientOrderId: 'none' };
const concrete = (url: string) => url.replace(/:(\w+)/g, (_m, name: string) => (url.startsWith('/api/incidents') ? 'INC-x' : url.startsWith('/api/instruments') ? 'FIX-BRAVO' : SAMPLE_PARAMS[name]!));
const pct = (c: string) => c.charCodeAt(0).toString(16).padStart(2, '0');

/** Spellings the router decodes to `path` itself: they must reach the route. */
function encodedSpellings(path: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i < path.length; i++) {
    if (path[i] === '/') continue;
    for (const h of [pct(path[i]!).toUpperCase(), pct(path[i]!).toLowerCase()]) out.add(`${path.slice(0, i)}%${h}${path.slice(i + 1)}`);
  }
  out.add(path.replace(/[^/]/g, (c) => `%${pct(c)}`));
  out.add(path.replace(/[^/]/g, (c) => `%${pct(c).toUpperCase()}`));
  return [...out];
}

/** Spellings a router may or may not normalise to `path`: each is 401 if it routes, else 404. */
function otherSpellings(path: string): string[] {
  const segs = path.split('/').slice(1);
  const join = (s: readonly string[]) => `/${s.join('/')}`;
  const out = new Set<string>([
    path.toUpperCase(), join([segs[0]!.toUpperCase(), ...segs.slice(1)]), join(['Api', ...segs.slice(1)]),
    `${path}/`, `${path}//`, `/${path}`, `//${path}`, `${path}/.`, `${path}/..`, `${path}/./`, `/x/..${path}`, `/./${path.slice(1)}`,
    `/x/%2e%2e${path}`, `/x/%2E%2E${path}`, `${path}#x`, `${path}?`, `${path}%23`, `${path}%3F`, `${path}%20`, `${path}%00`, `${path}%09`,
    `${path};`, `${path};x=1`, `/%2561${path.slice(2)}`, `/%25${pct(path[1]!)}${path.slice(2)}`, `/${path.slice(1).replace(/\//g, '\\')}`,
    // absolute-form request targets (what a client sends to a proxy)
    `http://localhost${path}`, `http://127.0.0.1${path}`,
  ]);
  for (let i = 0; i < segs.length; i++) {
    out.add(join([...segs.slice(0, i), '', ...segs.slice(i)]));
    out.add(join([...segs.slice(0, i), '.', ...segs.slice(i)]));
    out.add(join([...segs.slice(0, i), 'x', '..', ...segs.slice(i)]));
    out.add(join([...segs.slice(0, i), '%2e', ...segs.slice(i)]));
    out.add(join(segs.map((s, k) => (k === i ? `${s};x` : s))));
    out.add(join(segs.map((s, k) => (k === i ? s.toUpperCase() : s))));
    if (i > 0) {
      out.add(`/${segs.slice(0, i).join('/')}%2F${segs.slice(i).join('/')}`);
      out.add(`/${segs.slice(0, i).join('/')}%2f${segs.slice(i).join('/')}`);
      out.add(`/${segs.slice(0, i).join('/')}\\${segs.slice(i).join('/')}`);
    }
  }
  out.delete(path);
  return [...out];
}

type Transport = (method: string, path: string, token?: string, body?: string, stream?: boolean) => Promise<{ status: number; body: string }>;
const viaInject: Transport = async (method, path, token, body) => {
  const r = await f.app.inject({ method: method as 'GET', url: path, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { payload: body } : {}) });
  return { status: r.statusCode, body: r.body };
};
const viaSocket: Transport = async (method, path, token, body, stream) => {
  // The stream never ends once a token lets it through: read its first event and close.
  if (stream) {
    const e = await firstEvent(port, path, token);
    return { status: e.status, body: e.text };
  }
  const r: RawResponse = await rawRequest(port, { method, path, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) }, body })
    .catch((e: Error) => { throw new Error(`${method} ${path}: ${e.message}`); });
  return { status: r.status, body: r.body };
};

const UNAUTHENTICATED = JSON.stringify({ error: { code: 'UNAUTHENTICATED', message: 'a bearer token is required' } });
const protectedRoutes = ROUTES.filter((r) => r.access !== 'public');

describe('every spelling of every /api route needs a token', () => {
  it('the route table covers every /api route the server registered', () => {
    expect(protectedRoutes.length).toBeGreaterThanOrEqual(14);
    for (const r of ROUTES) expect(f.app.hasRoute({ method: r.method, url: r.url }), `${r.method} ${r.url}`).toBe(true);
    for (const r of protectedRoutes) expect(r.url.startsWith('/api/')).toBe(true);
  });

  for (const [name, transport] of [['inject', viaInject], ['real socket', viaSocket]] as const) {
    // The stream hijacks the reply, so inject would never finish once it is let through: the
    // stream's spellings go over the socket only (and are read up to their first event).
    for (const route of protectedRoutes.filter((r) => name !== 'inject' || r.url !== '/api/stream')) {
      const path = concrete(route.url);
      const isStream = route.url === '/api/stream';
      it(`${name}: ${route.method} ${route.url}`, async () => {
        const before = f.live.journal.lastSeq();
        const body = route.method === 'POST' ? JSON.stringify({ reason: 'probe', state: 'active', engaged: true }) : undefined;
        const problems: string[] = [];
        for (const spelling of encodedSpellings(path)) {
          const anon = await transport(route.method, spelling, undefined, body, isStream);
          if (anon.status !== 401 || anon.body !== UNAUTHENTICATED) problems.push(`${spelling}: ${anon.status} ${anon.body.slice(0, 80)} without a token`);
          const probe = await transport(route.method, spelling, VIEWER, body, isStream);
          const expected = route.access === 'operator' ? 403 : 200;
          if (probe.status !== expected) problems.push(`${spelling}: ${probe.status} with a viewer token (expected ${expected})`);
        }
        for (const spelling of otherSpellings(path)) {
          const anon = await transport(route.method, spelling, undefined, body, isStream);
          const probe = await transport(route.method, spelling, VIEWER, body, isStream);
          // The token request reached a route unless the router answered (404 NOT_FOUND, 400 BAD_URL).
          const code = probe.status === 404 || probe.status === 400 ? (JSON.parse(probe.body) as { error: { code: string } }).error.code : null;
          const want = code === 'NOT_FOUND' || code === 'BAD_URL' ? probe.status : 401;
          if (anon.status !== want) problems.push(`${spelling}: ${anon.status} without a token, ${probe.status} ${code ?? ''} with one`);
          if (anon.status === 404 && JSON.parse(anon.body).error?.code !== 'NOT_FOUND') problems.push(`${spelling}: 404 body ${anon.body}`);
        }
        expect(problems).toEqual([]);
        expect(f.live.journal.lastSeq()).toBe(before);
      }, 60_000);
    }
  }
});

describe('HEAD and the route table', () => {
  it('HEAD of a view needs a token too (plain and encoded)', async () => {
    for (const route of protectedRoutes.filter((r) => r.method === 'GET' && r.url !== '/api/stream')) {
      for (const path of [concrete(route.url), `/%61${concrete(route.url).slice(2)}`]) {
        expect((await f.call('HEAD', path)).statusCode, path).toBe(401);
        expect((await f.call('HEAD', path, VIEWER)).statusCode, path).toBe(200);
      }
    }
    expect((await f.call('HEAD', '/api/stream', VIEWER)).statusCode).toBe(404);
  });
  it('a route missing from the route table cannot be registered', async () => {
    const g = await apiFixture();
    try {
      expect(() => g.app.get('/api/unlisted', async () => ({ secret: true }))).toThrow(/not in the route table/);
      expect(() => g.app.post('/api/state', async () => ({}))).toThrow(/not in the route table/);
    } finally { await g.close(); }
  });
});

describe('the record stream', () => {
  it('is 401 without a token (plain and encoded path) and streams with one', async () => {
    for (const path of ['/api/stream', '/%61pi/stream', '/api/%73tream', '/api/stream#x']) {
      const anon = await firstEvent(port, path);
      expect(anon.status, path).toBe(401);
      expect(anon.contentType).toContain('application/json');
      expect(anon.text).not.toContain('event:');
    }
    const ok = await firstEvent(port, '/%61pi/stream', OPERATOR);
    expect(ok.status).toBe(200);
    expect(ok.contentType).toContain('text/event-stream');
    expect(ok.text).toContain('event: hello');
  });
});

describe('closing the server', () => {
  it('ends open record streams instead of waiting for their clients', async () => {
    const g = await apiFixture();
    await g.app.listen({ host: '127.0.0.1', port: 0 });
    const p = (g.app.server.address() as AddressInfo).port;
    const ended = new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: p, path: '/api/stream', headers: { authorization: `Bearer ${VIEWER}` } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => { text += d; if (text.includes('event: hello')) void g.close(); });
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    const budget = new Promise<never>((_r, reject) => setTimeout(() => reject(new Error('the stream did not end within 10 s of close()')), 10_000));
    expect(await Promise.race([ended, budget])).toContain('event: hello');
  }, 20_000);
});

describe('unknown paths', () => {
  it('answer 404 NOT_FOUND without echoing the path, with or without a token', async () => {
    for (const token of [undefined, VIEWER]) {
      for (const path of ['/api/nope', '/%61pi/nope', '/nope', '/api', '/api/']) {
        const r = await f.call('GET', path, token);
        expect(r.statusCode, path).toBe(404);
        expect(r.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no such route' } });
      }
    }
  });
  it('a malformed percent-encoding is 400 BAD_URL in the project shape', async () => {
    const r = await rawRequest(port, { method: 'GET', path: '/api/%zz' });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toEqual({ error: { code: 'BAD_URL', message: 'the request path is not a valid URL path' } });
  });
});
