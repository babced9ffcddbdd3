/**
 * Strict request input: no type coercion, unknown fields refused, JSON only, params and query
 * strings validated. Every refused request is a 400 (415 for a non-JSON content type) naming the
 * field, and journals nothing: the journal's lastSeq and the kill switch are compared before and
 * after each one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/api/routes.js';
import { apiFixture, OPERATOR, VIEWER, type ApiFixture } from './fixture.js';

let f: ApiFixture;
beforeAll(async () => { f = await apiFixture(); });
afterAll(async () => { await f.close(); });

/** Sends a raw body to the kill switch and checks that nothing was journaled. */
async function refused(body: string | undefined, contentType: string | undefined, status = 400) {
  const before = f.live.journal.lastSeq();
  const killSwitch = f.live.engine.state.risk.killSwitch;
  const r = await f.app.inject({
    method: 'POST', url: '/api/kill-switch',
    headers: { authorization: `Bearer ${OPERATOR}`, ...(contentType ? { 'content-type': contentType } : {}) },
    ...(body === undefined ? {} : { payload: body }),
  });
  expect(r.statusCode, `${contentType} ${body}`).toBe(status);
  expect(f.live.journal.lastSeq()).toBe(before);
  expect(f.live.engine.state.risk.killSwitch).toBe(killSwitch);
  return r.json().error as { code: string; message: string };
}
const JSON_TYPE = 'application/json';

