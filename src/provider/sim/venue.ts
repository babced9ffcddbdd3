/**
 * The deterministic simulated venue (DESIGN §7, adapter `sim`). It lives in EVENT time: its only
 * inputs are the calls made on it (requests with their timestamps, bars, polls and queries), so
 * two venues fed the same calls produce identical event streams. No wall clock, no randomness,
 * no I/O.
 *
 * ## When a request takes effect (the exact rule)
 *
 * - `submit` / `replace` / `cancel` called with `ts` become effective at `E = ts + latencyMs`.
 * - The venue keeps ONE queue of pending requests for all instruments, ordered by `(E, arrival)`
 *   (arrival = the order of the calls). With a constant latency and non-decreasing call times this
 *   is simply arrival order.
 * - Every due request (`E <= t`) is processed, in that queue order, as soon as the venue is told
 *   that time `t` has been reached: by `onBar(bar)` with `t = bar.ts` (a bar of ANY instrument:
 *   the venue has a single clock), or by `poll(t)`, `positions(t, ..)`, `openOrders(t, ..)`,
 *   `queryOrder(t, ..)`. Its answer (ack / reject / cancelled / replaced / cancel_reject) is
 *   stamped `ts = E`, whichever call triggered it.
 * - An accepted order may trade only on bars of its instrument with `bar.ts > E` (strictly after
 *   it reached the venue): a market order fills at the open of the first such bar. An order that
 *   becomes effective exactly at a bar's ts therefore misses that bar.
 *
 * Because processing is ordered by `E` and matching is gated on `bar.ts > E`, the event stream
 * does not depend on when (or whether) the caller polls, provided calls are made with
 * non-decreasing timestamps.
 *
 * ## One bar (`onBar`) for instrument X, in this order
 * 1. process every due request (all instruments, see above);
 * 2. expire X's DAY orders accepted on an earlier UTC day than the bar's (`floor(ts / 86_400_000)`);
 * 3. match X's working orders in acceptance order (volume participation cap per order, market at
 *    open ± slippage, limits when the bar's range crosses);
 * 4. expire the remainder of X's IOC orders that had their one matching opportunity on this bar;
 * 5. remember `bar.close` as X's last price (so requests processed at this bar were checked
 *    against the PREVIOUS close).
 *
 * ## Other choices
 * - Every submit that is not a duplicate clOrdID gets a provider order id, rejected ones too, and
 *   stays queryable (status 'rejected'); its clOrdID is then used: the venue never accepts the same
 *   clOrdID twice for an account. A duplicate is rejected with `providerOrderId: null`.
 * - Buying power is checked only at submit, for orders that increase |position|:
 *   `Σ |position| × last close + quantity × reference price > leverage × equity` rejects, with
 *   `equity = cash + Σ position × last close` and reference = limit price, else last close (a
 *   market order on an instrument without a last close is rejected). Working orders are not
 *   counted; replaces are checked for lot / maximum / price but not for buying power.
 * - An instrument without an entry in `maxOrderQty` has no venue maximum.
 * - Replace keeps the order's acceptance time (DAY expiry, trading eligibility) and priority.
 * - An account's positions list an instrument once the venue accepted an order for it.
 */
import { ReckonError } from '../../domain/errors.js';
import { mulExact } from '../../domain/fixed-point.js';
import { feeOf, fmtMoney, fmtPrice, fmtQty, notional } from '../../domain/instrument.js';
import type { Instrument, OrderType, Side, TimeInForce } from '../../domain/types.js';
import type { Bar } from '../../marketdata/bar.js';
import type { ExecutionReport, OrderStatusReport, PositionSnapshot, ProviderOrderStatus } from '../gateway.js';

/** A new order as it reaches the venue (integers at the instrument's scales). */
export interface SubmitRequest {
  readonly account: string;
  readonly instrument: Instrument;
  readonly clientOrderId: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  /** Integer at the instrument's sizeScale, > 0. */
  readonly quantity: number;
  /** Integer at the instrument's priceScale; null for market orders. */
  readonly limitPrice: number | null;
}

/** Cancel/replace: the order known by `origClientOrderId` takes `clientOrderId`, a new total quantity and price. */
export interface ReplaceRequest {
  readonly account: string;
  readonly instrument: Instrument;
  readonly origClientOrderId: string;
  readonly clientOrderId: string;
  /** New total order quantity (includes what is already filled), integer at sizeScale. */
  readonly quantity: number;
  readonly limitPrice: number | null;
}

export interface CancelRequest {
  readonly account: string;
  readonly instrument: Instrument;
  /** The order's current or any earlier client order id. */
  readonly clientOrderId: string;
}

/**
 * One execution report as the venue produced it: the report in integers, plus the venue's own
 * reject code (FIX OrdRejReason / CxlRejReason) and, for a cancel reject, what it answers.
 */
