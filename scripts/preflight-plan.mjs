/**
 * The preflight's decisions, pure: from what was found on the machine, what to do about each thing
 * the test suite needs — use it, install it, start it, or stop with one line saying how to get it.
 * `scripts/preflight.mjs` gathers the facts and carries the decisions out.
 */

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';
export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
export const MIN_NODE = '20.19.0';
/** The machine's own command for its NATS service (the port it serves is fixed by it). */
export const NATS_PORT = 4222;
export const NATS_START = ['start-stop-daemon', '--start', '--oknodo', '--background', '--exec', '/usr/sbin/nats-server', '--',
  '-a', '127.0.0.1', '-p', String(NATS_PORT), '-js', '-sd', '/var/lib/nats-server', '-l', '/var/log/nats-server.log'];

const SERVICES = {
  pg: { label: 'PostgreSQL', variable: 'RECKON_PG_URL', form: 'postgres://USER@HOST:PORT/DATABASE' },
  nats: { label: 'NATS JetStream', variable: 'RECKON_NATS_URL', form: 'nats://[USER:PASSWORD@]HOST:PORT' },
};

/**
 * Reads the preflight's settings; a value it cannot use throws an Error naming the variable.
 * @example readSettings({ CHROMIUM_PATH: '/opt/chrome' }).chromium // '/opt/chrome'
 */
export function readSettings(env) {
  return {
    chromium: env.CHROMIUM_PATH || DEBIAN_CHROMIUM,
    chromiumFromEnv: Boolean(env.CHROMIUM_PATH) && env.CHROMIUM_PATH !== DEBIAN_CHROMIUM,
    noInstall: flag('RECKON_NO_INSTALL', env.RECKON_NO_INSTALL),
    pg: endpoint('pg', env.RECKON_PG_URL || DEFAULT_PG_URL, ['postgres:', 'postgresql:'], 5432),
    nats: endpoint('nats', env.RECKON_NATS_URL || DEFAULT_NATS_URL, ['nats:'], NATS_PORT),
  };
}

function flag(name, text) {
  if (text === undefined || text === '' || text === '0') return false;
  if (text === '1') return true;
  throw new Error(`${name}: "${text}" is neither 1 nor 0`);
}

function endpoint(kind, text, protocols, defaultPort) {
  const { variable, form } = SERVICES[kind];
  const bad = new Error(`${variable}: "${text}" is not a ${form} URL`);
  let url;
  try {
    url = new URL(text);
  } catch {
    throw bad;
  }
  if (!protocols.includes(url.protocol) || !url.hostname) throw bad;
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  if (url.password) url.password = '***'; // `url` is shown in messages: never the password
  const base = { kind, host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : defaultPort, url: url.href };
  if (kind === 'pg') return { ...base, user: user || 'postgres', database: decodeURIComponent(url.pathname.slice(1)) || user || 'postgres' };
  return { ...base, user, pass };
}

/** 'PostgreSQL' or 'NATS JetStream'. */
export function serviceLabel(ep) {
  return SERVICES[ep.kind].label;
}

/** `host:port` as people write it (IPv6 in brackets). */
export function address(ep) {
  return ep.host.includes(':') ? `[${ep.host}]:${ep.port}` : `${ep.host}:${ep.port}`;
}

