/**
 * DNS rebinding and cross-origin requests: a Host the server is not reached by is refused (421
 * HOST_NOT_ALLOWED) on every route, the console page and the probes included; a cross-origin
 * Origin is refused (403 ORIGIN_NOT_ALLOWED) on actions and /api reads; tokens never appear in an
 * answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type AddressInfo } from 'node:net';
import { apiFixture, rawRequest, OPERATOR, VIEWER, type ApiFixture } from './fixture.js';

let f: ApiFixture;
let port: number;

beforeAll(async () => {
  f = await apiFixture({ allowedHosts: ['reckon.lan', 'Desk.Example.com'], consoleHtml: '<!doctype html><title>console</title>' });
  await f.app.listen({ host: '127.0.0.1', port: 0 });
  port = (f.app.server.address() as AddressInfo).port;
});
afterAll(async () => { await f.close(); });

/** Writes a hand-made request on a fresh connection and returns the status line. */
function rawStatus(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(text));
    let got = '';
    s.on('data', (d) => { got += d.toString(); });
    s.on('end', () => resolve(got.split('\r\n')[0]!));
    s.on('error', reject);
  });
}

const HOST_REFUSED = { error: { code: 'HOST_NOT_ALLOWED', message: 'this server is not reached by that Host name' } };