export interface VenueExecution {
  readonly ts: number;
  readonly account: string;
  readonly instrument: Instrument;
  readonly report: ExecutionReport;
  readonly rejectCode: string | null;
  readonly cancelRejectResponseTo: 'cancel' | 'replace' | null;
}

/** Configuration of a {@link SimVenue}. All amounts are fixed-point integers. */
export interface SimVenueConfig {
  /** Order / cancel / replace become effective at ts + latencyMs. */
  latencyMs: number;
  /** Integer bps applied against the taker on market fills, rounded to the tick away from the taker. */
  slippageBps: number;
  /** Max share of a bar's volume one order can fill, e.g. {num: 1, den: 10}. */
  participation: { num: number; den: number };
  /** Fee rate in hundredths of a bp of fill notional. */
  feeCentiBps: number;
  /** Per instrument id, integer at sizeScale; above it => reject. Missing => no maximum. */
  maxOrderQty: ReadonlyMap<string, number>;
  /** Accounts the venue knows, with starting cash in money units (scale 6). */
  accounts: ReadonlyArray<{ id: string; startingCash: number }>;
  /** Buying power = leverage * equity; integer >= 1. */
  leverage: number;
}

type OrderStatus = ProviderOrderStatus;

interface SimOrder {
  /** Acceptance sequence (1-based), the number in the provider order id. */
  readonly seq: number;
  readonly account: string;
  readonly instrument: Instrument;
  readonly providerOrderId: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  /** Time the order reached the venue; it trades only on bars with ts > effectiveAt. */
  readonly effectiveAt: number;
  readonly acceptDay: number;
  clientOrderId: string;
  quantity: number;
  limitPrice: number | null;
  cumQty: number;
  /** Sum of price x quantity over fills (for the average price). */
  fillValue: number;
  status: OrderStatus;
  /** IOC only: had its one matching opportunity. */
  iocDone: boolean;
}

type PendingRequest =
  | { readonly at: number; readonly seq: number; readonly kind: 'submit'; readonly req: SubmitRequest }
  | { readonly at: number; readonly seq: number; readonly kind: 'replace'; readonly req: ReplaceRequest }
  | { readonly at: number; readonly seq: number; readonly kind: 'cancel'; readonly req: CancelRequest }
  | { readonly at: number; readonly seq: number; readonly kind: 'refuse'; readonly req: SubmitRequest; readonly reason: string };

interface AccountState {
  readonly id: string;
  cash: number;
  /** Signed position by instrument index (0 when never traded). */
  readonly pos: number[];
  /** Instrument indices with an accepted order, in first-seen order. */
  readonly seen: number[];
}

const DAY_MS = 86_400_000;

const isOpen = (s: OrderStatus): boolean => s === 'new' || s === 'partially_filled';
const keyOf = (account: string, clOrdId: string): string => account + '\u0000' + clOrdId;

function addExact(a: number, b: number): number {
  const r = a + b;
  if (!Number.isSafeInteger(r)) throw new ReckonError('INVARIANT', `fixed-point overflow: ${a} + ${b}`);
  return r;
}

/** Average fill price at the price scale, rounded half up; null before the first fill. */
function avgPriceOf(o: SimOrder): number | null {
  if (o.cumQty === 0) return null;
  return Math.floor((o.fillValue + Math.floor(o.cumQty / 2)) / o.cumQty);
}

/** floor(a / b) for a >= 0, b > 0, exact for safe integers. */
const floorDiv = (a: number, b: number): number => (a - (a % b)) / b;

function isPosInt(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0;
}

/**
 * A deterministic simulated venue: latency, partial fills capped by bar volume, slippage, fees,
 * buying-power / size / tick / lot / duplicate rejections. It is a pure function of the calls made
 * on it (see the module comment for the exact timing rule).
 *
 * @example
 * const venue = new SimVenue({ latencyMs: 100, slippageBps: 5, participation: { num: 1, den: 10 },
 *   feeCentiBps: 50, maxOrderQty: new Map(), accounts: [{ id: 'A1', startingCash: 1_000_000_000 }], leverage: 1 });
 * venue.onBar(bar0);                       // last close known
 * venue.submit(bar0.ts, { account: 'A1', instrument, clientOrderId: 'c1', side: 'buy',
 *   type: 'market', timeInForce: 'DAY', quantity: 10, limitPrice: null });
 * venue.onBar(bar1);                       // ack at bar0.ts + 100, fill at bar1.open + slippage
 * venue.poll(bar1.ts);                     // [ack, fill]
 */
export class SimVenue {

  private readonly cfg: SimVenueConfig;
  private readonly accounts = new Map<string, AccountState>();
  /** By (account, clOrdID) — current and original clOrdIDs of every order ever recorded. */
  private readonly byClOrdId = new Map<string, SimOrder>();

