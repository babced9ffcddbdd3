/**
 * Performance statistics from the equity samples (money units, scale 6).
 * Sharpe and Sortino use daily returns (UTC day buckets, last sample of each day), annualised
 * with sqrt(365) because the fixture markets trade every day; risk-free rate 0.
 */
export interface EquityStatistics {
  readonly totalReturnPct: number;
  readonly cagrPct: number;
  readonly sharpe: number;
  readonly sortino: number;
  readonly maxDrawdownPct: number;
  readonly maxDrawdownDurationMs: number;
}

const DAY_MS = 86_400_000;
const round = (x: number, d = 6): number => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : 0);

export function equityStatistics(points: readonly { ts: number; equity: number }[], startingEquity: number): EquityStatistics {
  if (points.length === 0 || startingEquity <= 0) {
    return { totalReturnPct: 0, cagrPct: 0, sharpe: 0, sortino: 0, maxDrawdownPct: 0, maxDrawdownDurationMs: 0 };
  }
  const last = points[points.length - 1]!;
  const totalReturn = last.equity / startingEquity - 1;
  const years = (last.ts - points[0]!.ts) / (365 * DAY_MS);
  const cagr = years > 0 ? (last.equity / startingEquity) ** (1 / years) - 1 : 0;

  let peak = startingEquity;
  let peakTs = points[0]!.ts;
  let maxDd = 0;
  let maxDdDuration = 0;
  for (const p of points) {
    if (p.equity >= peak) { peak = p.equity; peakTs = p.ts; }
    const dd = (peak - p.equity) / peak;
    if (dd > maxDd) maxDd = dd;
    if (p.equity < peak && p.ts - peakTs > maxDdDuration) maxDdDuration = p.ts - peakTs;
  }

  const daily: number[] = [];
  let prevEquity = startingEquity;
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const next = points[i + 1];
    if (next && Math.floor(next.ts / DAY_MS) === Math.floor(p.ts / DAY_MS)) continue;
    daily.push(p.equity / prevEquity - 1);
    prevEquity = p.equity;
  }
  const mean = daily.reduce((s, r) => s + r, 0) / Math.max(1, daily.length);
  const sd = Math.sqrt(daily.reduce((s, r) => s + (r - mean) ** 2, 0) / Math.max(1, daily.length - 1));
  const downside = Math.sqrt(daily.reduce((s, r) => s + Math.min(0, r) ** 2, 0) / Math.max(1, daily.length));
  const ann = Math.sqrt(365);
  return {
    totalReturnPct: round(totalReturn * 100),
    cagrPct: round(cagr * 100),
    sharpe: daily.length > 1 && sd > 0 ? round((mean / sd) * ann, 4) : 0,
    sortino: daily.length > 1 && downside > 0 ? round((mean / downside) * ann, 4) : 0,
    maxDrawdownPct: round(maxDd * 100),
    maxDrawdownDurationMs: maxDdDuration,
  };
}
