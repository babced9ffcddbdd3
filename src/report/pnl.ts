/**
 * P&L as a pure fold over journal records plus last prices, the one definition the summary, the
 * report and the console API (`GET /api/pnl`) share. Average-cost method, exact integers
 * (fixed-point money at 6 decimals; BigInt only for the cost share of a reduction):
 *
 * - fills (S05 fill / partial_fill of orders we sent, de-duplicated by execId) move the book:
 *   adding to a position adds its notional to the cost; reducing realises (fill price − average
 *   cost) × quantity; a fill through zero closes, then opens the rest at the fill price;
 * - fees are charged when paid: realised P&L is net of every fee of the instrument, fees are
 *   shown beside it;
 * - an S06 adjustment (provider truth wins: expected := confirmed) moves the book at price 0 —
 *   no cash changed hands, so the whole value of a position that appeared (or vanished) shows in
 *   P&L, beside the POSITION_DRIFT incident that always comes with it;
 * - unrealised = position × last price − cost (0 without a last price: valued at cost).
 *
 * So equity = starting cash + realised + unrealised exactly, and cash = starting cash − bought +
 * sold − fees, the same cash the engine keeps; at the end of a replay the book's equity is the
 * run's ending equity.
 */
import { decimalsOf, formatFixed, formatSigned, MONEY_SCALE, mulExact, parseFixed, pow10, divRound, tryParseFixed } from '../domain/fixed-point.js';
import type { JournalRecord } from '../records/records.js';

export interface Scales { readonly priceScale: number; readonly sizeScale: number }

interface Position {
  readonly account: string;
  readonly instrument: string;
  scales: Scales;
  /** False while the scales came from an adjustment (which carries no price). */
  priceKnown: boolean;
  /** Signed, at sizeScale. */
  qty: number;
  /** Signed cost of the open position, money units. */
  cost: number;
  /** Realised before fees, money units. */
  gross: number;
  fees: number;
  fills: number;
}

export interface PnlFigures {
  readonly realized: string;
  readonly unrealized: string;
  readonly fees: string;
  /** realized + unrealized */
  readonly total: string;
  readonly marketValue: string;
}

export interface PnlRow extends PnlFigures {
  readonly account: string;
  readonly instrument: string;
  readonly position: string;
  /** Average cost of the open position (price decimals + 2); null when flat. */
  readonly averagePrice: string | null;
  readonly lastPrice: string | null;
  readonly fills: number;
}

export interface PnlTotals extends PnlFigures {
  /** Null when the starting cash is not known (a journal read without its config or summary). */
  readonly startingCash: string | null;
  readonly cash: string | null;
  readonly equity: string | null;
}

export interface PnlView {
  readonly method: 'average-cost';
  /** Seq of the last record folded. */
  readonly asOfSeq: number;
  readonly rows: readonly PnlRow[];
  readonly accounts: readonly (PnlTotals & { readonly account: string })[];
  readonly total: PnlTotals;
}

/** Half away from zero, for the cost share of a reduction (the product may pass 2^53). */
function divRoundBig(a: bigint, b: bigint): number {
  const q = a / b;
  const r = a % b;
  const twice = (r < 0n ? -r : r) * 2n;
  return Number(twice >= b ? q + (a < 0n ? -1n : 1n) : q);
}

const money = (m: number) => formatFixed(m, MONEY_SCALE);

export class PnlBook {
  private readonly positions = new Map<string, Position>();
  private readonly cashFlow = new Map<string, number>();
  private readonly orders = new Set<string>();
  private readonly execIds = new Set<string>();
  private lastSeq = 0;