  /** Dense per-instrument-index tables. */
  private readonly instruments: (Instrument | undefined)[] = [];
  private readonly indexById = new Map<string, number>();
  private readonly last: number[] = [];
  /** Open orders of each instrument, in acceptance order (only open orders). */
  private readonly working: SimOrder[][] = [];

  /** Pending requests sorted by (at, seq); entries before `head` are processed. */
  private pending: PendingRequest[] = [];
  private head = 0;
  private requestSeq = 0;

  private orderSeq = 0;
  private execSeq = 0;
  private outbox: VenueExecution[] = [];

  /** @throws ReckonError CONFIG_INVALID on a malformed config. */
  constructor(cfg: SimVenueConfig) {
    const bad = (msg: string): never => {
      throw new ReckonError('CONFIG_INVALID', `sim venue: ${msg}`);
    };
    if (!Number.isSafeInteger(cfg.latencyMs) || cfg.latencyMs < 0) bad(`latencyMs must be an integer >= 0, got ${cfg.latencyMs}`);
    if (!Number.isSafeInteger(cfg.slippageBps) || cfg.slippageBps < 0) bad(`slippageBps must be an integer >= 0, got ${cfg.slippageBps}`);
    const { num, den } = cfg.participation;
    if (!isPosInt(num) || !isPosInt(den) || num > den) bad(`participation must be num/den with 0 < num <= den, got ${num}/${den}`);
    if (!Number.isSafeInteger(cfg.feeCentiBps) || cfg.feeCentiBps < 0) bad(`feeCentiBps must be an integer >= 0, got ${cfg.feeCentiBps}`);
    if (!isPosInt(cfg.leverage)) bad(`leverage must be an integer >= 1, got ${cfg.leverage}`);
    for (const [id, max] of cfg.maxOrderQty) if (!isPosInt(max)) bad(`maxOrderQty for ${id} must be a positive integer, got ${max}`);
    for (const a of cfg.accounts) {
      if (this.accounts.has(a.id)) bad(`duplicate account ${a.id}`);
      if (!Number.isSafeInteger(a.startingCash)) bad(`startingCash of ${a.id} must be an integer in money units`);
      this.accounts.set(a.id, { id: a.id, cash: a.startingCash, pos: [], seen: [] });
    }
    this.cfg = {
      ...cfg,
      participation: { num, den },
      maxOrderQty: new Map(cfg.maxOrderQty),
      accounts: cfg.accounts.map((a) => ({ ...a })),
    };
  }

  // ------------------------------------------------------------------ requests

  /** Sends a new order; it reaches the venue at ts + latencyMs. */
  submit(ts: number, req: SubmitRequest): void {
    this.enqueue({ at: ts + this.cfg.latencyMs, seq: ++this.requestSeq, kind: 'submit', req: { ...req } });
  }

  /** Sends a cancel/replace (FIX OrderQty semantics: `quantity` is the new total). */
  replace(ts: number, req: ReplaceRequest): void {
    this.enqueue({ at: ts + this.cfg.latencyMs, seq: ++this.requestSeq, kind: 'replace', req: { ...req } });
  }

  /** Sends a cancel for the order known by `clientOrderId` (current or original clOrdID). */
  cancel(ts: number, req: CancelRequest): void {
    this.enqueue({ at: ts + this.cfg.latencyMs, seq: ++this.requestSeq, kind: 'cancel', req: { ...req } });
  }

  /**
   * Fault injection only: the submit reaches the venue at ts + latencyMs and is refused there
   * with `reason`, in order with every other request (no order is booked).
   */
  refuseOnArrival(ts: number, req: SubmitRequest, reason: string): void {
    this.enqueue({ at: ts + this.cfg.latencyMs, seq: ++this.requestSeq, kind: 'refuse', req: { ...req }, reason });
  }

  private enqueue(p: PendingRequest): void {
    if (!Number.isSafeInteger(p.at)) throw new ReckonError('INVARIANT', `sim venue: bad request time ${p.at}`);
    const q = this.pending;
    q.push(p);
    // Keep (at, seq) order; with non-decreasing call times this loop never runs.
    let k = q.length - 1;
    while (k > this.head && q[k - 1]!.at > p.at) {
      q[k] = q[k - 1]!;
      k--;
    }
    q[k] = p;
  }

