/**
 * The report's P&L and what-held-back figures, folded from the journal with the same folds the
 * run's summary uses (src/report/pnl.ts, src/report/held-back.ts): P&L at the last close of
 * prices.csv (else the last decision price), so at the end of a replay it equals summary.json's;
 * restricted time over the span of equity.csv (else of the records). summary.json's heldBack is
 * taken verbatim when present (it knows the configured initial trading states).
 */
import { MONEY_SCALE, parseFixed } from '../domain/fixed-point.js';
import type { JournalRecord } from '../records/records.js';
import { HeldBackFold, type HeldBack } from '../report/held-back.js';
import { PnlBook, type PnlView } from '../report/pnl.js';
import { annualisedCaveat } from '../report/statistics.js';
import type { PriceSeries, RunSummary } from './data-types.js';
import type { EquityRow } from './run-files.js';

export interface ReportFoldsResult {
  readonly pnl: PnlView;
  readonly heldBack: HeldBack;
  /** Null when the annualised figures are meaningful (90 days of data or more). */
  readonly annualisedCaveat: string | null;
}

/** Starting cash per account from summary.json (its P&L section, else its starting equity when the journal has one account). */
function startingCash(summary: RunSummary | null, accounts: ReadonlySet<string>): Map<string, number> {
  const fromPnl = summary?.pnl?.accounts?.filter((a) => a.startingCash !== null) ?? [];
  if (fromPnl.length > 0) return new Map(fromPnl.map((a) => [a.account, parseFixed(a.startingCash!, MONEY_SCALE)]));
  const start = summary?.performance?.startingEquity;
  if (start !== undefined && accounts.size === 1) return new Map([[[...accounts][0]!, parseFixed(start, MONEY_SCALE)]]);
  return new Map();
}

export class ReportFolds {
  private readonly book = new PnlBook();
  private readonly held = new HeldBackFold();
  private readonly accounts = new Set<string>();
  private readonly decisionClose = new Map<string, string>();

  /** Feed every record in seq order. */
  add(r: JournalRecord): void {
    this.held.add(r);
    this.book.add(r);
    if (r.type === 'S04.order' && r.account !== '*') this.accounts.add(r.account);
    else if (r.type === 'S01.intent' && r.instrument && r.payload.bar) {
      this.decisionClose.set(r.instrument, r.payload.bar.close);
    }
  }

  /**
   * @example
   * const folds = new ReportFolds(); for (const r of records) folds.add(r);
   * folds.result({ summary, equity, prices, firstTs, lastTs }).pnl.total.equity
   */
  result(input: { summary: RunSummary | null; equity: readonly EquityRow[] | null; prices: readonly PriceSeries[] | null; firstTs: number | null; lastTs: number }): ReportFoldsResult {
    const last = new Map(this.decisionClose);
    for (const p of input.prices ?? []) if (p.close.length > 0) last.set(p.instrument, p.close[p.close.length - 1]!);
    const eq = input.equity ?? [];
    const start = eq.length > 0 ? eq[0]!.ts : input.firstTs ?? 0;
    const end = eq.length > 0 ? eq[eq.length - 1]!.ts : input.lastTs;
    const days = Math.round(((end - start) / 86_400_000) * 100) / 100;
    return {
      pnl: this.book.view((id) => last.get(id) ?? null, startingCash(input.summary, this.accounts)),
      heldBack: input.summary?.heldBack ?? this.held.result(start, end),
      annualisedCaveat: annualisedCaveat(input.summary?.performance?.periodDays ?? days),
    };
  }
}
