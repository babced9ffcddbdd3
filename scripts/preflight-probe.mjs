/**
 * Does a service answer as the tests need it? Each probe speaks the server's own protocol far
 * enough to know (an open port is not enough): PostgreSQL's startup handshake for the user and
 * database the tests use, NATS's INFO / CONNECT / PING with JetStream enabled. A probe never
 * throws; it resolves { state: 'ready', version } | { state: 'unusable', why } | { state: 'down', why }.
 */
import { connect } from 'node:net';

/**
 * Opens a connection and feeds everything received to `read(buffer, socket)` until it returns an
 * answer; a refused or silent server is 'down'.
 */
function converse(ep, timeoutMs, greet, read) {
  return new Promise((resolveAnswer) => {
    let settled = false;
    let buf = Buffer.alloc(0);
    const socket = connect({ host: ep.host, port: ep.port });
    const finish = (answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolveAnswer(answer);
    };
    const timer = setTimeout(() => finish({ state: 'down', why: `no reply within ${timeoutMs / 1000} s` }), timeoutMs);
    socket.on('connect', () => greet(socket));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      const answer = read(buf, socket);
      if (answer) finish(answer);
    });
    socket.on('error', (e) => finish({ state: 'down', why: e.code === 'ECONNREFUSED' ? 'connection refused' : e.code ?? e.message }));
    socket.on('close', () => finish({ state: 'down', why: 'it closed the connection without a reply' }));
  });
}

function startupMessage(ep) {
  const params = ['user', ep.user, 'database', ep.database, 'application_name', 'reckon-preflight'];
  const body = Buffer.from(params.map((p) => `${p}\0`).join('') + '\0');
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(196608, 4); // protocol 3.0
  return Buffer.concat([head, body]);
}

/** SQLSTATEs that mean "up, but not accepting connections yet": wait, do not give up. */
const NOT_YET = new Set(['57P03', '53300']);

/** Fields of an ErrorResponse body: { C: sqlstate, M: message, ... }. */
function errorFields(body) {
  const fields = {};
  let i = 0;
  while (i < body.length && body[i] !== 0) {
    const end = body.indexOf(0, i + 1);
    fields[String.fromCharCode(body[i])] = body.toString('utf8', i + 1, end);
    i = end + 1;
  }
  return fields;
}

/**
 * PostgreSQL: the startup handshake as user `ep.user` on database `ep.database`. Ready once the
 * server authenticates (or asks for a password: it is up); an error reply that is not "starting
 * up" (no such database or role, no pg_hba entry) makes it unusable, with the server's message.
 * @example await probePostgres({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' })
 */
export function probePostgres(ep, timeoutMs = 2000) {
  let version = '';
  return converse(ep, timeoutMs, (s) => s.write(startupMessage(ep)), (buf, socket) => {
    for (let at = 0; at + 5 <= buf.length;) {
      const type = String.fromCharCode(buf[at]);
      if (!'REKSNZ'.includes(type)) return { state: 'unusable', why: 'it is not a PostgreSQL server' };
      const len = buf.readInt32BE(at + 1);
      if (at + 1 + len > buf.length) return undefined;
      const body = buf.subarray(at + 5, at + 1 + len);
      at += 1 + len;
      if (type === 'E') {
        const f = errorFields(body);
        return { state: NOT_YET.has(f.C) ? 'down' : 'unusable', why: f.M ?? 'it refused the connection' };
      }
      if (type === 'R' && body.readInt32BE(0) !== 0) return { state: 'ready', version: 'PostgreSQL' };
      if (type === 'S') {
        const [name, value] = body.toString('utf8').split('\0');
        if (name === 'server_version') version = value.split(' ')[0]; // "15.20 (Debian 15.20-0+deb12u1)"
      }
      if (type === 'Z') {
        socket.write(Buffer.from([0x58, 0, 0, 0, 4])); // Terminate: leave without an error in the server log
        return { state: 'ready', version: `PostgreSQL ${version}`.trim() };
      }
    }
    return undefined;
  });
}

/**
 * NATS: reads the server's INFO (JetStream must be on), then CONNECT (with the URL's user and
 * password or token) and PING; ready on PONG, unusable on -ERR.
 * @example await probeNats({ host: '127.0.0.1', port: 4222, user: '', pass: '' })
 */
export function probeNats(ep, timeoutMs = 2000) {
  let info = null;
  let seen = 0; // complete lines already handled
  return converse(ep, timeoutMs, () => {}, (buf, socket) => {
    const lines = buf.toString('utf8').split('\r\n').slice(0, -1);
    for (const line of lines.slice(seen)) {
      seen++;
      if (info === null) {
        if (!line.startsWith('INFO ')) return { state: 'unusable', why: `it is not a NATS server (it said "${line.slice(0, 40)}")` };
        try {
          info = JSON.parse(line.slice(5));
        } catch {
          return { state: 'unusable', why: 'its INFO is not JSON' };
        }
        if (info.jetstream !== true) return { state: 'unusable', why: 'JetStream is off (nats-server needs -js)' };
        const auth = ep.pass ? { user: ep.user, pass: ep.pass } : ep.user ? { auth_token: ep.user } : {};
        socket.write(`CONNECT ${JSON.stringify({ verbose: false, pedantic: false, name: 'reckon-preflight', lang: 'node', protocol: 1, ...auth })}\r\nPING\r\n`);
      } else if (line === 'PONG') {
        return { state: 'ready', version: `nats-server ${info.version ?? ''}`.trim() };
      } else if (line.startsWith('-ERR')) {
        return { state: 'unusable', why: `it refused the client: ${line.slice(5).replace(/'/g, '').trim()}` };
      }
    }
    return undefined;
  });
}