  /** Processes every pending request with effective time <= t, in (effective time, arrival) order. */
  private processDue(t: number): void {
    const q = this.pending;
    while (this.head < q.length && q[this.head]!.at <= t) {
      const p = q[this.head]!;
      this.head++;
      if (p.kind === 'submit') this.processSubmit(p.at, p.req);
      else if (p.kind === 'replace') this.processReplace(p.at, p.req);
      else if (p.kind === 'cancel') this.processCancel(p.at, p.req);
      else this.emitReject(p.at, p.req.account, this.register(p.req.instrument), p.req.clientOrderId, null, p.req.side, p.req.quantity, p.reason, '99');
    }
    if (this.head === q.length && this.head > 0) {
      this.pending = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > q.length) {
      this.pending = q.slice(this.head);
      this.head = 0;
    }
  }

  private processSubmit(at: number, r: SubmitRequest): void {
    const ins = this.register(r.instrument);
    const key = keyOf(r.account, r.clientOrderId);
    if (this.byClOrdId.has(key)) {
      this.emitReject(at, r.account, ins, r.clientOrderId, null, r.side, r.quantity, 'duplicate clOrdID', '6');
      return;
    }
    const seq = ++this.orderSeq;
    const order: SimOrder = {
      seq,
      account: r.account,
      instrument: ins,
      providerOrderId: 'P' + String(seq).padStart(8, '0'),
      side: r.side,
      type: r.type,
      timeInForce: r.timeInForce,
      effectiveAt: at,
      acceptDay: Math.floor(at / DAY_MS),
      clientOrderId: r.clientOrderId,
      quantity: r.quantity,
      limitPrice: r.limitPrice,
      cumQty: 0,
      fillValue: 0,
      status: 'new',
      iocDone: false,
    };
    this.byClOrdId.set(key, order);
    const reason = this.checkSubmit(r, ins);
    if (reason !== null) {
      order.status = 'rejected';
      this.emitReject(at, r.account, ins, r.clientOrderId, order.providerOrderId, r.side, r.quantity, reason, '99');
      return;
    }
    const acct = this.accounts.get(r.account)!;
    if (acct.pos[ins.index] === undefined) {
      while (acct.pos.length <= ins.index) acct.pos.push(0);
    }
    if (!acct.seen.includes(ins.index)) acct.seen.push(ins.index);
    this.working[ins.index]!.push(order);
    this.emitOrderEvent(at, order, 'ack', null, null);
  }

  /** Reason text when the submit must be rejected, else null. */
  private checkSubmit(r: SubmitRequest, ins: Instrument): string | null {
    const qtyReason = this.checkQuantity(r.quantity, ins);
    if (qtyReason !== null) return qtyReason;
    const pxReason = this.checkPrice(r.type, r.limitPrice, ins);
    if (pxReason !== null) return pxReason;
    const acct = this.accounts.get(r.account);
    if (acct === undefined) return `unknown account ${r.account}`;
    return this.checkBuyingPower(acct, r, ins);
  }

  private checkQuantity(q: number, ins: Instrument): string | null {
    if (!Number.isSafeInteger(q)) return `quantity ${q} is not an integer at size scale ${ins.sizeScale}`;
    if (q <= 0) return `quantity ${fmtQty(ins, q)} must be positive`;
    if (q % ins.lot !== 0) return `quantity ${fmtQty(ins, q)} is not a multiple of lot ${fmtQty(ins, ins.lot)}`;
    const max = this.cfg.maxOrderQty.get(ins.id);
    if (max !== undefined && q > max) return `quantity ${fmtQty(ins, q)} above venue maximum ${fmtQty(ins, max)}`;
    return null;
  }

  private checkPrice(type: OrderType, limit: number | null, ins: Instrument): string | null {
    if (type === 'market') return limit === null ? null : 'market order must not carry a limit price';
    if (limit === null) return 'limit order without limit price';
    if (!Number.isSafeInteger(limit)) return `limit price ${limit} is not an integer at price scale ${ins.priceScale}`;
    if (limit <= 0) return `limit price ${fmtPrice(ins, limit)} must be positive`;
    if (limit % ins.tick !== 0) return `limit price ${fmtPrice(ins, limit)} not on tick ${fmtPrice(ins, ins.tick)}`;
    return null;
  }

  private checkBuyingPower(acct: AccountState, r: SubmitRequest, ins: Instrument): string | null {
    const before = acct.pos[ins.index] ?? 0;
    const after = r.side === 'buy' ? before + r.quantity : before - r.quantity;
    if (Math.abs(after) <= Math.abs(before)) return null;
    const ref = r.limitPrice ?? this.lastOf(ins.index);
    if (ref === undefined) return `no reference price for market order on ${ins.id}`;
    let gross = notional(ins, ref, r.quantity);
    let equity = acct.cash;
    for (const idx of acct.seen) {
      const p = acct.pos[idx] ?? 0;
      if (p === 0) continue;
      const i = this.instruments[idx]!;
      const px = this.lastOf(idx) ?? 0;
      const n = notional(i, px, p);
      gross = addExact(gross, Math.abs(n));
      equity = addExact(equity, n);
    }
    const buyingPower = mulExact(this.cfg.leverage, equity);
    if (gross > buyingPower) {
      return `insufficient buying power: gross exposure ${fmtMoney(gross)} above buying power ${fmtMoney(buyingPower)}`;
    }
    return null;
  }

