/**
 * Installing a Debian package for the preflight, saying what apt is doing while it works: apt's own
 * output goes to a log file, and a few progress lines (packages to fetch, downloading, unpacking,
 * setting up, triggers) go to the terminal, so the minute or two it takes is never a silent wait.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';

/** The progress fold's starting state. */
export const APT_START = Object.freeze({ phase: 'resolving', total: 0, download: 0, unpack: 0, configure: 0, triggers: 0, error: '' });

/** Phases counted per package; triggers (man-db, icon caches) only announced: they are not packages. */
const STEPS = [
  { re: /^Get:\d+ /, key: 'download', phase: 'downloading', counted: true },
  { re: /^Unpacking /, key: 'unpack', phase: 'unpacking', counted: true },
  { re: /^Setting up /, key: 'configure', phase: 'setting up', counted: true },
  { re: /^Processing triggers for /, key: 'triggers', phase: 'processing triggers', counted: false },
];

/**
 * Folds one line of apt-get's output into the progress state; `say` is a line for the terminal
 * when there is news: the size of the job, a new phase, and each quarter of a phase.
 * @example aptProgress(APT_START, '0 upgraded, 3 newly installed, 0 to remove and 0 not upgraded.').say // 'apt: 3 packages to install'
 */
export function aptProgress(state, line) {
  const size = /^(\d+) upgraded, (\d+) newly installed/.exec(line);
  if (size) {
    const total = Number(size[1]) + Number(size[2]);
    return { state: { ...state, total }, say: `apt: ${total} package${total === 1 ? '' : 's'} to install` };
  }
  const fetch = /^Need to get (.+?) of archives/.exec(line);
  if (fetch) return { state, say: `apt: downloading ${fetch[1]}` };
  if (/^E: /.test(line)) return { state: { ...state, error: line.slice(3) } };
  for (const step of STEPS) {
    if (!step.re.test(line)) continue;
    const n = state[step.key] + 1;
    const next = { ...state, phase: step.phase, [step.key]: n };
    if (!step.counted) return { state: next, say: state.phase !== step.phase ? `apt: ${step.phase}` : undefined };
    const quarter = (k) => (state.total > 0 ? Math.floor((4 * k) / state.total) : Math.floor(k / 10));
    const news = state.phase !== step.phase || quarter(n) > quarter(n - 1);
    return { state: next, say: news ? `apt: ${step.phase} ${n}${state.total > 0 ? `/${state.total}` : ''}` : undefined };
  }
  return { state };
}

/**
 * Runs one apt-get command (argv, with any sudo prefix), appending its output to `logFile` and
 * passing progress lines to `say`; a line every `heartbeatMs` while apt prints nothing new.
 * Resolves { code, error } where error is apt's last "E:" line.
 * @example await runApt(['apt-get', 'install', '-y', 'chromium'], 'test-artifacts/apt.log', console.log)
 */
export function runApt(argv, logFile, say, heartbeatMs = 15_000) {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: 'a' });
  log.write(`\n$ ${argv.join(' ')}\n`);
  const child = spawn(argv[0], argv.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  let state = APT_START;
  const t0 = performance.now();
  let lastSaid = t0;
  const tell = (text) => { lastSaid = performance.now(); say(text); };
  const beat = setInterval(() => {
    if (performance.now() - lastSaid >= heartbeatMs) tell(`apt: still ${state.phase} (${Math.round((performance.now() - t0) / 1000)} s)`);
  }, 1000);
  for (const stream of [child.stdout, child.stderr]) {
    stream.pipe(log, { end: false });
    createInterface({ input: stream }).on('line', (line) => {
      const r = aptProgress(state, line);
      state = r.state;
      if (r.say) tell(r.say);
    });
  }
  return new Promise((resolveRun) => {
    let finished = false;
    const done = (code) => {
      if (finished) return; // a spawn error is followed by 'close'
      finished = true;
      clearInterval(beat);
      log.end(() => resolveRun({ code, error: state.error }));
    };
    child.on('error', (e) => { state = { ...state, error: e.message }; done(127); });
    child.on('close', (code, signal) => done(code ?? (signal ? 128 : 1)));
  });
}
