/**
 * `GET /api/pnl` (viewer or operator): equity, cash, realised and unrealised P&L per instrument
 * and in total, average cost, fees in realised — the fold of src/report/pnl.ts over the live
 * journal at the engine's last prices, the same figures the report shows for a finished run.
 * The book folds the journal once when the route is registered, then every record from the bus
 * (a record the bus skipped, if any, is read back from the journal first), so a request costs
 * only the view.
 */
import type { FastifyInstance, RouteShorthandOptions } from 'fastify';
import type { LiveRunner } from '../live/live-runner.js';
import type { JournalRecord } from '../records/records.js';
import { PnlBook } from '../report/pnl.js';
import { lastPriceText } from '../report/run-folds.js';

/**
 * Registers the route; call it from buildServer (authentication and authorisation are the
 * server's). `options` are the route's (e.g. the server's query-string schema).
 *
 * @example
 * registerPnlRoute(app, live);
 * // GET /api/pnl -> { pnl: { method: 'average-cost', rows: [...], accounts: [...], total: { equity, cash, realized, unrealized, fees, total } } }
 */
export function registerPnlRoute(app: FastifyInstance, live: LiveRunner, options: RouteShorthandOptions = {}): void {
  const cfg = live.config;
  const book = new PnlBook(new Map(cfg.accounts.map((a) => [a.id, a.startingCash])), new Map(cfg.instruments.map((i) => [i.id, i])));
  let seq = 0;
  const fold = (r: JournalRecord) => { book.add(r); seq = r.seq; };
  const catchUp = (until: number) => {
    for (const r of live.journal.readSync(seq + 1)) { if (r.seq > until) break; fold(r); }
  };
  catchUp(Number.MAX_SAFE_INTEGER);
  const off = live.bus.subscribe((r) => {
    if (r.seq <= seq) return;
    if (r.seq > seq + 1) catchUp(r.seq - 1);
    fold(r);
  });
  app.addHook('onClose', async () => off());
  app.get('/api/pnl', options, async () => ({ pnl: book.view(lastPriceText(cfg, live.engine.lastPrice)) }));
}