  private processReplace(at: number, r: ReplaceRequest): void {
    const ins = this.register(r.instrument);
    const order = this.byClOrdId.get(keyOf(r.account, r.origClientOrderId));
    const rejectReplace = (reason: string): void =>
      this.emitCancelReject(at, r.account, order?.instrument ?? ins, r.clientOrderId, r.origClientOrderId, order, reason, 'replace');
    if (order === undefined) return rejectReplace('unknown order');
    if (!isOpen(order.status)) return rejectReplace(`order already ${order.status}`);
    if (order.instrument.id !== ins.id) return rejectReplace(`instrument ${ins.id} does not match order instrument ${order.instrument.id}`);
    if (this.byClOrdId.has(keyOf(r.account, r.clientOrderId))) return rejectReplace('duplicate clOrdID');
    const qtyReason = this.checkQuantity(r.quantity, order.instrument);
    if (qtyReason !== null) return rejectReplace(qtyReason);
    if (r.quantity <= order.cumQty) {
      return rejectReplace(
        `new quantity ${fmtQty(order.instrument, r.quantity)} not above filled quantity ${fmtQty(order.instrument, order.cumQty)}`,
      );
    }
    const pxReason = this.checkPrice(order.type, r.limitPrice, order.instrument);
    if (pxReason !== null) return rejectReplace(pxReason);
    const orig = order.clientOrderId;
    order.clientOrderId = r.clientOrderId;
    order.quantity = r.quantity;
    order.limitPrice = r.limitPrice;
    this.byClOrdId.set(keyOf(r.account, r.clientOrderId), order);
    this.emitOrderEvent(at, order, 'replaced', null, orig);
  }

  private processCancel(at: number, r: CancelRequest): void {
    const ins = this.register(r.instrument);
    const order = this.byClOrdId.get(keyOf(r.account, r.clientOrderId));
    if (order === undefined) {
      this.emitCancelReject(at, r.account, ins, r.clientOrderId, r.clientOrderId, undefined, 'unknown order', 'cancel');
      return;
    }
    if (!isOpen(order.status)) {
      this.emitCancelReject(at, r.account, order.instrument, r.clientOrderId, r.clientOrderId, order, `order already ${order.status}`, 'cancel');
      return;
    }
    order.status = 'cancelled';
    const list = this.working[order.instrument.index]!;
    const k = list.indexOf(order);
    if (k >= 0) list.splice(k, 1);
    this.emitOrderEvent(at, order, 'cancelled', null, null);
  }

  // ------------------------------------------------------------------ market data

  /**
   * Advances the venue to `bar.ts`: processes due requests, expires DAY orders from an earlier
   * UTC day, matches the instrument's working orders, expires IOC remainders, then records the
   * close. O(1) and allocation-free when nothing is due and the instrument has no working order.
   */
  onBar(bar: Bar): void {
    const idx = bar.instrument.index;
    if (this.instruments[idx] !== bar.instrument) this.register(bar.instrument);
    if (this.head < this.pending.length && this.pending[this.head]!.at <= bar.ts) this.processDue(bar.ts);
    const list = this.working[idx]!;
    if (list.length > 0) this.matchBar(bar, list);
    this.last[idx] = bar.close;
  }

  private matchBar(bar: Bar, list: SimOrder[]): void {
    const ts = bar.ts;
    // 2. DAY expiry.
    const day = Math.floor(ts / DAY_MS);
    let removed = false;
    for (const o of list) {
      if (o.timeInForce === 'DAY' && day > o.acceptDay) {
        this.expire(ts, o, 'DAY order expired at end of day');
        removed = true;
      }
    }
    // 3. Matching, in acceptance order.
    let cap = -1;
    let buyPx = 0;
    let sellPx = 0;
    let iocTouched = false;
    for (const o of list) {
      if (!isOpen(o.status) || ts <= o.effectiveAt) continue;
      if (o.timeInForce === 'IOC') {
        o.iocDone = true;
        iocTouched = true;
      }
      if (cap < 0) {
        const ins = o.instrument;
        const share = floorDiv(mulExact(bar.volume, this.cfg.participation.num), this.cfg.participation.den);
        cap = share - (share % ins.lot);
        const slip = this.slippage(bar.open, ins.tick);
        buyPx = bar.open + slip;
        sellPx = Math.max(ins.tick, bar.open - slip);
      }
      if (cap <= 0) continue;
      let price: number;
      if (o.type === 'market') {
        price = o.side === 'buy' ? buyPx : sellPx;
      } else {
        const limit = o.limitPrice!;
        if (o.side === 'buy') {
          if (bar.low > limit) continue;
          price = Math.min(limit, bar.open);
        } else {
          if (bar.high < limit) continue;
          price = Math.max(limit, bar.open);
        }
      }
      this.fill(ts, o, Math.min(o.quantity - o.cumQty, cap), price);
      if (o.status === 'filled') removed = true;
    }
    // 4. IOC remainders.
    if (iocTouched) {
      for (const o of list) {
        if (o.iocDone && isOpen(o.status)) {
          this.expire(ts, o, 'IOC remainder cancelled');
          removed = true;
        }
      }
    }
    if (removed) {
      let w = 0;
      for (let k = 0; k < list.length; k++) {
        const o = list[k]!;
        if (isOpen(o.status)) list[w++] = o;
      }
      list.length = w;
    }
  }

