/**
 * Files a run writes beside its journal for the report: `equity.csv` (hourly equity samples) and
 * `prices.csv` (15-minute OHLC per instrument, streamed while the run goes, constant memory).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { fmtMoney, fmtPrice } from '../domain/instrument.js';
import type { Instrument } from '../domain/types.js';
import type { Bar } from '../marketdata/bar.js';
import type { EquityPoint } from '../engine/equity.js';

export const PRICE_BUCKET_MS = 15 * 60_000;

/** Buffered synchronous file writer: the engine loop stays synchronous and ordered. */
class LineWriter {
  private buf = '';
  private readonly fd: number;
  constructor(path: string, header: string) {
    this.fd = openSync(path, 'w');
    this.buf = header + '\n';
  }
  line(text: string): void {
    this.buf += text + '\n';
    if (this.buf.length > 1 << 16) this.drain();
  }
  private drain(): void { writeSync(this.fd, this.buf); this.buf = ''; }
  close(): void { this.drain(); closeSync(this.fd); }
}

/** Aggregates bars into 15-minute OHLC rows per instrument and writes prices.csv. */
export class PriceFile {
  private readonly writer: LineWriter;
  private readonly open: ({ bucket: number; o: number; h: number; l: number; c: number } | undefined)[];
  constructor(path: string, private readonly instruments: readonly Instrument[]) {
    this.writer = new LineWriter(path, 'ts,instrument,open,high,low,close');
    this.open = instruments.map(() => undefined);
  }
  onBar = (bar: Bar): void => {
    const bucket = bar.ts - (bar.ts % PRICE_BUCKET_MS);
    const cur = this.open[bar.instrument.index];
    if (cur && cur.bucket === bucket) {
      if (bar.high > cur.h) cur.h = bar.high;
      if (bar.low < cur.l) cur.l = bar.low;
      cur.c = bar.close;
      return;
    }
    if (cur) this.emit(bar.instrument, cur);
    this.open[bar.instrument.index] = { bucket, o: bar.open, h: bar.high, l: bar.low, c: bar.close };
  };
  private emit(i: Instrument, b: { bucket: number; o: number; h: number; l: number; c: number }): void {
    this.writer.line(`${b.bucket},${i.id},${fmtPrice(i, b.o)},${fmtPrice(i, b.h)},${fmtPrice(i, b.l)},${fmtPrice(i, b.c)}`);
  }
  close(): void {
    this.instruments.forEach((i, idx) => { const b = this.open[idx]; if (b) this.emit(i, b); });
    this.writer.close();
  }
}

/** Writes equity.csv: ts, equity, cash and drawdown from the running peak (percent). */
export function writeEquityFile(path: string, points: readonly EquityPoint[]): void {
  const w = new LineWriter(path, 'ts,equity,cash,drawdown_pct');
  let peak = -Infinity;
  for (const p of points) {
    if (p.equity > peak) peak = p.equity;
    const dd = peak > 0 ? ((peak - p.equity) / peak) * 100 : 0;
    w.line(`${p.ts},${fmtMoney(p.equity)},${fmtMoney(p.cash)},${dd.toFixed(4)}`);
  }
  w.close();
}
