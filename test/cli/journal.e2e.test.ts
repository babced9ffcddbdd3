/**
 * `reckon journal verify|export` and CLI failures as a user meets them: anchoring a run through
 * its directory and summary.json, the keyed chain through RECKON_JOURNAL_KEY, a finished journal
 * as one file, a truncated file, a full disk, and a reader that stops early (`| head`).
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSampleBars } from '../../src/marketdata/sample.js';
import { BIN, ROOT, tempDir } from '../support/cli.js';

const KEY = 'an operator key of at least 16 bytes';
let dir: string;
let data: string;

function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, RECKON_JOURNAL_KEY: '', ...env }, maxBuffer: 1 << 28 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const sh = (script: string) => spawnSync('bash', ['-c', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, RECKON_JOURNAL_KEY: '' } });
const summaryOf = (out: string) => JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { journal: { lastSeq: number; headHash: string } };

/** Appends a forged record with a recomputed (unkeyed) hash and moves the recorded head: what an attacker with the file can do. */
function appendForged(journal: string): void {
  const db = new Database(journal);
  for (const t of db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger'`).pluck().all() as string[]) db.exec(`DROP TRIGGER ${t}`);
  const last = db.prepare('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
  const seq = last.seq + 1;
  const payload = '{"kind":"flag","code":"X","severity":"info","message":"forged","details":{}}';
  const canonical = JSON.stringify([seq, 1, 'S07.operator', 'acc', null, null, null, 1]) + '\n' + payload;
  const hash = spawnSync('bash', ['-c', 'printf "%s" "$1" | sha256sum', '_', `${last.hash}\n${canonical}`], { encoding: 'utf8' }).stdout.slice(0, 64);
  db.prepare(`INSERT INTO journal VALUES (?, 1, 'S07.operator', 'acc', NULL, NULL, NULL, 1, ?, ?)`).run(seq, payload, hash);
  db.prepare('UPDATE journal_head SET seq = ?, hash = ?').run(seq, hash);
  db.close();
}

function copyRun(from: string, to: string): string {
  mkdirSync(to, { recursive: true });
  for (const f of ['journal.db', 'summary.json']) copyFileSync(join(from, f), join(to, f));
  return to;
}

beforeAll(async () => {
  dir = tempDir('reckon-journal-cli-');
  data = join(dir, 'bars.csv');
  await generateSampleBars(data, { barsPerInstrument: 3000 });
  expect(cli(['run', '--data', data, '--out', join(dir, 'plain')]).code).toBe(0);
  expect(cli(['run', '--data', data, '--out', join(dir, 'keyed')], { RECKON_JOURNAL_KEY: KEY }).code).toBe(0);
}, 120_000);

afterAll(() => {
  spawnSync('umount', [join(dir, 'full')]);
});

describe('reckon journal verify: anchors', () => {
  it('a finished run directory has one journal file (no -wal/-shm, no lock) and its head file, and verifies against its summary.json', () => {
    const run = join(dir, 'plain');
    expect(readdirSync(run).filter((f) => f.startsWith('journal.db')).sort()).toEqual(['journal.db', 'journal.db.head']);
    const r = cli(['journal', 'verify', run]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`anchored by: ${join(run, 'summary.json')} (seq ${summaryOf(run).journal.lastSeq})`);
    expect(r.stdout).toContain('chain: format 2, unkeyed (SHA-256)');
    expect(readdirSync(run).filter((f) => f.startsWith('journal.db')).sort()).toEqual(['journal.db', 'journal.db.head']); // readers leave nothing either
  });

  it('a forged record appended with a recomputed hash passes the bare chain but not the summary or --expect-head', () => {
    const run = copyRun(join(dir, 'plain'), join(dir, 'forged'));
    const { lastSeq, headHash } = summaryOf(run).journal;
    appendForged(join(run, 'journal.db'));
    const bare = cli(['journal', 'verify', join(run, 'journal.db')]);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toContain('not anchored');
    for (const args of [[run], [join(run, 'journal.db'), '--expect-head', join(run, 'summary.json')], [join(run, 'journal.db'), '--expect-head', `${lastSeq}:${headHash}`]]) {
      const r = cli(['journal', 'verify', ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(`BROKEN at seq ${lastSeq + 1}: seq ${lastSeq + 1} added after the head`);
    }
    // Repeatable: an older anchor plus growth allowed passes and says what is not covered.
    const grown = cli(['journal', 'verify', join(run, 'journal.db'), '--expect-head', `${lastSeq}:${headHash}`, '--allow-growth']);
    expect(grown.code).toBe(0);
    expect(grown.stdout).toContain(`note: seq ${lastSeq + 1} not covered by --expect-head ${lastSeq}:`);
    const wrong = cli(['journal', 'verify', join(run, 'journal.db'), '--expect-head', `3:${'0'.repeat(64)}`, '--expect-head', `${lastSeq}:${headHash}`, '--allow-growth']);
    expect([wrong.code, wrong.stderr]).toEqual([1, expect.stringContaining('BROKEN at seq 3: seq 3: hash differs from --expect-head 3:000000000000…')]);
    expect(cli(['journal', 'verify', run, '--expect-head', '12:abc']).code).toBe(2);
  });
});

describe('reckon journal verify: keyed chain (RECKON_JOURNAL_KEY)', () => {
  it('a run with the key writes a keyed journal; verifying it needs the key (exit 2 without), and checks with it', () => {
    const run = join(dir, 'keyed');
    const without = cli(['journal', 'verify', run]);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/^reckon: .*journal is keyed \(HMAC-SHA256, key id [0-9a-f]{16}\): set RECKON_JOURNAL_KEY to verify it\n$/);
    const withKey = cli(['journal', 'verify', run], { RECKON_JOURNAL_KEY: KEY });
    expect(withKey.code, withKey.stderr).toBe(0);
    expect(withKey.stdout).toContain('keyed (HMAC-SHA256)');
    const wrong = cli(['journal', 'verify', run], { RECKON_JOURNAL_KEY: 'not the key, but long enough' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('(wrong key?)');
    // Trace and export read it without the key.
    expect(cli(['journal', 'export', join(run, 'journal.db'), '--from', '5']).stdout.split('\n')[0]).toMatch(/^\{"seq":5,/);
  });

  it('a forged record without the key fails with the key alone, no anchor needed', () => {
    const run = copyRun(join(dir, 'keyed'), join(dir, 'keyed-forged'));
    appendForged(join(run, 'journal.db'));
    const r = cli(['journal', 'verify', join(run, 'journal.db')], { RECKON_JOURNAL_KEY: KEY });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`BROKEN at seq ${summaryOf(run).journal.lastSeq + 1}: `);
  });

  it('an unkeyed journal does not pass as keyed when the key is set', () => {
    const r = cli(['journal', 'verify', join(dir, 'plain')], { RECKON_JOURNAL_KEY: KEY });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('journal is not keyed');
  });
});

describe('CLI failures are one line with the documented exit code', () => {
  it('journal verify on a byte-truncated file: BROKEN, exit 1, no stack trace', () => {
    const journal = join(dir, 'truncated.db');
    copyFileSync(join(dir, 'plain', 'journal.db'), journal);
    truncateSync(journal, 20_000);
    const r = cli(['journal', 'verify', journal]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/BROKEN at seq \d+: .*(damaged|corrupt|malformed)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('export | head and incident list | head end quietly with exit 0', () => {
    const faulty = join(dir, 'faulty');
    expect(cli(['run', '--data', data, '--out', faulty, '--faults', 'external-position-change:0.5,reject:0.3']).code).toBe(0);
    expect(cli(['incident', 'list', '--journal', join(faulty, 'journal.db')]).stdout.split('\n').length).toBeGreaterThan(100);
    // `true` has closed the pipe before the first write (EPIPE for sure); `head -1` leaves after one line.
    for (const reader of ['true', 'head -1 >/dev/null']) {
      for (const command of [`journal export ${faulty}/journal.db`, `incident list --journal ${faulty}/journal.db`]) {
        const r = sh(`node ${BIN} ${command} 2>err.txt | ${reader}; echo "exit=\${PIPESTATUS[0]}"; cat err.txt; rm -f err.txt`);
        expect(r.stdout, `${command} | ${reader}`).toBe('exit=0\n');
      }
    }
  });

  const canMount = spawnSync('bash', ['-c', 'test "$(id -u)" = 0 && command -v mount >/dev/null']).status === 0;
  it.skipIf(!canMount)('a full disk during a run: one line, exit 1 (a 1 MiB tmpfs)', () => {
    const full = join(dir, 'full');
    mkdirSync(full);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', full]);
    if (mounted.status !== 0) throw new Error(`mount failed: ${mounted.stderr}`);
    try {
      const r = cli(['run', '--data', data, '--out', join(full, 'out')]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(/^reckon: .*(disk is full|ENOSPC|no space left)/i);
    } finally {
      spawnSync('umount', [full]);
    }
  });
});