  /** ceil(open * bps / 10000) rounded up to a whole number of ticks (0 when bps is 0). */
  private slippage(open: number, tick: number): number {
    const a = mulExact(open, this.cfg.slippageBps);
    let slip = floorDiv(a, 10_000);
    if (a % 10_000 !== 0) slip++;
    const rem = slip % tick;
    return rem === 0 ? slip : slip + tick - rem;
  }

  private fill(ts: number, o: SimOrder, qty: number, price: number): void {
    const ins = o.instrument;
    const n = notional(ins, price, qty);
    const fee = feeOf(n, this.cfg.feeCentiBps);
    o.cumQty += qty;
    o.fillValue = addExact(o.fillValue, mulExact(price, qty));
    const leaves = o.quantity - o.cumQty;
    o.status = leaves === 0 ? 'filled' : 'partially_filled';
    const acct = this.accounts.get(o.account)!;
    const idx = ins.index;
    if (o.side === 'buy') {
      acct.pos[idx] = addExact(acct.pos[idx]!, qty);
      acct.cash = addExact(acct.cash, -addExact(n, fee));
    } else {
      acct.pos[idx] = addExact(acct.pos[idx]!, -qty);
      acct.cash = addExact(acct.cash, n - fee);
    }
    this.emit({
      ts, account: o.account, instrument: ins, rejectCode: null, cancelRejectResponseTo: null,
      report: {
        kind: leaves === 0 ? 'fill' : 'partial_fill', clientOrderId: o.clientOrderId, origClientOrderId: null,
        providerOrderId: o.providerOrderId, execId: this.nextExecId(), side: o.side, ordStatus: o.status, orderQty: o.quantity,
        lastQty: qty, lastPrice: price, cumQty: o.cumQty, leavesQty: leaves, avgPrice: avgPriceOf(o), fee, reason: null,
      },
    });
  }

  private expire(ts: number, o: SimOrder, reason: string): void {
    o.status = 'expired';
    this.emitOrderEvent(ts, o, 'expired', reason, null);
  }

  // ------------------------------------------------------------------ events

  /**
   * Fault injection only: sees every report the moment the venue produces it, before the venue
   * goes on (matching the same bar), e.g. to lose an order right after acking it.
   */
  onEmit: ((ev: VenueExecution) => void) | null = null;

  /** The one place every venue report passes through before it becomes visible to `poll`. */
  private emit(ev: VenueExecution): void {
    this.outbox.push(ev);
    if (this.onEmit !== null) this.onEmit(ev);
  }

  /** Execution ids of every report the venue sends (FIX ExecID): E00000001, E00000002, ... */
  private nextExecId(): string {
    return 'E' + String(++this.execSeq).padStart(8, '0');
  }

  private emitOrderEvent(ts: number, o: SimOrder, kind: 'ack' | 'cancelled' | 'expired' | 'replaced', reason: string | null, origClientOrderId: string | null): void {
    this.emit({
      ts, account: o.account, instrument: o.instrument, rejectCode: null, cancelRejectResponseTo: null,
      report: {
        kind, clientOrderId: o.clientOrderId, origClientOrderId, providerOrderId: o.providerOrderId, execId: this.nextExecId(),
        side: o.side, ordStatus: o.status, orderQty: o.quantity, lastQty: 0, lastPrice: 0, cumQty: o.cumQty,
        leavesQty: isOpen(o.status) ? o.quantity - o.cumQty : 0, avgPrice: avgPriceOf(o), fee: 0, reason,
      },
    });
  }

