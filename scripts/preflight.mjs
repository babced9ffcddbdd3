#!/usr/bin/env node
/**
 * The test command's first step (`npm test` runs it before it builds or tests anything): finds or
 * installs what the suite needs — Node, the installed dependencies, Debian's Chromium (installed
 * through apt when this user may), PostgreSQL and NATS JetStream (started with the machine's own
 * service commands when they are this machine's and down) — then prints one "ready" line.
 * Whatever cannot be had gets one line saying how to get it, and the exit code is 1 before any
 * test runs (2 for a variable it cannot use). Reads CHROMIUM_PATH, RECKON_NO_INSTALL,
 * RECKON_PG_URL and RECKON_NATS_URL (see the README's table).
 *
 * Usage: node scripts/preflight.mjs
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runApt } from './preflight-apt.mjs';
import {
  address, nodeProblem, planBrowser, planService, readSettings, readyLine, serviceLabel, startCommand, startFailed,
} from './preflight-plan.mjs';
import { probeNats, probePostgres } from './preflight-probe.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const APT_LOG = join(ROOT, 'test-artifacts', 'preflight-apt.log');
/** How long a started service may take to answer. */
const START_BUDGET_MS = 30_000;
const POLL_MS = 250;

const say = (text) => console.log(`preflight: ${text}`);
const seconds = (t0) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function which(cmd) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && isExecutable(join(dir, cmd)));
}

/** Asked only when something is missing: `sudo -n` is not tried on a machine that needs nothing. */
const UNASKED = Object.freeze({ root: false, sudo: false });
let privilegeMemo;
function privilege() {
  if (!privilegeMemo) {
    const root = process.getuid?.() === 0;
    const sudo = !root && which('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
    privilegeMemo = { root, sudo };
  }
  return privilegeMemo;
}

/** The PostgreSQL clusters this machine runs (Debian's layout) with the port each is set to. */
function pgClusters() {
  const etc = '/etc/postgresql';
  if (!existsSync(etc)) return [];
  return readdirSync(etc).sort().flatMap((version) => {
    const conf = join(etc, version, 'main', 'postgresql.conf');
    if (!existsSync(conf)) return [];
    const port = /^\s*port\s*=\s*(\d+)/m.exec(readFileSync(conf, 'utf8'));
    return [{ version, port: port ? Number(port[1]) : 5432 }];
  });
}

function dependencies() {
  const needed = ['node_modules/.bin/vitest', 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'];
  const missing = needed.find((p) => !existsSync(join(ROOT, p)));
  return missing ? { fail: `preflight: the dependencies are not installed (no ${missing}): run \`npm ci\`` } : {};
}

async function installChromium(plan) {
  const install = [...plan.prefix, 'apt-get', 'install', '-y', '-o', 'DPkg::Lock::Timeout=120', 'chromium'];
  const log = relative(process.cwd(), APT_LOG) || APT_LOG;
  const t0 = performance.now();
  say(`installing Debian's chromium for the browser tests: ${plan.display} (a minute or two; apt's output goes to ${log})`);
  let r = await runApt(install, APT_LOG, say);
  if (r.code !== 0) {
    // Missing or stale package lists are the usual cause on a fresh machine.
    say(`apt-get install failed (${r.error || `exit ${r.code}`}); refreshing the package lists with apt-get update`);
    await runApt([...plan.prefix, 'apt-get', 'update'], APT_LOG, say);
    r = await runApt(install, APT_LOG, say);
  }
  if (r.code !== 0) return `preflight: \`${plan.display}\` failed (${r.error || `exit ${r.code}`}; apt's output: ${log}): install Chromium, or set CHROMIUM_PATH to an existing Chromium`;
  say(`chromium installed in ${seconds(t0)}`);
  return null;
}

async function browser(settings) {
  const executable = isExecutable(settings.chromium);
  const plan = planBrowser(settings, executable
    ? { executable, privilege: UNASKED, apt: false }
    : { executable, privilege: privilege(), apt: which('apt-get') });
  if (plan.do === 'fail') return { fail: plan.line };
  if (plan.do === 'install') {
    const failed = await installChromium(plan);
    if (failed) return { fail: failed };
    if (!isExecutable(settings.chromium)) return { fail: `preflight: apt installed chromium, but ${settings.chromium} is still not there: set CHROMIUM_PATH to the installed browser` };
  }
  const v = spawnSync(settings.chromium, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (v.status !== 0) {
    const why = v.error ? v.error.message : `exit ${v.status}: ${(v.stderr || v.stdout).trim().split('\n').pop()}`;
    return { fail: `preflight: ${settings.chromium} does not run (\`--version\`: ${why}): reinstall it, or set CHROMIUM_PATH to a working Chromium` };
  }
  const version = v.stdout.trim().split('\n')[0].replace(/ built on .*$/, '');
  return { part: `${version} (${settings.chromium})` };
}

function runStart(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: START_BUDGET_MS, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').pop() ?? '';
  return { code: r.error ? 127 : r.status ?? 1, output: r.error ? r.error.message : output };
}

async function service(ep, probe, machine) {
  let answer = await probe(ep);
  const command = answer.state === 'down' ? startCommand(ep, machine()) : null;
  const plan = planService(ep, answer, command, command ? privilege() : UNASKED);
  if (plan.do === 'fail') return { fail: plan.line };
  if (plan.do === 'start') {
    const t0 = performance.now();
    say(`${serviceLabel(ep)} does not answer at ${address(ep)} (${answer.why}); starting it: ${plan.display}`);
    const result = runStart(plan.argv);
    const deadline = t0 + START_BUDGET_MS;
    for (;;) {
      answer = await probe(ep);
      if (answer.state !== 'down' || performance.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, POLL_MS)); // poll interval until the deadline
    }
    if (answer.state === 'down') return { fail: startFailed(ep, plan.display, START_BUDGET_MS, answer, result) };
    const after = planService(ep, answer, null, UNASKED);
    if (after.do === 'fail') return { fail: after.line };
    say(`${answer.version} answers at ${address(ep)} after ${seconds(t0)}`);
  }
  return { part: `${answer.version}${ep.kind === 'nats' ? ' with JetStream' : ''} at ${address(ep)}` };
}

async function main() {
  let settings;
  try {
    settings = readSettings(process.env);
  } catch (e) {
    console.error(`preflight: ${e.message}`);
    return 2;
  }
  let machineMemo;
  const machine = () => (machineMemo ??= { pgClusters: pgClusters(), pgCtlcluster: which('pg_ctlcluster'), natsServer: isExecutable('/usr/sbin/nats-server') && which('start-stop-daemon') });
  const tooOld = nodeProblem(process.versions.node);
  const results = [
    tooOld ? { fail: tooOld } : { part: `Node ${process.versions.node}` },
    dependencies(),
    await service(settings.pg, probePostgres, machine),
    await service(settings.nats, probeNats, machine),
    await browser(settings),
  ];
  const failures = results.filter((r) => r.fail);
  for (const f of failures) console.error(f.fail);
  if (failures.length) return 1;
  console.log(readyLine(results.filter((r) => r.part).map((r) => r.part)));
  return 0;
}

main().then((code) => { process.exitCode = code; }, (e) => {
  console.error(`preflight: internal error: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
