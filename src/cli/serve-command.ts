/**
 * `reckon serve`: paper trading with the live operator console on http://127.0.0.1:7400.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { ReckonError } from '../domain/errors.js';
import { parseFixed } from '../domain/fixed-point.js';
import { loadConfigFile } from '../config/load.js';
import { withFaultIdentity } from '../engine/replay.js';
import { setLockInfo } from '../journal/lock.js';
import { SqliteJournal } from '../journal/sqlite.js';
import { verifyJournal } from '../journal/verify.js';
import { liveProvider } from '../live/provider.js';
import { parseFaultSpec } from '../provider/sim/fault-plan.js';
import { FAULT_KINDS } from '../records/records.js';
import { FIXTURE_INSTRUMENTS } from '../config/fixture-instruments.js';
import { CsvFeed, SyntheticFeed, type Feed } from '../live/feed.js';
import { LiveRunner } from '../live/live-runner.js';
import { buildServer, loadConsoleHtml } from '../api/server.js';
import { TokenAuth } from '../api/auth.js';
import { hostName } from '../api/host-policy.js';
import type { Io } from './main.js';

export const LIVE_CONFIG_PATH = fileURLToPath(new URL('../../config/live.json', import.meta.url));
const CONSOLE_HTML = fileURLToPath(new URL('../../web/dist/console.html', import.meta.url));

interface ServeFlags { faults?: string; config?: string; journal: string; host: string; allowHost: string[]; port: string; seed?: string; data?: string; speed: string; barMs: string; staleMs: string }

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export function registerServeCommand(program: Command, io: Io): void {
  program.command('serve')
    .description('Paper trading in wall-clock time with the live operator console and HTTP API.')
    .option('--config <file>', 'run config (JSON); default: config/live.json')
    .option('--journal <path>', 'journal file (an existing one is resumed)', 'out/serve/journal.db')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--allow-host <name>', 'also answer requests whose Host is this name (a proxy or DNS name; repeatable)', (v: string, all: string[]) => [...all, v], [])
    .option('--port <port>', 'port (0 = any free port)', '7400')
    .option('--seed <n>', 'seed of the synthetic feed, the faults and seeded decisions')
    .option('--faults <spec>', `inject faults in the simulated venue: KIND:PROB[,KIND:PROB...] with KIND one of ${FAULT_KINDS.join(', ')}`)
    .option('--data <file>', 'replay this CSV at --speed instead of the synthetic feed')
    .option('--speed <factor>', 'replay speed factor for --data', '60')
    .option('--bar-ms <ms>', 'synthetic feed: one bar per instrument every this many ms', '1000')
    .option('--stale-ms <ms>', 'market data older than this raises STALE_MARKET_DATA', '10000')
    .action(async (flags: ServeFlags) => {
      const num = (name: string, text: string, min: number) => {
        if (!/^\d+$/.test(text) || Number(text) < min) throw new ReckonError('USAGE', `--${name}: "${text}" is not an integer >= ${min}`);
        return Number(text);
      };
      for (const name of flags.allowHost) if (hostName(name) === null) throw new ReckonError('USAGE', `--allow-host ${name}: not a host name or IP address (the name only, without scheme or port)`);
      const seed = flags.seed === undefined ? undefined : num('seed', flags.seed, 0);
      let cfg = loadConfigFile(flags.config ?? LIVE_CONFIG_PATH, seed);
      const faults = flags.faults === undefined ? undefined : parseFaultSpec(flags.faults, cfg.seed);
      if (faults) cfg = withFaultIdentity(cfg, faults);
      const env = { ...process.env };
      let generated: string | null = null;
      let auth = TokenAuth.from(cfg.raw.serve?.tokens ?? [], env);
      if (!LOOPBACK.test(flags.host) && !auth.configured) {
        throw new ReckonError('USAGE', `--host ${flags.host} is not loopback: configure tokens (serve.tokens in the config, or RECKON_VIEWER_TOKEN / RECKON_OPERATOR_TOKEN) before exposing the API`);
      }
      if (!auth.configured) {
        // Loopback without configured tokens: a one-time operator token, shown once, only here.
        generated = randomBytes(16).toString('hex');
        auth = TokenAuth.from([], { RECKON_OPERATOR_TOKEN: generated });
      }
      const journalPath = resolve(flags.journal);
      mkdirSync(dirname(journalPath), { recursive: true });
      // Live mode: the wall clock is the event clock, entering here and only here.
      // eslint-disable-next-line no-restricted-properties
      const clock = () => Date.now();
      const feed: Feed = flags.data
        ? new CsvFeed(flags.data, cfg.instrumentById, num('speed', flags.speed, 1), clock)
        : new SyntheticFeed(cfg.instruments,
          new Map(FIXTURE_INSTRUMENTS.filter((f) => cfg.instrumentById.has(f.id)).map((f) => [f.id, parseFixed(f.startPrice, cfg.instrumentById.get(f.id)!.priceScale)])),
          new Map(FIXTURE_INSTRUMENTS.filter((f) => cfg.instrumentById.has(f.id)).map((f) => [f.id, parseFixed(f.typicalVolume, cfg.instrumentById.get(f.id)!.sizeScale)])),
          cfg.seed, num('bar-ms', flags.barMs, 10), clock);
      const port = num('port', flags.port, 0);
      if (port > 65_535) throw new ReckonError('USAGE', `--port ${port}: not a TCP port (0-65535)`);
      if (existsSync(journalPath)) {
        const v = verifyJournal(journalPath);
        if (!v.ok) throw new ReckonError('JOURNAL_INTEGRITY', `${journalPath}: journal broken at seq ${v.firstBadSeq}: ${v.reason}`);
      }
      // The single writer of this journal from here on; nothing is written before the port is bound.
      const journal = SqliteJournal.open(journalPath, { durability: cfg.raw.journal.durability ?? 'full', batchSize: cfg.raw.journal.batchSize, anchor: 'head-file' });
      let provider;
      let live;
      let app;
      let address: string;
      try {
        provider = liveProvider(cfg, { journalPath, ...(faults ? { faults } : {}) });
        live = LiveRunner.open({ config: cfg, journal, feed, clock, gateway: provider.gateway, staleAfterMs: num('stale-ms', flags.staleMs, 100),
          startupMessages: provider.startupMessages, ...(provider.connectFaults ? { connectFaults: provider.connectFaults } : {}) });
        app = await buildServer({ live, auth, consoleHtml: loadConsoleHtml(CONSOLE_HTML), allowedHosts: [flags.host, ...flags.allowHost].filter((h) => hostName(h) !== null) });
        address = await app.listen({ host: flags.host, port }).catch((e: NodeJS.ErrnoException) => {
          throw new ReckonError('USAGE', `cannot listen on ${flags.host}:${port}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : e.code ?? e.message}`);
        });
      } catch (e) {
        await app?.close();
        journal.closeSync();
        throw e;
      }
      const url = address.replace('[::1]', 'localhost');
      // Other commands that would write this journal (reckon incident ack) find the API here.
      setLockInfo(journalPath, { api: url });
      await live.start();
      io.err(`reckon serve: ${feed.description}; provider: ${provider.description}\n`);
      io.err(`journal ${journalPath} (${live.restoredRecords} records restored); routing starts once the startup reconciliation has answered\n`);
      io.out(generated
        ? `console: ${url}/#token=${generated}\n(one-time operator token for this session; set RECKON_OPERATOR_TOKEN / RECKON_VIEWER_TOKEN or serve.tokens to choose your own)\n`
        : `console: ${url}/ (sign in with your token)\n`);
      await new Promise<void>((done) => {
        const stop = () => { void app.close().then(() => live.stop()).then(done); };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