  private emitReject(
    ts: number, account: string, instrument: Instrument, clientOrderId: string, providerOrderId: string | null,
    side: Side, quantity: number, reason: string, ordRejReason: string,
  ): void {
    this.emit({
      ts, account, instrument, rejectCode: ordRejReason, cancelRejectResponseTo: null,
      report: {
        kind: 'reject', clientOrderId, origClientOrderId: null, providerOrderId, execId: this.nextExecId(), side, ordStatus: 'rejected',
        orderQty: quantity, lastQty: 0, lastPrice: 0, cumQty: 0, leavesQty: 0, avgPrice: null, fee: 0, reason,
      },
    });
  }

  private emitCancelReject(
    ts: number, account: string, instrument: Instrument, clientOrderId: string, origClientOrderId: string,
    order: SimOrder | undefined, reason: string, responseTo: 'cancel' | 'replace',
  ): void {
    this.emit({
      ts, account, instrument, rejectCode: order === undefined ? '1' : '0', cancelRejectResponseTo: responseTo,
      report: {
        kind: 'cancel_reject', clientOrderId, origClientOrderId, providerOrderId: order?.providerOrderId ?? null, execId: this.nextExecId(),
        side: order?.side ?? null, ordStatus: order === undefined ? 'rejected' : order.status, orderQty: order?.quantity ?? null,
        lastQty: 0, lastPrice: 0, cumQty: order?.cumQty ?? 0, leavesQty: order && isOpen(order.status) ? order.quantity - order.cumQty : 0,
        avgPrice: order ? avgPriceOf(order) : null, fee: 0, reason,
      },
    });
  }

  /** The earliest time something happens without a bar: a request taking effect, or an event due (null: none). */
  nextEventTs(): number | null {
    let t = this.head < this.pending.length ? this.pending[this.head]!.at : Number.POSITIVE_INFINITY;
    for (const ev of this.outbox) if (ev.ts < t) t = ev.ts;
    return t === Number.POSITIVE_INFINITY ? null : t;
  }

  /**
   * Returns and removes every event with ts <= `ts`, in the order the venue produced them, after
   * processing the requests that became effective by `ts`.
   */
  poll(ts: number): VenueExecution[] {
    this.processDue(ts);
    const out = this.outbox;
    if (out.length === 0) return [];
    let allDue = true;
    for (const ev of out) {
      if (ev.ts > ts) {
        allDue = false;
        break;
      }
    }
    if (allDue) {
      this.outbox = [];
      return out;
    }
    const due: VenueExecution[] = [];
    const later: VenueExecution[] = [];
    for (const ev of out) (ev.ts <= ts ? due : later).push(ev);
    this.outbox = later;
    return due;
  }

  // ------------------------------------------------------------------ queries

  /** Provider-confirmed positions of `account` (every instrument it had an order accepted on), sorted by id. */
  positions(ts: number, account: string): PositionSnapshot[] {
    this.processDue(ts);
    const acct = this.accounts.get(account);
    if (acct === undefined) return [];
    return acct.seen
      .map((idx) => ({ account, instrument: this.instruments[idx]!.id, position: acct.pos[idx] ?? 0 }))
      .sort((a, b) => (a.instrument < b.instrument ? -1 : a.instrument > b.instrument ? 1 : 0));
  }

  /** Mass order status: the account's open orders in acceptance order. */
  openOrders(ts: number, account: string): OrderStatusReport[] {
    this.processDue(ts);
    const found: SimOrder[] = [];
    for (const list of this.working) for (const o of list) if (o.account === account) found.push(o);
    return found.sort((a, b) => a.seq - b.seq).map((o) => this.report(o));
  }

  /** One order by its current or any earlier clOrdID, or null if the venue never received it. */
  queryOrder(ts: number, account: string, clientOrderId: string): OrderStatusReport | null {
    this.processDue(ts);
    const o = this.byClOrdId.get(keyOf(account, clientOrderId));
    return o === undefined ? null : this.report(o);
  }

  /** Moves the venue's clock to `ts` without a bar: requests due by then are processed. */
  advance(ts: number): void {
    this.processDue(ts);
  }

  private report(o: SimOrder): OrderStatusReport {
    return {
      account: o.account,
      instrument: o.instrument.id,
      clientOrderId: o.clientOrderId,
      providerOrderId: o.providerOrderId,
      side: o.side,
      status: o.status,
      quantity: o.quantity,
      cumQty: o.cumQty,
      leavesQty: isOpen(o.status) ? o.quantity - o.cumQty : 0,
      avgPrice: avgPriceOf(o) ?? 0,
    };
  }

  /**
   * The account's cash in money units (scale 6), after fills and fees, for reports.
   * @throws ReckonError USAGE for an account the venue does not know.
   */
  cash(account: string): number {
    const acct = this.accounts.get(account);
    if (acct === undefined) throw new ReckonError('USAGE', `sim venue: unknown account ${account}`);
    return acct.cash;
  }