  /**
   * @param startingCash money units per account (accounts not listed have an unknown start)
   * @param scales per instrument id; an instrument not listed takes them from its first fill's decimals
   *
   * @example
   * const book = new PnlBook(new Map([['acct-1', 1_000_000_000_000]]), new Map([['FIX-ALPHA', { priceScale: 2, sizeScale: 0 }]]));
   * for (const r of records) book.add(r);
   * book.view((id) => lastClose.get(id) ?? null).total.equity // '1000123.450000'
   */
  constructor(private readonly startingCash: ReadonlyMap<string, number> = new Map(), private readonly scales: ReadonlyMap<string, Scales> = new Map()) {}

  /** Folds one record (call in seq order; anything but S04, S05 fills and S06 adjustments is ignored). */
  add = (r: JournalRecord): void => {
    this.lastSeq = r.seq;
    if (r.instrument === null) return;
    if (r.type === 'S04.order') {
      if (r.payload.kind !== 'cancel') this.orders.add(r.payload.clientOrderId);
    } else if (r.type === 'S05.provider') {
      const p = r.payload;
      if (p.kind !== 'fill' && p.kind !== 'partial_fill') return;
      // A fill of an order we never sent is not ours (the engine's cash ignores it too): reconciliation shows the drift.
      if (this.execIds.has(p.execId) || !this.orders.has(p.clientOrderId)) return;
      this.execIds.add(p.execId);
      const pos = this.position(r.account, r.instrument, { priceScale: decimalsOf(p.lastPrice), sizeScale: decimalsOf(p.lastQty) }, true);
      const qty = parseFixed(p.lastQty, pos.scales.sizeScale, 'fill quantity');
      const price = parseFixed(p.lastPrice, pos.scales.priceScale, 'fill price');
      const fee = parseFixed(p.fee, MONEY_SCALE, 'fee');
      const signed = p.side === 'buy' ? qty : -qty;
      this.trade(pos, signed, price);
      pos.fees += fee;
      pos.fills++;
      this.cashFlow.set(r.account, (this.cashFlow.get(r.account) ?? 0) - Math.sign(signed) * this.notional(pos.scales, price, qty) - fee);
    } else if (r.type === 'S06.reconciliation' && r.payload.kind === 'adjustment') {
      const pos = this.position(r.account, r.instrument, { priceScale: 0, sizeScale: decimalsOf(r.payload.confirmed) }, false);
      const target = parseFixed(r.payload.confirmed, pos.scales.sizeScale, 'adjusted position');
      if (target !== pos.qty) this.trade(pos, target - pos.qty, 0);
    }
  };

  private position(account: string, instrument: string, fallback: Scales, hasPrice: boolean): Position {
    const key = account + '|' + instrument;
    let p = this.positions.get(key);
    if (!p) {
      const known = this.scales.get(instrument);
      p = { account, instrument, scales: known ?? fallback, priceKnown: known !== undefined || hasPrice, qty: 0, cost: 0, gross: 0, fees: 0, fills: 0 };
      this.positions.set(key, p);
    } else if (!p.priceKnown && hasPrice) {
      // Adjustments trade at price 0, so nothing booked so far depends on the price scale.
      p.scales = { priceScale: fallback.priceScale, sizeScale: p.scales.sizeScale };
      p.priceKnown = true;
    }
    return p;
  }

  private notional(s: Scales, price: number, qty: number): number {
    return mulExact(mulExact(price, qty), pow10(MONEY_SCALE - s.priceScale - s.sizeScale));
  }

  /** Average cost: adds extend the cost, reductions realise against it, a flip opens the rest. */
  private trade(p: Position, signed: number, price: number): void {
    const dir = Math.sign(signed);
    let left = Math.abs(signed);
    if (p.qty !== 0 && Math.sign(p.qty) !== dir) {
      const closed = Math.min(left, Math.abs(p.qty));
      const costClosed = closed === Math.abs(p.qty) ? p.cost : divRoundBig(BigInt(p.cost) * BigInt(closed), BigInt(Math.abs(p.qty)));
      p.gross += Math.sign(p.qty) * this.notional(p.scales, price, closed) - costClosed;
      p.cost -= costClosed;
      p.qty += dir * closed;
      left -= closed;
    }
    if (left > 0) {
      p.qty += dir * left;
      p.cost += dir * this.notional(p.scales, price, left);
    }
  }

