/**
 * Price of one instrument with its fills as markers (TradingView Lightweight Charts; its
 * attribution logo stays on and the page credits it in text as well).
 */
import { useEffect, useRef } from 'react';
import { CandlestickSeries, ColorType, createChart, createSeriesMarkers, LineSeries, type SeriesMarker, type UTCTimestamp } from 'lightweight-charts';
import type { FillPoint, PriceSeries } from '../../../src/web/data-types';
import { cssVar, useColorScheme } from '../lib/theme';

/** Index of the last bar at or before `ts` (bars sorted by ts). */
function barAt(ts: readonly number[], t: number): number {
  let lo = 0, hi = ts.length - 1, ans = 0;
  while (lo <= hi) { const mid = (lo + hi) >> 1; if (ts[mid] <= t) { ans = mid; lo = mid + 1; } else hi = mid - 1; }
  return ans;
}

export function PriceChart({ prices, fills }: { prices: PriceSeries; fills: readonly FillPoint[] }) {
  const ref = useRef<HTMLDivElement>(null);
  const scheme = useColorScheme();

  useEffect(() => {
    const el = ref.current;
    if (!el || prices.ts.length === 0) return;
    const chart = createChart(el, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: cssVar('--panel') }, textColor: cssVar('--muted'), fontSize: 11, attributionLogo: true },
      grid: { vertLines: { color: cssVar('--border') }, horzLines: { color: cssVar('--border') } },
      rightPriceScale: { borderColor: cssVar('--border') },
      timeScale: { borderColor: cssVar('--border'), timeVisible: true, secondsVisible: false },
    });
    const candles = prices.open.some((o, i) => o !== prices.close[i] || prices.high[i] !== prices.low[i]);
    const time = (t: number) => Math.floor(t / 1000) as UTCTimestamp;
    const up = cssVar('--good'), down = cssVar('--bad');
    // One point per timestamp (bars are unique per ts; decision closes may repeat).
    const seen = new Set<number>();
    const idx: number[] = [];
    for (let i = 0; i < prices.ts.length; i++) {
      const t = time(prices.ts[i]);
      if (!seen.has(t)) { seen.add(t); idx.push(i); }
    }
    let series;
    if (candles) {
      series = chart.addSeries(CandlestickSeries, { upColor: up, downColor: down, borderVisible: false, wickUpColor: up, wickDownColor: down });
      series.setData(idx.map((i) => ({ time: time(prices.ts[i]), open: Number(prices.open[i]), high: Number(prices.high[i]), low: Number(prices.low[i]), close: Number(prices.close[i]) })));
    } else {
      series = chart.addSeries(LineSeries, { color: cssVar('--accent'), lineWidth: 2 });
      series.setData(idx.map((i) => ({ time: time(prices.ts[i]), value: Number(prices.close[i]) })));
    }
    const markers: SeriesMarker<UTCTimestamp>[] = fills.map((f) => ({
      time: time(prices.ts[barAt(prices.ts, f.ts)]),
      position: 'atPriceMiddle',
      price: Number(f.price),
      shape: f.side === 'buy' ? 'arrowUp' : 'arrowDown',
      color: f.side === 'buy' ? up : down,
      size: 0.6,
    }));
    markers.sort((a, b) => a.time - b.time);
    createSeriesMarkers(series, markers);
    chart.timeScale().fitContent();
    return () => chart.remove();
  }, [prices, fills, scheme]);

  return <div ref={ref} className="price-chart" data-testid="price-chart" />;
}
