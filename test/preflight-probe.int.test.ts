/**
 * The preflight's probes against the machine's real PostgreSQL and NATS (read-only: a handshake,
 * then goodbye), a closed port, and a real nats-server of this test's own without JetStream.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { probeNats, probePostgres } from '../scripts/preflight-probe.mjs';
import { closedPort } from './preflight-support.js';

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };
const NATS = { host: '127.0.0.1', port: 4222, user: '', pass: '' };

describe('preflight probes: PostgreSQL', () => {
  it('the machine server is ready for user postgres on database test, with its version', async () => {
    const a = await probePostgres(PG);
    expect(a).toMatchObject({ state: 'ready' });
    expect(a.state === 'ready' && a.version).toMatch(/^PostgreSQL \d+\.\d+$/);
  });

  it('a database that does not exist: it answers but is unusable, with the server\'s message', async () => {
    expect(await probePostgres({ ...PG, database: 'reckon_preflight_no_such_db' }))
      .toEqual({ state: 'unusable', why: 'database "reckon_preflight_no_such_db" does not exist' });
  });

  it('a closed port is down: connection refused', async () => {
    expect(await probePostgres({ ...PG, port: await closedPort() })).toEqual({ state: 'down', why: 'connection refused' });
  });

  it('a NATS server on the port is not a PostgreSQL server', async () => {
    expect(await probePostgres({ ...PG, port: NATS.port })).toEqual({ state: 'unusable', why: 'it is not a PostgreSQL server' });
  });
});

describe('preflight probes: NATS', () => {
  let plain: ChildProcess | undefined;
  afterAll(() => { plain?.kill(); });

  it('the machine server answers PING with JetStream on', async () => {
    const a = await probeNats(NATS);
    expect(a).toMatchObject({ state: 'ready' });
    expect(a.state === 'ready' && a.version).toMatch(/^nats-server \d+\.\d+\.\d+$/);
  });

  it('a closed port is down', async () => {
    expect(await probeNats({ ...NATS, port: await closedPort() })).toEqual({ state: 'down', why: 'connection refused' });
  });

  it('a server that never speaks first (PostgreSQL) is down once the budget is spent', async () => {
    expect(await probeNats({ ...NATS, port: PG.port }, 300)).toEqual({ state: 'down', why: 'no reply within 0.3 s' });
  });

  it.skipIf(!existsSync('/usr/sbin/nats-server'))('a nats-server without -js answers but is unusable: JetStream is off', async () => {
    plain = spawn('/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', '-1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const port = await new Promise<number>((resolvePort, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new Error(`nats-server did not report its port in 20 s:\n${log}`)), 20_000);
      plain!.stderr!.on('data', (d: Buffer) => {
        log += d.toString();
        const m = /Listening for client connections on 127\.0\.0\.1:(\d+)/.exec(log);
        if (m) { clearTimeout(timer); resolvePort(Number(m[1])); }
      });
    });
    expect(await probeNats({ ...NATS, port })).toEqual({ state: 'unusable', why: 'JetStream is off (nats-server needs -js)' });
  }, 30_000);
});
