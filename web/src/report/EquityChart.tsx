/**
 * Equity curve and drawdown (uPlot), cursors synced. Values are floats here only to place points
 * on a canvas; the figures beside the charts keep the exact strings.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { cssVar, useColorScheme } from '../lib/theme';

export interface EquitySeries {
  readonly ts: readonly number[];
  readonly equity: readonly number[];
  readonly drawdownPct: readonly number[];
}

function opts(title: string, width: number, height: number, stroke: string, fill: string, fmt: (v: number) => string, sync: string): uPlot.Options {
  const axis: uPlot.Axis = { stroke: cssVar('--muted'), grid: { stroke: cssVar('--border'), width: 1 }, ticks: { stroke: cssVar('--border'), width: 1 }, font: '11px system-ui, sans-serif' };
  return {
    title, width, height,
    cursor: { sync: { key: sync }, drag: { x: true, y: false } },
    legend: { show: true, live: true },
    scales: { x: { time: true } },
    series: [
      { label: 'UTC', value: (_u, v) => (v == null ? '—' : new Date(v * 1000).toISOString().slice(0, 16).replace('T', ' ')) },
      { label: title, stroke, fill, width: 1.5, value: (_u, v) => (v == null ? '—' : fmt(v)), points: { show: false } },
    ],
    axes: [{ ...axis }, { ...axis, size: 72, values: (_u, vals) => vals.map((v) => fmt(v)) }],
  };
}

export function EquityChart({ series }: { series: EquitySeries }) {
  const eqRef = useRef<HTMLDivElement>(null);
  const ddRef = useRef<HTMLDivElement>(null);
  const scheme = useColorScheme();

  useEffect(() => {
    const eqEl = eqRef.current, ddEl = ddRef.current;
    if (!eqEl || !ddEl) return;
    const x = series.ts.map((t) => t / 1000);
    const money = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 0 });
    const w = Math.max(300, eqEl.clientWidth);
    const eq = new uPlot(opts('Equity', w, 260, cssVar('--accent'), cssVar('--accent-bg'), money, 'reckon'), [x, [...series.equity]], eqEl);
    const dd = new uPlot(opts('Drawdown', w, 150, cssVar('--bad'), cssVar('--bad-bg'), (v) => `${v.toFixed(1)}%`, 'reckon'), [x, series.drawdownPct.map((d) => -Math.abs(d))], ddEl);
    const ro = new ResizeObserver(() => {
      const width = Math.max(300, eqEl.clientWidth);
      eq.setSize({ width, height: 260 });
      dd.setSize({ width, height: 150 });
    });
    ro.observe(eqEl);
    return () => { ro.disconnect(); eq.destroy(); dd.destroy(); };
  }, [series, scheme]);

  return (
    <div className="equity-charts" data-testid="equity-chart">
      <div ref={eqRef} className="uplot-host" />
      <div ref={ddRef} className="uplot-host" data-testid="drawdown-chart" />
    </div>
  );
}
