/**
 * The preflight as a user meets it: `node scripts/preflight.mjs` and the README's test command
 * `npm test`, with the browser or a service made unavailable through the variables the preflight
 * reads (never by touching the machine's browser or services), and installing not allowed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/cli.js';
import { closedPort } from './preflight-support.js';

const PREFLIGHT = 'scripts/preflight.mjs';
/** The environment of a user's shell: none of the npm_* variables of the `npm test` running this. */
const userEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_'))),
  RECKON_NO_INSTALL: '1',
  ...extra,
});

function preflight(extra: Record<string, string>) {
  const r = spawnSync(process.execPath, [PREFLIGHT], { cwd: ROOT, encoding: 'utf8', env: userEnv(extra), timeout: 60_000 });
  const lines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '');
  return { code: r.status, lines };
}

describe('preflight', () => {
  it('Given everything is there, Then one "ready" line naming Node, PostgreSQL, NATS JetStream and Chromium, exit 0', () => {
    const r = preflight({});
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^preflight: ready: Node \d+\.\d+\.\d+ · PostgreSQL \d+\.\d+ at 127\.0\.0\.1:5432 · nats-server [\d.]+ with JetStream at 127\.0\.0\.1:4222 · Chromium [\d.]+ \(\/usr\/bin\/chromium\)$/);
    expect(r.code).toBe(0);
  }, 60_000);

  it('Given CHROMIUM_PATH at a missing file and no installing, Then exactly one line naming the install command and CHROMIUM_PATH, exit 1', () => {
    const r = preflight({ CHROMIUM_PATH: '/nonexistent' });
    expect(r.code).toBe(1);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^preflight: CHROMIUM_PATH=\/nonexistent is not an executable: /);
    expect(r.lines[0]).toMatch(/`(sudo )?apt-get install -y chromium`/);
  }, 60_000);

  it('Given a browser that does not run, Then one line saying so, exit 1', () => {
    const r = preflight({ CHROMIUM_PATH: '/bin/false' });
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([expect.stringMatching(/^preflight: \/bin\/false does not run \(`--version`: exit 1/)]);
  }, 60_000);

  it('Given PostgreSQL pointed at a closed port, Then one line naming it and RECKON_PG_URL, and nothing is started', async () => {
    const port = await closedPort();
    const r = preflight({ RECKON_PG_URL: `postgres://postgres@127.0.0.1:${port}/test` });
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([`preflight: PostgreSQL at 127.0.0.1:${port} does not answer (connection refused): start it, or set RECKON_PG_URL to a running server`]);
  }, 60_000);

  it('Given NATS pointed at a closed port, Then one line naming it and RECKON_NATS_URL, and nothing is started', async () => {
    const port = await closedPort();
    const r = preflight({ RECKON_NATS_URL: `nats://127.0.0.1:${port}` });
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([`preflight: NATS JetStream at 127.0.0.1:${port} does not answer (connection refused): start it, or set RECKON_NATS_URL to a running server`]);
  }, 60_000);

  it('Given a database the tests cannot use, Then the server\'s own reason in one line', () => {
    const r = preflight({ RECKON_PG_URL: 'postgres://postgres@127.0.0.1:5432/reckon_preflight_no_such_db' });
    expect(r.code).toBe(1);
    expect(r.lines).toEqual(['preflight: PostgreSQL at 127.0.0.1:5432 answers, but database "reckon_preflight_no_such_db" does not exist (RECKON_PG_URL=postgres://postgres@127.0.0.1:5432/reckon_preflight_no_such_db)']);
  }, 60_000);

  it('Given a variable it cannot use, Then exit 2 with one line naming it', () => {
    expect(preflight({ RECKON_NO_INSTALL: 'yes' })).toEqual({ code: 2, lines: ['preflight: RECKON_NO_INSTALL: "yes" is neither 1 nor 0'] });
  }, 60_000);

  it('npm test stops at the preflight: non-zero exit, the one line, and nothing built or tested', async () => {
    // Detached so that, should the preflight wrongly pass, the whole npm tree is stopped as soon as
    // it starts building, before it could run this suite again.
    const child = spawn('npm', ['test'], { cwd: ROOT, env: userEnv({ CHROMIUM_PATH: '/nonexistent' }), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    let escaped = false;
    const watch = (d: Buffer) => {
      out += d.toString();
      if (!escaped && /> reckon@[^ ]+ (build|test)\n/.test(out)) {
        escaped = true;
        process.kill(-child.pid!, 'SIGKILL');
      }
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    const code = await new Promise<number | null>((resolveExit) => child.on('close', (c) => resolveExit(c)));
    expect(escaped, out).toBe(false);
    expect(code).not.toBe(0);
    const preflightLines = out.split('\n').filter((l) => l.startsWith('preflight:'));
    expect(preflightLines).toEqual([expect.stringMatching(/^preflight: CHROMIUM_PATH=\/nonexistent is not an executable: .*apt-get install -y chromium/)]);
    expect(out).not.toMatch(/tsc -p|vitest run|Test Files/);
  }, 120_000);
});
