/**
 * The pure parts of the API's request checks: Host/Origin comparison, the strict JSON body
 * parser (duplicate and prototype keys), validation messages, token parsing and the route table.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HostPolicy, hostName, parseHost } from '../../src/api/host-policy.js';
import { badKey, parseStrictJson } from '../../src/api/json-body.js';
import { validationMessage } from '../../src/api/schemas.js';
import { sha256Hex, TokenAuth } from '../../src/api/auth.js';
import { ROUTES, routeSpec } from '../../src/api/routes.js';
import { ApiError } from '../../src/api/errors.js';

describe('HostPolicy', () => {
  const hosts = new HostPolicy(['reckon.lan', '10.1.2.3', 'fd00::5']);
  it('Given loopback, configured and arrival-address names, When the Host names one (any port), Then it is accepted', () => {
    for (const h of ['localhost', 'localhost:7400', '127.0.0.1:1', '[::1]:7400', 'reckon.lan', 'RECKON.lan:443', '10.1.2.3:7400', '[fd00::5]']) expect(hosts.allowsHost(h, undefined), h).toBe(true);
    expect(hosts.allowsHost('192.168.1.9:7400', '192.168.1.9')).toBe(true);
    expect(hosts.allowsHost('192.168.1.9:7400', '::ffff:192.168.1.9')).toBe(true);
  });
  it('Given a rebinding name or a malformed Host, Then it is refused', () => {
    for (const h of [undefined, '', 'evil.example', 'localhost.evil.example', 'reckon.lan.', '192.168.1.9', 'localhost:', 'localhost:65536', '[::1', 'a b', 'user@localhost', 'localhost/x']) {
      expect(hosts.allowsHost(h, '127.0.0.1'), String(h)).toBe(false);
    }
  });
  it('Given an Origin, Then it is same-origin only for the same name and effective port', () => {
    expect(hosts.sameOrigin('http://127.0.0.1:7400', '127.0.0.1:7400')).toBe(true);
    expect(hosts.sameOrigin('https://reckon.lan', 'reckon.lan')).toBe(true);
    expect(hosts.sameOrigin('http://reckon.lan:80', 'reckon.lan')).toBe(true);
    expect(hosts.sameOrigin('http://[::1]:7400', '[::1]:7400')).toBe(true);
    for (const o of ['http://127.0.0.1:7401', 'http://localhost:7400', 'null', 'file:///x', 'http://u:p@127.0.0.1:7400', 'ws://127.0.0.1:7400', 'http://127.0.0.1:7400/path', '']) {
      expect(hosts.sameOrigin(o, '127.0.0.1:7400'), o).toBe(false);
    }
  });
  it('refuses configured names with a scheme, a port or a path', () => {
    for (const bad of ['http://reckon.lan', 'reckon.lan:7400', 'reckon.lan/', '', '*.lan']) expect(() => new HostPolicy([bad]), bad).toThrow(/allowedHosts/);
    expect(hostName('::')).toBe('::');
    expect(hostName('[::1]')).toBe('::1');
    expect(parseHost('[::1]:7400')).toEqual({ name: '::1', port: 7400 });
  });
});

describe('strict JSON bodies', () => {
  it('property: the JSON text of any value has no bad key; repeating a key of an object is found', () => {
    const key = fc.string({ maxLength: 6 }).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k));
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 0 }), fc.array(tie('value'), { maxLength: 3 }), tie('object')),
      object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    }));
    fc.assert(fc.property(json.object, key, json.value, (obj, k, v) => {
      const text = JSON.stringify(obj);
      expect(badKey(text)).toBeNull();
      const withKey = JSON.stringify({ ...(obj as object), [k]: v });
      // The same key again, spelled with \u escapes, at the end of the object.
      const escaped = JSON.stringify(k).replace(/[a-z]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      const dup = `${withKey.slice(0, -1)},${escaped}:1}`;
      expect(badKey(dup)).toEqual({ key: k, why: 'duplicate' });
      expect(badKey(`[${dup}]`)).toEqual({ key: k, why: 'duplicate' });
      expect(badKey(`{"x":${dup}}`)).toEqual({ key: k, why: 'duplicate' });
    }), { numRuns: 300 });
  });
  it('keys in different objects, and strings that look like keys, are not duplicates', () => {
    expect(badKey('[{"a":1},{"a":1}]')).toBeNull();
    expect(badKey('{"a":{"a":1},"b":"a"}')).toBeNull();
    expect(badKey('{"a":"\\"a\\":","b":["a","a"]}')).toBeNull();
  });
  it('prototype keys at any depth are refused', () => {
    expect(badKey('{"a":{"__proto__":{}}}')).toEqual({ key: '__proto__', why: 'forbidden' });
    expect(badKey('{"constructor":{"prototype":1}}')).toEqual({ key: 'constructor', why: 'forbidden' });
  });
  it('parseStrictJson refuses empty, invalid, non-object and duplicate-key bodies with INVALID_BODY', () => {
    const message = (text: string) => { try { parseStrictJson(text); return 'accepted'; } catch (e) { expect(e).toBeInstanceOf(ApiError); return (e as ApiError).message; } };
    expect(message('')).toBe('body: a JSON object is required');
    expect(message('{')).toBe('body: not valid JSON');
    expect(message('[1]')).toBe('body: expected object, got array');
    expect(message('2.5')).toBe('body: expected object, got number');
    expect(message('{"a":1,"a":2}')).toBe('body: duplicate field "a"');
    expect(parseStrictJson(' {"reason":"x"} ')).toEqual({ reason: 'x' });
  });
});

describe('validation messages', () => {
  it('name the field and what was expected, never the value', () => {
    expect(validationMessage([{ keyword: 'type', instancePath: '/engaged', params: { type: 'boolean' }, data: 'secret' }], 'body')).toBe('body.engaged: expected boolean, got string');
    expect(validationMessage([{ keyword: 'pattern', instancePath: '/from', params: { pattern: 'x' }, data: 'secret', parentSchema: { description: 'a positive integer' } }], 'querystring')).toBe('querystring.from: expected a positive integer');
    expect(validationMessage([{ keyword: 'additionalProperties', instancePath: '', params: { additionalProperty: 'a'.repeat(100) } }], 'body')).toBe(`body: unknown field "${'a'.repeat(64)}"`);
    expect(validationMessage([{ keyword: 'type', instancePath: '', params: { type: 'object' }, data: null }], 'body')).toBe('body: a JSON object is required');
  });
});

describe('TokenAuth', () => {
  const auth = TokenAuth.from([{ name: 'ana', role: 'viewer', sha256: sha256Hex('tok-1') }], { RECKON_OPERATOR_TOKEN: 'tok 2' });
  it('accepts the Bearer scheme in any case, and nothing else', () => {
    expect(auth.authenticate('Bearer tok-1')).toEqual({ name: 'ana', role: 'viewer' });
    expect(auth.authenticate('bearer tok-1')).toEqual({ name: 'ana', role: 'viewer' });
    expect(auth.authenticate('BEARER  tok 2 ')).toEqual({ name: 'env-operator', role: 'operator' });
    for (const h of [undefined, '', 'Bearer', 'Bearer ', 'Basic dG9rLTE=', 'tok-1', 'Bearertok-1', 'Bearer tok-1x']) expect(auth.authenticate(h), String(h)).toBeNull();
  });
});

describe('route table', () => {
  it('every /api route needs a token, every action the operator role; HEAD shares the GET entry', () => {
    for (const r of ROUTES) {
      expect(r.url.startsWith('/api/') ? r.access !== 'public' : r.access === 'public', r.url).toBe(true);
      expect(r.kind === 'action', r.url).toBe(r.access === 'operator');
    }
    expect(routeSpec('HEAD', '/api/state')?.access).toBe('viewer');
    expect(routeSpec('POST', '/api/state')).toBeUndefined();
  });
});
