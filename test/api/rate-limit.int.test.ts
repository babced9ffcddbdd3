/**
 * One action budget per token across every action route (429 RATE_LIMITED with retry-after),
 * a separate, larger budget for views, and no budget spent by requests that are not
 * authenticated (or not authorised) for the route.
 */
import { describe, expect, it } from 'vitest';
import { apiFixture, OPERATOR, OPERATOR2, VIEWER, type ApiFixture } from './fixture.js';

const ack = (f: ApiFixture, token?: string) => f.call('POST', '/api/incidents/INC-none/ack', token, { reason: 'r' });
const tradingState = (f: ApiFixture, token?: string) => f.call('POST', '/api/instruments/FIX-ALPHA/trading-state', token, { reason: 'r', state: 'reducing' });
const kill = (f: ApiFixture, token?: string) => f.call('POST', '/api/kill-switch', token, { reason: 'r', engaged: false });
const flatten = (f: ApiFixture, token?: string) => f.call('POST', '/api/instruments/FIX-DELTA/flatten', token, { reason: 'r' });

describe('action rate limit', () => {
  it('is one budget per token across all action routes; others keep theirs; anonymous and viewer requests spend none', async () => {
    const f = await apiFixture({ actionRateLimit: { max: 3, windowMs: 60_000 } });
    try {
      for (let i = 0; i < 10; i++) expect((await kill(f)).statusCode).toBe(401);
      for (let i = 0; i < 5; i++) expect((await kill(f, VIEWER)).statusCode).toBe(403);
      expect((await ack(f, OPERATOR)).statusCode).toBe(404); // counted: an attempted action
      expect((await tradingState(f, OPERATOR)).statusCode).toBe(200);
      const third = await kill(f, OPERATOR);
      expect(third.statusCode).toBe(200);
      expect(third.headers['x-ratelimit-remaining']).toBe('0');
      const before = f.live.journal.lastSeq();
      const fourth = await flatten(f, OPERATOR);
      expect(fourth.statusCode).toBe(429);
      expect(fourth.json().error.code).toBe('RATE_LIMITED');
      expect(fourth.json().error.message).toBe('at most 3 actions per 60 s per token');
      const retry = Number(fourth.headers['retry-after']);
      expect(Number.isInteger(retry) && retry >= 1 && retry <= 60).toBe(true);
      expect(f.live.journal.lastSeq()).toBe(before);
      // Other routes are in the same budget; views are not; another operator has its own.
      expect((await ack(f, OPERATOR)).statusCode).toBe(429);
      expect((await f.call('GET', '/api/state', OPERATOR)).statusCode).toBe(200);
      expect((await tradingState(f, OPERATOR2)).statusCode).toBe(200);
    } finally { await f.close(); }
  });

  it('takes a number as actions per minute (default 60) and frees the budget when the window passes', async () => {
    const f = await apiFixture({ actionRateLimit: 2 });
    try {
      expect((await kill(f, OPERATOR)).statusCode).toBe(200);
      expect((await tradingState(f, OPERATOR)).statusCode).toBe(200);
      const r = await ack(f, OPERATOR);
      expect(r.statusCode).toBe(429);
      expect(r.json().error.message).toBe('at most 2 actions per 60 s per token');
    } finally { await f.close(); }
    const g = await apiFixture({ actionRateLimit: { max: 1, windowMs: 300 } });
    try {
      expect((await kill(g, OPERATOR)).statusCode).toBe(200);
      expect((await kill(g, OPERATOR)).statusCode).toBe(429);
      const deadline = performance.now() + 5_000;
      let status = 429;
      while (status === 429 && performance.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        status = (await kill(g, OPERATOR)).statusCode;
      }
      expect(status).toBe(200);
    } finally { await g.close(); }
  });

  it('defaults to 60 actions per minute per token', async () => {
    const f = await apiFixture({ actionRateLimit: undefined });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 61; i++) statuses.push((await (i % 2 ? kill : tradingState)(f, OPERATOR)).statusCode);
      expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
      expect(statuses[60]).toBe(429);
    } finally { await f.close(); }
  });

  it('refuses a limit that is not a positive integer', async () => {
    await expect(apiFixture({ actionRateLimit: 0 })).rejects.toThrow(/actionRateLimit/);
    await expect(apiFixture({ actionRateLimit: { max: 2, windowMs: -1 } })).rejects.toThrow(/actionRateLimit/);
  });
});

describe('view rate limit', () => {
  it('is a separate budget per token across all views; the stream counts; anonymous requests spend none', async () => {
    const f = await apiFixture({ viewRateLimit: { max: 5, windowMs: 60_000 } });
    try {
      for (let i = 0; i < 10; i++) expect((await f.call('GET', '/api/state')).statusCode).toBe(401);
      for (const url of ['/api/state', '/api/positions', '/api/orders', '/api/incidents', '/api/playbooks']) expect((await f.call('GET', url, VIEWER)).statusCode).toBe(200);
      const sixth = await f.call('GET', '/api/records', VIEWER);
      expect(sixth.statusCode).toBe(429);
      expect(sixth.json().error).toEqual({ code: 'RATE_LIMITED', message: 'at most 5 reads per 60 s per token' });
      expect(Number(sixth.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect((await f.call('GET', '/api/stream', VIEWER)).statusCode).toBe(429);
      expect((await f.call('GET', '/api/state', OPERATOR)).statusCode).toBe(200);
      expect((await kill(f, OPERATOR)).statusCode).toBe(200);
      expect((await f.call('GET', '/healthz')).statusCode).toBe(200);
    } finally { await f.close(); }
  });

  it('the default view budget is far above what a busy console reads (16 requests per second)', async () => {
    const f = await apiFixture();
    try {
      for (let i = 0; i < 1000; i++) {
        const r = await f.call('GET', '/api/state', VIEWER);
        if (r.statusCode !== 200) throw new Error(`request ${i + 1}: ${r.statusCode}`);
      }
    } finally { await f.close(); }
  });
});