describe('POST /api/kill-switch refuses malformed bodies and journals nothing', () => {
  for (const [value, got] of [['null', 'null'], ['0', 'integer'], ['1', 'integer'], ['"true"', 'string'], ['"false"', 'string'], ['[]', 'array'], ['{}', 'object']] as const) {
    it(`engaged: ${value}`, async () => {
      const e = await refused(`{"reason":"x","engaged":${value}}`, JSON_TYPE);
      expect(e).toEqual({ code: 'INVALID_BODY', message: `body.engaged: expected boolean, got ${got}` });
    });
  }
  for (const [value, got] of [['5', 'integer'], ['null', 'null'], ['true', 'boolean'], ['["x"]', 'array'], ['1.5', 'number']] as const) {
    it(`reason: ${value}`, async () => {
      expect(await refused(`{"reason":${value}}`, JSON_TYPE)).toEqual({ code: 'INVALID_BODY', message: `body.reason: expected string, got ${got}` });
    });
  }
  it('an empty or over-long reason', async () => {
    expect((await refused('{"reason":""}', JSON_TYPE)).message).toBe('body.reason: must be 1 to 500 characters long');
    expect((await refused(JSON.stringify({ reason: 'x'.repeat(501) }), JSON_TYPE)).message).toBe('body.reason: must be 1 to 500 characters long');
  });
  it('unknown fields, each named', async () => {
    expect(await refused('{"reason":"x","engage":false}', JSON_TYPE)).toEqual({ code: 'INVALID_BODY', message: 'body: unknown field "engage"' });
    expect((await refused('{"reason":"x","a":1,"b":2}', JSON_TYPE)).message).toBe('body: unknown field "a"; body: unknown field "b"');
  });
  it('a missing reason', async () => {
    expect(await refused('{"engaged":true}', JSON_TYPE)).toEqual({ code: 'INVALID_BODY', message: 'body: missing required field "reason"' });
  });
  for (const [body, got] of [['[]', 'array'], ['[{"reason":"x"}]', 'array'], ['"x"', 'string'], ['null', 'null'], ['5', 'integer'], ['true', 'boolean']] as const) {
    it(`a body that is not an object: ${body}`, async () => {
      expect(await refused(body, JSON_TYPE)).toEqual({ code: 'INVALID_BODY', message: `body: expected object, got ${got}` });
    });
  }
  it('no body at all, and an empty JSON body', async () => {
    expect(await refused(undefined, undefined)).toEqual({ code: 'INVALID_BODY', message: 'body: a JSON object is required' });
    expect(await refused('', JSON_TYPE)).toEqual({ code: 'INVALID_BODY', message: 'body: a JSON object is required' });
    expect(await refused('  \n', JSON_TYPE)).toEqual({ code: 'INVALID_BODY', message: 'body: a JSON object is required' });
  });
  it('invalid JSON', async () => {
    expect(await refused('{"reason":"x",}', JSON_TYPE)).toEqual({ code: 'INVALID_BODY', message: 'body: not valid JSON' });
    expect(await refused('{"reason":"x"} {"reason":"y"}', JSON_TYPE)).toEqual({ code: 'INVALID_BODY', message: 'body: not valid JSON' });
  });
  it('duplicate keys (also spelled with escapes), at any depth', async () => {
    expect(await refused('{"reason":"x","engaged":true,"engaged":false}', JSON_TYPE)).toEqual({ code: 'INVALID_BODY', message: 'body: duplicate field "engaged"' });
    expect((await refused('{"reason":"x","re\\u0061son":"y"}', JSON_TYPE)).message).toBe('body: duplicate field "reason"');
  });
  it('prototype keys', async () => {
    expect((await refused('{"reason":"x","__proto__":{"engaged":false}}', JSON_TYPE)).code).toBe('INVALID_BODY');
    expect((await refused('{"reason":"x","constructor":{"prototype":{}}}', JSON_TYPE)).code).toBe('INVALID_BODY');
  });
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', 'application/json-seq', 'text/json', 'application/json; charset=latin1']) {
    it(`content type ${type}`, async () => {
      expect(await refused('{"reason":"x","engaged":false}', type, 415)).toEqual({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the body as application/json' });
    });
  }
  it('a body without a content type', async () => {
    const r = await f.app.inject({ method: 'POST', url: '/api/kill-switch', headers: { authorization: `Bearer ${OPERATOR}` }, payload: Buffer.from('{"reason":"x"}') });
    expect(r.statusCode).toBe(415);
  });
  it('a body over 16 KiB', async () => {
    expect((await refused(JSON.stringify({ reason: 'x'.repeat(20_000) }), JSON_TYPE, 413)).code).toBe('BODY_TOO_LARGE');
  });
  it('still accepts the well-formed bodies (charset parameter, engaged omitted means engage)', async () => {
    const off = await f.call('POST', '/api/kill-switch', OPERATOR, '{"reason":"x","engaged":false}', { 'content-type': 'application/json; charset=utf-8' });
    expect(off.statusCode).toBe(200);
    const on = await f.call('POST', '/api/kill-switch', OPERATOR, { reason: 'drill' });
    expect(on.json().records[0].payload).toMatchObject({ kind: 'kill_switch', engaged: true, reason: 'drill' });
    expect((await f.call('POST', '/api/kill-switch', OPERATOR, { reason: 'over', engaged: false })).statusCode).toBe(200);
    expect(f.live.engine.state.risk.killSwitch).toBe(false);
  });
});

describe('every action route is strict', () => {
  const actions = ROUTES.filter((r) => r.kind === 'action');
  const path = (url: string) => url.replace(':id', url.includes('instruments') ? 'FIX-ALPHA' : 'INC-x').replace(':clientOrderId', 'none');
  const valid = (url: string) => (url.includes('trading-state') ? { reason: 'r', state: 'reducing' } : { reason: 'r' });
  for (const route of actions) {
    it(`${route.url}: unknown field, wrong type, missing reason, not JSON`, async () => {
      const before = f.live.journal.lastSeq();
      const cases: [unknown, string][] = [
        [{ ...valid(route.url), extra: true }, 'body: unknown field "extra"'],
        [{ ...valid(route.url), reason: 5 }, 'body.reason: expected string, got integer'],
        [{ ...valid(route.url), reason: undefined }, 'body: missing required field "reason"'],
      ];
      for (const [body, message] of cases) {
        const r = await f.call('POST', path(route.url), OPERATOR, body);
        expect(r.statusCode, JSON.stringify(body)).toBe(400);
        expect(r.json().error).toEqual({ code: 'INVALID_BODY', message });
      }
      expect((await f.call('POST', path(route.url), OPERATOR, 'reason=r', { 'content-type': 'application/x-www-form-urlencoded' })).statusCode).toBe(415);
      expect(f.live.journal.lastSeq()).toBe(before);
    });
  }
  it('trading-state: state must be one of the three, exactly', async () => {
    for (const state of [1, 'ACTIVE', 'paused', null, ['active']]) {
      const r = await f.call('POST', '/api/instruments/FIX-ALPHA/trading-state', OPERATOR, { reason: 'r', state });
      expect(r.statusCode).toBe(400);
      expect(r.json().error.message).toMatch(/^body\.state: /);
    }
    const r = await f.call('POST', '/api/instruments/FIX-ALPHA/trading-state', OPERATOR, { reason: 'r', state: 'paused' });
    expect(r.json().error.message).toBe('body.state: must be one of active, reducing, halted');
  });
});

describe('query strings and path parameters', () => {
  for (const q of ['from=abc', 'from=0', 'from=-1', 'from=1.5', 'from=1e3', 'from=', 'from=%201', 'from=0x10', 'from=99999999999999999999', 'from=1&from=2']) {
    it(`GET /api/records?${q} is 400 INVALID_QUERY`, async () => {
      const r = await f.call('GET', `/api/records?${q}`, VIEWER);
      expect(r.statusCode).toBe(400);
      expect(r.json().error.code).toBe('INVALID_QUERY');
      expect(r.json().error.message).toMatch(/^querystring\.from: expected /);
    });
  }
  it('from=SEQ reads from SEQ; no from reads the last 200', async () => {
    const r = await f.call('GET', '/api/records?from=3', VIEWER);
    expect(r.statusCode).toBe(200);
    expect(r.json().records[0].seq).toBe(3);
    const tail = (await f.call('GET', '/api/records', VIEWER)).json().records;
    expect(tail.at(-1).seq).toBe(f.live.journal.lastSeq());
  });
  it('unknown query parameters are refused on every view', async () => {
    for (const route of ROUTES.filter((r) => r.kind === 'view' && r.url !== '/api/stream')) {
      const r = await f.call('GET', `${route.url.replace(':id', 'intent-001')}?x=1`, VIEWER);
      expect(r.statusCode, route.url).toBe(400);
      expect(r.json().error).toEqual({ code: 'INVALID_QUERY', message: 'querystring: unknown field "x"' });
    }
    expect((await f.call('GET', '/api/stream?x=1', VIEWER)).statusCode).toBe(400);
  });
  it('ids with control characters or spaces are 400 INVALID_PARAMS', async () => {
    for (const [method, url] of [['GET', '/api/intents/%00'], ['GET', '/api/intents/a%20b'], ['GET', '/api/intents/%0d%0a'], ['POST', '/api/incidents/%09/ack'], ['POST', '/api/orders/%7f/cancel']] as const) {
      const r = await f.call(method, url, OPERATOR, method === 'POST' ? { reason: 'r' } : undefined);
      expect(r.statusCode, url).toBe(400);
      expect(r.json().error.code).toBe('INVALID_PARAMS');
      expect(r.json().error.message).toMatch(/^params\.(id|clientOrderId): expected an id/);
    }
  });
});