export function isLoopback(host) {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The message when this Node is older than the project's minimum, else null.
 * @example nodeProblem('18.20.0') // 'preflight: Node 20.19.0 or newer is needed, this is 18.20.0'
 */
export function nodeProblem(version) {
  const have = version.split('.').map(Number);
  const need = MIN_NODE.split('.').map(Number);
  for (let i = 0; i < need.length; i++) {
    if ((have[i] ?? 0) > need[i]) return null;
    if ((have[i] ?? 0) < need[i]) return `preflight: Node ${MIN_NODE} or newer is needed, this is ${version}`;
  }
  return null;
}

/** How this user runs an administrator's command: [] as root, sudo without a password, or null. */
export function adminPrefix(privilege) {
  if (privilege.root) return [];
  if (privilege.sudo) return ['sudo', '-n'];
  return null;
}

/** The exact install command for this user to type. */
export function installCommand(privilege) {
  return `${privilege.root ? '' : 'sudo '}apt-get install -y chromium`;
}

/**
 * What to do about the browser the browser tests launch.
 * facts: { executable, privilege: { root, sudo }, apt } — `executable`: the path is an executable file.
 * @example planBrowser(readSettings({}), { executable: false, privilege: { root: true, sudo: false }, apt: true }).do // 'install'
 */
export function planBrowser(settings, facts) {
  if (facts.executable) return { do: 'use' };
  const cmd = installCommand(facts.privilege);
  if (settings.chromiumFromEnv) {
    // Installing Debian's package would not help: the tests launch CHROMIUM_PATH.
    return fail(`preflight: CHROMIUM_PATH=${settings.chromium} is not an executable: set CHROMIUM_PATH to an existing Chromium, or unset it and run \`${cmd}\` for ${DEBIAN_CHROMIUM}`);
  }
  const missing = `preflight: no Chromium at ${settings.chromium} for the browser tests`;
  if (settings.noInstall) return fail(`${missing} (RECKON_NO_INSTALL=1: nothing installed): run \`${cmd}\`, or set CHROMIUM_PATH to an existing Chromium`);
  if (!facts.apt) return fail(`${missing} and no apt-get on this machine: install Chromium and set CHROMIUM_PATH to it`);
  const prefix = adminPrefix(facts.privilege);
  if (prefix === null) return fail(`${missing} and this user may not install packages: have an administrator run \`${cmd}\`, or set CHROMIUM_PATH to an existing Chromium`);
  return { do: 'install', prefix, display: cmd };
}

/**
 * The machine's own start command for the service an endpoint names, or null when the endpoint is
 * not this machine's service (another host or port: never start or touch something else).
 * machine: { pgClusters: [{ version, port }], pgCtlcluster, natsServer } (commands found on the machine).
 * @example startCommand(readSettings({}).nats, { pgClusters: [], pgCtlcluster: false, natsServer: true }) // NATS_START
 */
export function startCommand(ep, machine) {
  if (!isLoopback(ep.host)) return null;
  if (ep.kind === 'nats') return machine.natsServer && ep.port === NATS_PORT ? NATS_START : null;
  const cluster = machine.pgCtlcluster ? machine.pgClusters.find((c) => c.port === ep.port) : undefined;
  return cluster ? ['pg_ctlcluster', '--skip-systemctl-redirect', cluster.version, 'main', 'start'] : null;
}

/**
 * What to do about a service after one probe.
 * answer: { state: 'ready' } | { state: 'unusable', why } (it answers but the tests cannot use it) |
 * { state: 'down', why }; command: startCommand(...); privilege: { root, sudo }.
 * @example planService(ep, { state: 'down', why: 'connection refused' }, null, priv).do // 'fail'
 */
export function planService(ep, answer, command, privilege) {
  const { label, variable } = SERVICES[ep.kind];
  const where = `${label} at ${address(ep)}`;
  if (answer.state === 'ready') return { do: 'use' };
  if (answer.state === 'unusable') return fail(`preflight: ${where} answers, but ${answer.why} (${variable}=${ep.url})`);
  const prefix = command ? adminPrefix(privilege) : null;
  if (command && prefix !== null) return { do: 'start', argv: [...prefix, ...command], display: command.join(' ') };
  const how = command ? `have an administrator run \`${command.join(' ')}\`` : 'start it';
  return fail(`preflight: ${where} does not answer (${answer.why}): ${how}, or set ${variable} to a running server`);
}

/** The line after a start command when the service still does not answer within the budget. */
export function startFailed(ep, display, budgetMs, answer, result) {
  const { label, variable } = SERVICES[ep.kind];
  const exit = result.code === 0 ? '' : `; it exited ${result.code}${result.output ? `: ${result.output}` : ''}`;
  return `preflight: ${label} at ${address(ep)} does not answer ${budgetMs / 1000} s after \`${display}\` (${answer.why}${exit}); start it, or set ${variable} to a running server`;
}

/** The one line printed when everything is there. */
export function readyLine(parts) {
  return `preflight: ready: ${parts.join(' · ')}`;
}

function fail(line) {
  return { do: 'fail', line };
}
