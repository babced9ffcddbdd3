/**
 * The terminal summary: counts, then the three positions and their gaps per pair, what held the
 * run back (open incidents by code, restricted instruments with their share of the run, risk
 * rejections by rule), P&L, performance (annualised figures with their caveat) and the journal
 * head. Plain aligned text; drift and residual stand out with `!`.
 */
import { formatDuration } from './held-back.js';
import { annualisedCaveat } from './statistics.js';
import type { Summary } from './summary.js';

/** Renders rows as left/right aligned columns (numbers right-aligned). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const isNum = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[+-]?[\d.,%]+$/.test(r[i] ?? '') || r[i] === ''));
  const fmt = (cells: readonly string[]) => cells.map((c, i) => (isNum[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

export function renderSummary(s: Summary, extra: { outDir: string; files: readonly string[] }): string {
  const c = s.counts;
  const counts = table(['stage', 'count'], [
    ['market events', String(c.marketEvents)], ['bad rows', String(c.badRows)],
    ['S01 intents', String(c.intents)], ['S03 risk accepted', String(c.riskAccepted)], ['S03 risk rejected', String(c.riskRejected)],
    ['S04 orders submitted', String(c.orders)], ['S05 provider events', String(c.providerEvents)], ['S05 fills', String(c.fills)],
    ['S05 provider rejected', String(c.providerRejected)], ['S06 reconciliations', String(c.reconciliations)], ['S06 drifts', String(c.drifts)],
    ['S07 flags and incidents', String(c.flags)],
  ]);
  const positions = table(['account', 'instrument', 'desired', 'expected', 'confirmed', 'working', 'residual', 'drift'],
    s.positions.map((p) => [p.account, p.instrument, p.desired, p.expected, p.confirmed, p.working, p.residual, p.drift]));
  const isZero = (q: string) => /^[+-]?0(\.0+)?$/.test(q);
  const flagged = s.positions.filter((p) => !isZero(p.drift)).map((p) => `  ! drift on ${p.instrument}: ${p.drift}`);
  const residuals = s.positions.filter((p) => !isZero(p.residual)).map((p) => `  ~ residual on ${p.instrument}: ${p.residual} (desired ${p.desired}, confirmed ${p.confirmed}, working ${p.working})`);
  const perf = s.performance;
  const caveat = annualisedCaveat(perf.periodDays);
  const t = s.pnl.total;
  const lines = [
    counts, '', positions, ...flagged, ...residuals, '', ...heldBackLines(s),
    `pnl (average cost)  realized ${t.realized}  unrealized ${t.unrealized}  total ${t.total}  (fees ${t.fees}, in realized)`,
    `equity ${perf.startingEquity} -> ${perf.endingEquity}  return ${perf.returnPct.toFixed(2)}%  max drawdown ${perf.maxDrawdownPct.toFixed(2)}%  sharpe ${perf.sharpe.toFixed(2)}${caveat ? ` (annualised; ${caveat})` : ''}  fills ${perf.trades}  fees ${perf.fees}`,
    `journal ${s.journal.path ?? '(memory)'}  last seq ${s.journal.lastSeq}  head ${s.journal.headHash}`,
    `${c.marketEvents} market events in ${(s.throughput.wallMs / 1000).toFixed(2)} s (${s.throughput.eventsPerSecond.toLocaleString('en-US')} events/s)`,
    `outputs in ${extra.outDir}: ${extra.files.join(', ')}`,
  ];
  return lines.join('\n') + '\n';
}

/** What held the run back, or nothing when no instrument was restricted and nothing is open. */
function heldBackLines(s: Summary): string[] {
  const h = s.heldBack;
  const out: string[] = [];
  for (const c of h.openIncidents) {
    const state = [c.open ? `${c.open} open` : '', c.acknowledged ? `${c.acknowledged} acknowledged` : ''].filter(Boolean).join(', ');
    out.push(`  ! open incidents ${c.code}: ${state}${c.instruments.length ? ` (${c.instruments.join(', ')})` : ''}`);
  }
  for (const i of h.instruments) {
    const parts = [i.reducingMs ? `reducing ${formatDuration(i.reducingMs)}` : '', i.haltedMs ? `halted ${formatDuration(i.haltedMs)}` : ''].filter(Boolean).join(', ');
    out.push(`  ! ${i.instrument} restricted ${i.restrictedPct.toFixed(2)}% of the run (${parts || 'at the end'}); ended ${i.endState}`);
  }
  if (h.killSwitch.engagedMs > 0 || h.killSwitch.engagedAtEnd) out.push(`  ! kill switch engaged ${h.killSwitch.engagedPct.toFixed(2)}% of the run${h.killSwitch.engagedAtEnd ? ', still engaged at the end' : ''}`);
  const r = h.riskDecisions;
  if (r.rejected > 0) out.push(`  risk gate rejected ${r.rejected} of ${r.total} proposed orders: ${Object.entries(r.byRule).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (out.length === 0) return [];
  return ['held back:', ...out, ''];
}
