/**
 * Samples account equity (cash + provider-confirmed positions at the last price) once per hour
 * of event time and at the end of the run. The summary's performance figures and the report's
 * equity curve are computed from exactly these points (integer money units).
 */
export interface EquityPoint {
  readonly ts: number;
  /** Money units (scale 6). */
  readonly equity: number;
  readonly cash: number;
}

export const EQUITY_SAMPLE_MS = 3_600_000;

export class EquityTracker {
  readonly points: EquityPoint[] = [];
  private next = -1;

  constructor(private readonly compute: () => { equity: number; cash: number }) {}

  /** Called after every market event; samples when an hour boundary has passed. */
  onBar(ts: number): void {
    if (ts < this.next) return;
    this.sample(ts, false);
  }

  sample(ts: number, final: boolean): void {
    const last = this.points[this.points.length - 1];
    if (final && last && last.ts === ts) this.points.pop();
    const { equity, cash } = this.compute();
    this.points.push({ ts, equity, cash });
    this.next = (Math.floor(ts / EQUITY_SAMPLE_MS) + 1) * EQUITY_SAMPLE_MS;
  }
}
