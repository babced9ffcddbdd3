/**
 * The API's only body parser: `application/json` in UTF-8, one JSON object, no duplicate keys
 * (`{"engaged":true,"engaged":false}` means different things to different parsers) and no
 * `__proto__` / `constructor` / `prototype` keys. Anything else is refused before validation.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';
import { typeOf } from './schemas.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The first key that repeats within one object (after unescaping) or is a prototype key, in a
 * text that `JSON.parse` accepted; null when there is none.
 *
 * @example
 * badKey('{"a":1,"\\u0061":2}') // { key: 'a', why: 'duplicate' }
 */
export function badKey(text: string): { key: string; why: 'duplicate' | 'forbidden' } | null {
  // One entry per open container: the keys seen so far for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let keyNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const keys = open[open.length - 1];
      if (keys && keyNext) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (FORBIDDEN_KEYS.has(key)) return { key, why: 'forbidden' };
        if (keys.has(key)) return { key, why: 'duplicate' };
        keys.add(key);
        keyNext = false;
      }
      i = j;
    } else if (c === '{') { open.push(new Set()); keyNext = true; }
    else if (c === '[') open.push(null);
    else if (c === '}' || c === ']') open.pop();
    else if (c === ',') keyNext = open[open.length - 1] != null;
  }
  return null;
}

/**
 * Parses a request body strictly.
 *
 * @example
 * parseStrictJson('{"reason":"drill"}') // { reason: 'drill' }
 */
export function parseStrictJson(text: string): unknown {
  if (text.trim() === '') throw new ApiError(400, 'INVALID_BODY', 'body: a JSON object is required');
  let value: unknown;
  try { value = JSON.parse(text); } catch { throw new ApiError(400, 'INVALID_BODY', 'body: not valid JSON'); }
  // Every body is an object; refused here, a JSON `null` cannot pass for a missing body.
  if (typeOf(value) !== 'object') throw new ApiError(400, 'INVALID_BODY', `body: expected object, got ${typeOf(value)}`);
  const bad = badKey(text);
  if (bad) throw new ApiError(400, 'INVALID_BODY', `body: ${bad.why} field ${JSON.stringify(bad.key.slice(0, 64))}`);
  return value;
}

/** Replaces Fastify's parsers (JSON and text/plain) with the strict JSON one only. */
export function installJsonBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req: FastifyRequest, body: string | Buffer, done) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json'), undefined);
      return;
    }
    try { done(null, parseStrictJson(String(body))); } catch (e) { done(e as Error, undefined); }
  });
}