describe('Host allow-list', () => {
  const paths = ['/', '/healthz', '/readyz', '/metrics', '/api/state', '/%61pi/state', '/api/nope', '/nope'];
  for (const host of ['evil.example', 'evil.example:7400', 'localhost.evil.example', '127.0.0.1.evil.example', 'reckon.lan.evil.example', 'xlocalhost', 'localhost.', 'local host', 'localhost:99999', 'localhost:x', '[::1', 'user@localhost']) {
    it(`refuses Host "${host}" on every route, with or without a token`, async () => {
      for (const path of paths) for (const token of [undefined, OPERATOR]) {
        const r = await f.call('GET', path, token, undefined, { host });
        expect(r.statusCode, `${path} ${token ?? ''}`).toBe(421);
        expect(r.json()).toEqual(HOST_REFUSED);
      }
    });
  }

  it('refuses an action from a foreign Host before it is journaled', async () => {
    const before = f.live.journal.lastSeq();
    const r = await f.call('POST', '/api/kill-switch', OPERATOR, { reason: 'rebinding' }, { host: 'evil.example' });
    expect(r.statusCode).toBe(421);
    expect(f.live.journal.lastSeq()).toBe(before);
    expect(f.live.engine.state.risk.killSwitch).toBe(false);
  });

  for (const host of ['localhost', 'localhost:7400', 'LOCALHOST:7400', '127.0.0.1', '127.0.0.1:7400', '[::1]', '[::1]:7400', 'reckon.lan', 'reckon.lan:8443', 'desk.example.com']) {
    it(`accepts Host "${host}" (loopback, configured)`, async () => {
      expect((await f.call('GET', '/healthz', undefined, undefined, { host })).statusCode).toBe(200);
      expect((await f.call('GET', '/', undefined, undefined, { host })).statusCode).toBe(200);
      expect((await f.call('GET', '/api/state', VIEWER, undefined, { host })).statusCode).toBe(200);
    });
  }

  it('over a real socket: the address it listens on is accepted, a rebinding name is refused', async () => {
    expect((await rawRequest(port, { method: 'GET', path: '/healthz' })).status).toBe(200);
    expect((await rawRequest(port, { method: 'GET', path: '/api/state', headers: { host: `127.0.0.1:${port}`, authorization: `Bearer ${VIEWER}` } })).status).toBe(200);
    for (const path of ['/', '/api/state', '/%61pi/state', '/metrics']) {
      const r = await rawRequest(port, { method: 'GET', path, headers: { host: `attacker.example:${port}`, authorization: `Bearer ${VIEWER}` } });
      expect(r.status, path).toBe(421);
      expect(JSON.parse(r.body)).toEqual(HOST_REFUSED);
    }
  });

  it('over a raw connection: an empty or missing Host is refused', async () => {
    expect(await rawStatus(port, 'GET /healthz HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 (400|421) /);
    expect(await rawStatus(port, 'GET /healthz HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 421 /);
    expect(await rawStatus(port, `GET /healthz HTTP/1.0\r\nHost: 127.0.0.1:${port}\r\n\r\n`)).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('loopback-only defaults: a server without extra names refuses a configured-elsewhere name', async () => {
    const g = await apiFixture();
    try {
      expect((await g.call('GET', '/healthz', undefined, undefined, { host: 'reckon.lan' })).statusCode).toBe(421);
      expect((await g.call('GET', '/healthz', undefined, undefined, { host: 'localhost:1' })).statusCode).toBe(200);
    } finally { await g.close(); }
  });

  it('refuses an allowedHosts entry that is not a host name', async () => {
    await expect(apiFixture({ allowedHosts: ['http://reckon.lan/'] })).rejects.toThrow(/allowedHosts/);
  });
});

describe('Origin', () => {
  const kill = (origin: string | undefined, host = `127.0.0.1:${port}`) =>
    f.call('POST', '/api/kill-switch', OPERATOR, { reason: 'origin test', engaged: false }, { host, ...(origin === undefined ? {} : { origin }) });

  for (const origin of ['http://evil.example', 'null', 'http://127.0.0.1:9', 'http://localhost', 'file://', 'http://127.0.0.1.evil.example', 'not a url']) {
    it(`refuses an action with cross-origin Origin "${origin}" and journals nothing`, async () => {
      const before = f.live.journal.lastSeq();
      const r = await kill(origin);
      expect(r.statusCode).toBe(403);
      expect(r.json()).toEqual({ error: { code: 'ORIGIN_NOT_ALLOWED', message: 'cross-origin requests are refused' } });
      expect(f.live.journal.lastSeq()).toBe(before);
    });
  }

  it('refuses a cross-origin read of the API, but not of the console page', async () => {
    const r = await f.call('GET', '/api/state', VIEWER, undefined, { origin: 'http://evil.example' });
    expect(r.statusCode).toBe(403);
    expect((await f.call('GET', '/', undefined, undefined, { origin: 'http://evil.example' })).statusCode).toBe(200);
  });

  it('accepts a same-origin action (as the console sends it) and one without Origin (curl)', async () => {
    const same = await kill(`http://127.0.0.1:${port}`);
    expect(same.statusCode).toBe(200);
    expect(same.json().records[0].payload).toMatchObject({ kind: 'kill_switch', engaged: false });
    expect((await kill(undefined)).statusCode).toBe(200);
    expect((await kill('https://reckon.lan', 'reckon.lan')).statusCode).toBe(200);
    expect((await kill('http://localhost:7400', 'localhost:7400')).statusCode).toBe(200);
    expect((await kill('http://[::1]:7400', '[::1]:7400')).statusCode).toBe(200);
  });
});

describe('tokens are never echoed', () => {
  it('no error answer contains the presented token', async () => {
    const secret = 'S3CRET-token-never-echoed-0123456789';
    const answers: { what: string; text: string }[] = [];
    const record = (what: string, r: { body: string; headers: Record<string, unknown> }) => answers.push({ what, text: r.body + JSON.stringify(r.headers) });
    const auth = { authorization: `Bearer ${secret}` };
    record('bad token', await f.call('GET', '/api/state', secret));
    record('bad token on action', await f.call('POST', '/api/kill-switch', secret, { reason: secret }));
    record('unknown path', await f.call('GET', `/api/${secret}`, secret));
    record('token in query', await f.call('GET', `/api/records?from=${secret}`, OPERATOR));
    record('bad body', await f.call('POST', '/api/kill-switch', OPERATOR, { reason: 5, extra: secret }));
    record('bad type', await f.call('POST', '/api/kill-switch', OPERATOR, `reason=${secret}`, { 'content-type': 'text/plain' }));
    record('bad host', await f.call('GET', '/api/state', secret, undefined, { host: `${secret}.example` }));
    record('bad origin', await f.call('POST', '/api/kill-switch', OPERATOR, { reason: 'x' }, { origin: `http://${secret}.example` }));
    const raw = await rawRequest(port, { method: 'GET', path: `/api/%zz${secret}`, headers: auth });
    answers.push({ what: 'bad url', text: raw.body + JSON.stringify(raw.headers) });
    for (const a of answers) expect(a.text, a.what).not.toContain(secret);
    expect(answers.length).toBe(9);
  });
});