  /** Last close the venue has seen for an instrument (integer at priceScale), for marking to market. */
  lastPrice(instrumentId: string): number | undefined {
    const idx = this.indexById.get(instrumentId);
    return idx === undefined ? undefined : this.lastOf(idx);
  }

  // ------------------------------------------------------------------ fault-injection hooks

  /**
   * Fault injection only: books a fill on an order the venue knows, whatever its
   * status, and emits it. A terminal order keeps its status (the venue accepted the cancel, then
   * the fill it had in flight landed).
   *
   * Returns the fill's execution id, or null when the order is unknown or too small.
   *
   * @example
   * venue.forceFill(bar.ts, 'A1', 'intent-001.1', 5, bar.open); // fill after cancel
   */
  forceFill(ts: number, account: string, clientOrderId: string, qty: number, price: number): string | null {
    const o = this.byClOrdId.get(keyOf(account, clientOrderId));
    if (o === undefined || qty <= 0 || o.cumQty + qty > o.quantity) return null;
    const status = o.status;
    this.fill(ts, o, qty, price);
    if (!isOpen(status)) o.status = status;
    return 'E' + String(this.execSeq).padStart(8, '0');
  }

  /**
   * Fault injection only: changes an account's position without any order of ours
   * (an external trade). With `phantom`, also emits a fill for that client order id, which the
   * client never sent (an unknown order at the provider).
   *
   * @example
   * venue.bookExternal(bar.ts, 'A1', ALPHA, +3, bar.close, null); // silent external position change
   */
  bookExternal(
    ts: number, account: string, ins: Instrument, delta: number, price: number,
    phantom: { clientOrderId: string; providerOrderId: string; execId: string } | null,
  ): void {
    this.register(ins);
    const acct = this.accounts.get(account);
    if (acct === undefined || delta === 0) return;
    while (acct.pos.length <= ins.index) acct.pos.push(0);
    if (!acct.seen.includes(ins.index)) acct.seen.push(ins.index);
    acct.pos[ins.index] = addExact(acct.pos[ins.index]!, delta);
    acct.cash = addExact(acct.cash, -notional(ins, price, delta));
    if (phantom === null) return;
    const qty = Math.abs(delta);
    this.emit({
      ts, account, instrument: ins, rejectCode: null, cancelRejectResponseTo: null,
      report: {
        kind: 'fill', clientOrderId: phantom.clientOrderId, origClientOrderId: null, providerOrderId: phantom.providerOrderId, execId: phantom.execId,
        side: delta > 0 ? 'buy' : 'sell', ordStatus: 'filled', orderQty: qty, lastQty: qty, lastPrice: price, cumQty: qty, leavesQty: 0,
        avgPrice: price, fee: 0, reason: null,
      },
    });
  }

  /**
   * Fault injection only: the venue silently loses an order — no event; it is no
   * longer working, and queries answer 'not_found' for all its client order ids.
   */
  forgetOrder(account: string, clientOrderId: string): boolean {
    const o = this.byClOrdId.get(keyOf(account, clientOrderId));
    if (o === undefined) return false;
    for (const [k, v] of this.byClOrdId) if (v === o) this.byClOrdId.delete(k);
    const list = this.working[o.instrument.index];
    const i = list ? list.indexOf(o) : -1;
    if (list && i >= 0) list.splice(i, 1);
    return true;
  }

  /** Fault injection only: leaves quantity of an order the venue knows, or 0. */
  leavesOf(account: string, clientOrderId: string): number {
    const o = this.byClOrdId.get(keyOf(account, clientOrderId));
    return o === undefined ? 0 : o.quantity - o.cumQty;
  }

  // ------------------------------------------------------------------ instruments

  private lastOf(idx: number): number | undefined {
    const p = this.last[idx];
    return p === undefined || Number.isNaN(p) ? undefined : p;
  }

  /** Makes sure the dense tables cover `ins`; an index claimed by two ids is a broken config. */
  private register(ins: Instrument): Instrument {
    const idx = ins.index;
    const known = this.instruments[idx];
    if (known !== undefined) {
      if (known.id !== ins.id) {
        throw new ReckonError('INVARIANT', `sim venue: instrument index ${idx} is ${known.id}, got ${ins.id}`);
      }
      return known;
    }
    if (!Number.isSafeInteger(idx) || idx < 0) throw new ReckonError('INVARIANT', `sim venue: bad instrument index ${idx}`);
    const prev = this.indexById.get(ins.id);
    if (prev !== undefined) throw new ReckonError('INVARIANT', `sim venue: instrument ${ins.id} has index ${prev} and ${idx}`);
    while (this.instruments.length <= idx) {
      this.instruments.push(undefined);
      this.last.push(Number.NaN);
      this.working.push([]);
    }
    this.instruments[idx] = ins;
    this.indexById.set(ins.id, idx);
    return ins;
  }
}
