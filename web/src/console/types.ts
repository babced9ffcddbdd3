/**
 * What the console API answers (src/api/server.ts, src/api/views.ts). Quantities and prices are
 * exact decimal strings; times are epoch ms of the server's wall clock.
 */
import type { FailureEntry } from '../../../src/operator/catalog';
import type { Incident } from '../../../src/operator/incidents';
import type { JournalRecord, PositionGaps } from '../../../src/records/records';
import type { PnlView } from '../../../src/report/pnl';

export type { FailureEntry, JournalRecord, PnlView };

export type Role = 'viewer' | 'operator';

export interface MarketDataHealth {
  readonly instrument: string;
  readonly lastBarTs: number | null;
  readonly ageMs: number | null;
  readonly stale: boolean;
}

export interface StateView {
  /** Who the token belongs to (absent on an older server). */
  readonly principal?: { readonly name: string; readonly role: Role } | null;
  readonly ready: boolean;
  readonly provider: 'connected' | 'unreachable';
  readonly feed: string;
  readonly killSwitch: boolean;
  readonly lastSeq: number;
  readonly headHash: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly marketData: readonly MarketDataHealth[];
}

export interface PositionView extends PositionGaps {
  readonly account: string;
  readonly instrument: string;
  readonly classification: string;
  readonly tradingState: 'active' | 'reducing' | 'halted';
  readonly lastPrice: string | null;
}

export interface OrderView {
  readonly clientOrderId: string;
  readonly intentId: string;
  readonly account?: string;
  readonly instrument: string;
  readonly side: 'buy' | 'sell';
  readonly type: string;
  readonly timeInForce: string;
  readonly quantity: string;
  readonly filled: string;
  readonly leaves: string;
  readonly limitPrice: string | null;
  readonly avgPrice: string | null;
  readonly status: string;
  readonly open: boolean;
  readonly providerOrderId: string | null;
  readonly submitSeq: number;
}

export type IncidentView = Omit<Incident, 'status' | 'history' | 'restrictedTo'> & {
  readonly status: Incident['status'];
  readonly restrictedTo?: Incident['restrictedTo'];
  readonly history: readonly Incident['history'][number][];
  readonly playbook: FailureEntry | null;
};

/** The answer of an action: the records it journaled. */
export interface ActionAnswer {
  readonly ok: true;
  readonly records: readonly { readonly seq: number; readonly type: string; readonly payload: { readonly kind: string } & Record<string, unknown> }[];
}