  /**
   * P&L now, at the given last prices (exact decimal strings per instrument id; null when none);
   * `startingCash` overrides the constructor's (a report learns it only at the end).
   *
   * @example
   * book.view((id) => fmtPrice(instrumentById.get(id)!, engine.lastPrice[instrumentById.get(id)!.index]!))
   */
  view(lastPrice: (instrumentId: string) => string | null, startingCash: ReadonlyMap<string, number> = this.startingCash): PnlView {
    const rows: PnlRow[] = [];
    const sums = new Map<string, { realized: number; unrealized: number; fees: number; value: number }>();
    const sorted = [...this.positions.values()].sort((a, b) => (a.account + '|' + a.instrument < b.account + '|' + b.instrument ? -1 : 1));
    for (const p of sorted) {
      const lastText = lastPrice(p.instrument);
      // Only adjustments so far (no fill told the price scale): the last price's own decimals are it.
      const sc = p.priceKnown || lastText === null ? p.scales : { priceScale: decimalsOf(lastText), sizeScale: p.scales.sizeScale };
      const last = lastText === null ? undefined : tryParseFixed(lastText, sc.priceScale);
      const value = last === undefined ? p.cost : Math.sign(p.qty) * this.notional(sc, last, Math.abs(p.qty));
      const unrealized = value - p.cost;
      const realized = p.gross - p.fees;
      const unit = pow10(MONEY_SCALE - sc.priceScale - sc.sizeScale);
      rows.push({
        account: p.account, instrument: p.instrument, position: formatSigned(p.qty, sc.sizeScale),
        averagePrice: p.qty === 0 ? null : formatFixed(divRound(Math.abs(p.cost) * 100, Math.abs(p.qty) * unit), sc.priceScale + 2),
        lastPrice: last === undefined ? null : formatFixed(last, sc.priceScale), fills: p.fills,
        realized: money(realized), unrealized: money(unrealized), fees: money(p.fees), total: money(realized + unrealized), marketValue: money(value),
      });
      const s = sums.get(p.account) ?? { realized: 0, unrealized: 0, fees: 0, value: 0 };
      s.realized += realized; s.unrealized += unrealized; s.fees += p.fees; s.value += value;
      sums.set(p.account, s);
    }
    const accountIds = [...new Set([...startingCash.keys(), ...sums.keys()])].sort();
    const all = { realized: 0, unrealized: 0, fees: 0, value: 0, start: 0, cash: 0 };
    let known = accountIds.length > 0;
    const accounts = accountIds.map((account) => {
      const s = sums.get(account) ?? { realized: 0, unrealized: 0, fees: 0, value: 0 };
      const start = startingCash.get(account);
      const cash = start === undefined ? undefined : start + (this.cashFlow.get(account) ?? 0);
      all.realized += s.realized; all.unrealized += s.unrealized; all.fees += s.fees; all.value += s.value;
      if (start === undefined || cash === undefined) known = false;
      else { all.start += start; all.cash += cash; }
      return { account, ...totals(s, start, cash) };
    });
    return {
      method: 'average-cost', asOfSeq: this.lastSeq, rows, accounts,
      total: totals(all, known ? all.start : undefined, known ? all.cash : undefined),
    };
  }
}

function totals(s: { realized: number; unrealized: number; fees: number; value: number }, start: number | undefined, cash: number | undefined): PnlTotals {
  return {
    realized: money(s.realized), unrealized: money(s.unrealized), fees: money(s.fees), total: money(s.realized + s.unrealized), marketValue: money(s.value),
    startingCash: start === undefined ? null : money(start), cash: cash === undefined ? null : money(cash),
    equity: cash === undefined ? null : money(cash + s.value),
  };
}
