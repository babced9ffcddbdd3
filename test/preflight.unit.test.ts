import { describe, expect, it } from 'vitest';
import { APT_START, aptProgress, type AptState } from '../scripts/preflight-apt.mjs';
import {
  DEBIAN_CHROMIUM, NATS_START, nodeProblem, planBrowser, planService, readSettings, startCommand, startFailed,
  type Machine, type Privilege,
} from '../scripts/preflight-plan.mjs';

const ROOT: Privilege = { root: true, sudo: false };
const SUDO: Privilege = { root: false, sudo: true };
const NOBODY: Privilege = { root: false, sudo: false };
const defaults = readSettings({});
const machine: Machine = { pgClusters: [{ version: '15', port: 5432 }], pgCtlcluster: true, natsServer: true };

describe('preflight settings', () => {
  it('Given no variables, Then Debian chromium and the machine services 127.0.0.1:5432 (user postgres, database test) and :4222', () => {
    expect(defaults).toMatchObject({ chromium: DEBIAN_CHROMIUM, chromiumFromEnv: false, noInstall: false });
    expect(defaults.pg).toMatchObject({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
    expect(defaults.nats).toMatchObject({ host: '127.0.0.1', port: 4222, user: '', pass: '' });
  });

  it('reads CHROMIUM_PATH, RECKON_NO_INSTALL and the service URLs (user, password, database, IPv6 host); a password is never shown', () => {
    const s = readSettings({
      CHROMIUM_PATH: '/opt/chrome/chrome', RECKON_NO_INSTALL: '1',
      RECKON_PG_URL: 'postgresql://ana@[::1]:6543/journals', RECKON_NATS_URL: 'nats://u:p%40ss@nats.internal',
    });
    expect(s).toMatchObject({ chromium: '/opt/chrome/chrome', chromiumFromEnv: true, noInstall: true });
    expect(s.pg).toMatchObject({ host: '::1', port: 6543, user: 'ana', database: 'journals' });
    expect(s.nats).toMatchObject({ host: 'nats.internal', port: 4222, user: 'u', pass: 'p@ss' });
    expect(s.nats.url).toBe('nats://u:***@nats.internal');
    expect(readSettings({ RECKON_PG_URL: 'postgres://ana:s3cret@db:5432/x' }).pg.url).toBe('postgres://ana:***@db:5432/x');
    expect(readSettings({ RECKON_NO_INSTALL: '0' }).noInstall).toBe(false);
    expect(readSettings({ RECKON_NO_INSTALL: '' }).noInstall).toBe(false);
  });

  it('CHROMIUM_PATH set to the Debian path is the Debian browser (installable), not a user-supplied one', () => {
    expect(readSettings({ CHROMIUM_PATH: DEBIAN_CHROMIUM }).chromiumFromEnv).toBe(false);
  });

  it('refuses a value it cannot use, naming the variable and the value', () => {
    expect(() => readSettings({ RECKON_NO_INSTALL: 'yes' })).toThrow('RECKON_NO_INSTALL: "yes" is neither 1 nor 0');
    expect(() => readSettings({ RECKON_PG_URL: '127.0.0.1:5432' })).toThrow('RECKON_PG_URL: "127.0.0.1:5432" is not a postgres://USER@HOST:PORT/DATABASE URL');
    expect(() => readSettings({ RECKON_PG_URL: 'mysql://root@127.0.0.1:3306/test' })).toThrow(/^RECKON_PG_URL: "mysql:.*" is not a postgres:/);
    expect(() => readSettings({ RECKON_NATS_URL: 'http://127.0.0.1:4222' })).toThrow('RECKON_NATS_URL: "http://127.0.0.1:4222" is not a nats://[USER:PASSWORD@]HOST:PORT URL');
  });
});

describe('preflight: Node version', () => {
  it.each(['20.19.0', '20.20.2', '22.1.0', '24.0.0'])('accepts %s', (v) => expect(nodeProblem(v)).toBeNull());
  it.each(['20.18.9', '18.20.0', '19.99.0'])('refuses %s with one line naming the minimum', (v) => {
    expect(nodeProblem(v)).toBe(`preflight: Node 20.19.0 or newer is needed, this is ${v}`);
  });
});

describe('preflight: the browser', () => {
  const apt = true;
  it('Given an executable browser, Then it is used and nothing is installed', () => {
    expect(planBrowser(defaults, { executable: true, privilege: NOBODY, apt: false })).toEqual({ do: 'use' });
  });

  it('Given no /usr/bin/chromium, root and apt, Then apt-get install -y chromium as is', () => {
    expect(planBrowser(defaults, { executable: false, privilege: ROOT, apt })).toEqual({ do: 'install', prefix: [], display: 'apt-get install -y chromium' });
  });

  it('Given no /usr/bin/chromium and passwordless sudo, Then the install goes through sudo -n', () => {
    expect(planBrowser(defaults, { executable: false, privilege: SUDO, apt })).toEqual({ do: 'install', prefix: ['sudo', '-n'], display: 'sudo apt-get install -y chromium' });
  });

  it('Given RECKON_NO_INSTALL=1, Then nothing is installed and one line names the command and CHROMIUM_PATH', () => {
    const plan = planBrowser(readSettings({ RECKON_NO_INSTALL: '1' }), { executable: false, privilege: ROOT, apt });
    expect(plan).toEqual({ do: 'fail', line: 'preflight: no Chromium at /usr/bin/chromium for the browser tests (RECKON_NO_INSTALL=1: nothing installed): run `apt-get install -y chromium`, or set CHROMIUM_PATH to an existing Chromium' });
  });

  it('Given a user who may not install, Then the line gives the sudo command for an administrator', () => {
    const plan = planBrowser(defaults, { executable: false, privilege: NOBODY, apt });
    expect(plan.do).toBe('fail');
    expect(plan.do === 'fail' && plan.line).toMatch(/may not install packages: have an administrator run `sudo apt-get install -y chromium`, or set CHROMIUM_PATH/);
  });

  it('Given no apt-get, Then the line asks for a Chromium and CHROMIUM_PATH', () => {
    const plan = planBrowser(defaults, { executable: false, privilege: ROOT, apt: false });
    expect(plan.do === 'fail' && plan.line).toMatch(/no apt-get on this machine: install Chromium and set CHROMIUM_PATH to it$/);
  });

  it('Given CHROMIUM_PATH at a missing file, Then it never installs (the tests would still launch CHROMIUM_PATH), even as root', () => {
    const plan = planBrowser(readSettings({ CHROMIUM_PATH: '/nonexistent' }), { executable: false, privilege: ROOT, apt });
    expect(plan).toEqual({ do: 'fail', line: 'preflight: CHROMIUM_PATH=/nonexistent is not an executable: set CHROMIUM_PATH to an existing Chromium, or unset it and run `apt-get install -y chromium` for /usr/bin/chromium' });
  });
});

describe('preflight: which services it may start', () => {
  it('starts the machine PostgreSQL cluster whose configured port is the one asked for', () => {
    const m: Machine = { ...machine, pgClusters: [{ version: '14', port: 5433 }, { version: '15', port: 5432 }] };
    expect(startCommand(defaults.pg, m)).toEqual(['pg_ctlcluster', '--skip-systemctl-redirect', '15', 'main', 'start']);
    expect(startCommand(readSettings({ RECKON_PG_URL: 'postgres://localhost:5433/test' }).pg, m)).toEqual(['pg_ctlcluster', '--skip-systemctl-redirect', '14', 'main', 'start']);
  });

  it('starts the machine NATS only for loopback port 4222', () => {
    expect(startCommand(defaults.nats, machine)).toEqual(NATS_START);
    expect(NATS_START.join(' ')).toBe('start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log');
  });

  it.each([
    ['another port', 'postgres://127.0.0.1:59999/test', 'nats://127.0.0.1:59998'],
    ['another host', 'postgres://db.internal:5432/test', 'nats://10.0.0.7:4222'],
  ])('never starts anything for %s', (_what, pg, nats) => {
    const s = readSettings({ RECKON_PG_URL: pg, RECKON_NATS_URL: nats });
    expect(startCommand(s.pg, machine)).toBeNull();
    expect(startCommand(s.nats, machine)).toBeNull();
  });

  it('needs the machine commands: no pg_ctlcluster or nats-server, no start', () => {
    const bare: Machine = { pgClusters: [{ version: '15', port: 5432 }], pgCtlcluster: false, natsServer: false };
    expect(startCommand(defaults.pg, bare)).toBeNull();
    expect(startCommand(defaults.nats, bare)).toBeNull();
  });
});

describe('preflight: a service after one probe', () => {
  const pgStart = startCommand(defaults.pg, machine);

  it('Given it answers, Then it is used', () => {
    expect(planService(defaults.pg, { state: 'ready', version: 'PostgreSQL 15.20' }, pgStart, ROOT)).toEqual({ do: 'use' });
  });

  it('Given it is down and may be started, Then the machine command (through sudo -n for a sudoer)', () => {
    const down = { state: 'down', why: 'connection refused' } as const;
    expect(planService(defaults.pg, down, pgStart, ROOT)).toEqual({ do: 'start', argv: pgStart, display: 'pg_ctlcluster --skip-systemctl-redirect 15 main start' });
    expect(planService(defaults.pg, down, pgStart, SUDO)).toMatchObject({ do: 'start', argv: ['sudo', '-n', ...pgStart!] });
  });

  it('Given it is down and this user may not start it, Then one line with the command for an administrator', () => {
    expect(planService(defaults.nats, { state: 'down', why: 'connection refused' }, NATS_START, NOBODY)).toEqual({
      do: 'fail',
      line: `preflight: NATS JetStream at 127.0.0.1:4222 does not answer (connection refused): have an administrator run \`${NATS_START.join(' ')}\`, or set RECKON_NATS_URL to a running server`,
    });
  });

  it('Given it is down and not the machine service, Then one line naming the address and the variable', () => {
    const pg = readSettings({ RECKON_PG_URL: 'postgres://postgres@127.0.0.1:59999/test' }).pg;
    expect(planService(pg, { state: 'down', why: 'connection refused' }, null, ROOT)).toEqual({
      do: 'fail', line: 'preflight: PostgreSQL at 127.0.0.1:59999 does not answer (connection refused): start it, or set RECKON_PG_URL to a running server',
    });
  });

  it('Given it answers but cannot serve the tests, Then it fails at once with the reason (no start)', () => {
    expect(planService(defaults.nats, { state: 'unusable', why: 'JetStream is off (nats-server needs -js)' }, NATS_START, ROOT)).toEqual({
      do: 'fail', line: 'preflight: NATS JetStream at 127.0.0.1:4222 answers, but JetStream is off (nats-server needs -js) (RECKON_NATS_URL=nats://127.0.0.1:4222)',
    });
  });

  it('after a start that did not help, the line names the command, the budget and what the command said', () => {
    expect(startFailed(defaults.pg, 'pg_ctlcluster --skip-systemctl-redirect 15 main start', 30_000, { state: 'down', why: 'connection refused' }, { code: 1, output: 'Error: /var/lib/postgresql/15/main is not accessible' }))
      .toBe('preflight: PostgreSQL at 127.0.0.1:5432 does not answer 30 s after `pg_ctlcluster --skip-systemctl-redirect 15 main start` (connection refused; it exited 1: Error: /var/lib/postgresql/15/main is not accessible); start it, or set RECKON_PG_URL to a running server');
  });
});

describe('preflight: apt progress', () => {
  const fold = (lines: readonly string[]) => {
    let state: AptState = APT_START;
    const said: string[] = [];
    for (const line of lines) {
      const r = aptProgress(state, line);
      state = r.state;
      if (r.say) said.push(r.say);
    }
    return { state, said };
  };
  const eight = (verb: string, from = 1) => Array.from({ length: 8 }, (_, i) => `${verb} libpkg${i + from} (1.0-1) ...`);

  it('says the size of the job, each phase and each quarter of it, not every line', () => {
    const { said } = fold([
      'Reading package lists...', 'Building dependency tree...',
      'The following NEW packages will be installed:', '  chromium libpkg1 libpkg2',
      '0 upgraded, 8 newly installed, 0 to remove and 3 not upgraded.',
      'Need to get 71.2 MB of archives.',
      ...Array.from({ length: 8 }, (_, i) => `Get:${i + 1} http://deb.debian.org/debian bookworm/main amd64 libpkg${i} amd64 1.0-1 [1 kB]`),
      'Fetched 71.2 MB in 3s (23.1 MB/s)',
      ...eight('Unpacking'), ...eight('Setting up'), 'Processing triggers for man-db (2.11.2-2) ...',
    ]);
    expect(said).toEqual([
      'apt: 8 packages to install', 'apt: downloading 71.2 MB',
      'apt: downloading 1/8', 'apt: downloading 2/8', 'apt: downloading 4/8', 'apt: downloading 6/8', 'apt: downloading 8/8',
      'apt: unpacking 1/8', 'apt: unpacking 2/8', 'apt: unpacking 4/8', 'apt: unpacking 6/8', 'apt: unpacking 8/8',
      'apt: setting up 1/8', 'apt: setting up 2/8', 'apt: setting up 4/8', 'apt: setting up 6/8', 'apt: setting up 8/8',
      'apt: processing triggers',
    ]);
  });

  it('on the real reinstall of chromium on this machine (apt-get output as logged), says size, phases and triggers', () => {
    const { said, state } = fold([
      'Reading package lists...', 'Building dependency tree...', 'Reading state information...',
      'Suggested packages:', '  chromium-l10n chromium-shell chromium-driver',
      'The following NEW packages will be installed:', '  chromium',
      'debconf: delaying package configuration, since apt-utils is not installed',
      '0 upgraded, 1 newly installed, 0 to remove and 120 not upgraded.',
      'Need to get 0 B/81.2 MB of archives.',
      'After this operation, 297 MB of additional disk space will be used.',
      'Selecting previously unselected package chromium.',
      '(Reading database ... (Reading database ... 5%(Reading database ... 100%(Reading database ... 117686 files and directories currently installed.)',
      'Preparing to unpack .../chromium_156.0.8078.114-1~deb12u1_amd64.deb ...',
      'Unpacking chromium (156.0.8078.114-1~deb12u1) ...',
      'Setting up chromium (156.0.8078.114-1~deb12u1) ...',
      'update-alternatives: using /usr/bin/chromium to provide /usr/bin/x-www-browser (x-www-browser) in auto mode',
      'Processing triggers for man-db (2.11.2-2) ...',
      'Processing triggers for hicolor-icon-theme (0.17-2) ...',
    ]);
    expect(said).toEqual(['apt: 1 package to install', 'apt: downloading 0 B/81.2 MB', 'apt: unpacking 1/1', 'apt: setting up 1/1', 'apt: processing triggers']);
    expect(state).toMatchObject({ phase: 'processing triggers', total: 1, unpack: 1, configure: 1, triggers: 2, error: '' });
  });

  it('keeps apt\'s last error for the failure line', () => {
    expect(fold(['E: Unable to locate package chromium']).state.error).toBe('Unable to locate package chromium');
  });

  it('without a known total, says every tenth package', () => {
    const { said } = fold(Array.from({ length: 25 }, (_, i) => `Setting up libpkg${i} (1.0) ...`));
    expect(said).toEqual(['apt: setting up 1', 'apt: setting up 10', 'apt: setting up 20']);
  });
});
