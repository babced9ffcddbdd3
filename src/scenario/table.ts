/**
 * Terminal rendering of scenario results: per scenario a table of expectation, expected, what
 * the journal shows and PASS/FAIL; failures are repeated in full below it.
 */
import type { ScenarioResult } from './run.js';

const MAX_CELL = 60;

function cell(text: string, width: number): string {
  const t = text.length > width ? text.slice(0, width - 1) + '…' : text;
  return t.padEnd(width);
}

/**
 * @example
 * io.out(renderResults(results)); // one table per scenario, then a summary line
 */
export function renderResults(results: readonly ScenarioResult[]): string {
  let out = '';
  for (const r of results) {
    const widths = [
      Math.min(MAX_CELL, Math.max(11, ...r.rows.map((x) => x.expectation.length))),
      Math.min(MAX_CELL, Math.max(8, ...r.rows.map((x) => x.expected.length))),
      Math.min(MAX_CELL, Math.max(16, ...r.rows.map((x) => x.actual.length))),
    ];
    out += `\n${r.pass ? 'PASS' : 'FAIL'}  ${r.id} — ${r.title}\n`;
    out += `      journal ${r.journalPath} (last seq ${r.lastSeq}, head ${r.headHash.slice(0, 16)})\n`;
    out += `  ${cell('expectation', widths[0]!)}  ${cell('expected', widths[1]!)}  ${cell('journal shows', widths[2]!)}  result\n`;
    out += `  ${'-'.repeat(widths[0]!)}  ${'-'.repeat(widths[1]!)}  ${'-'.repeat(widths[2]!)}  ------\n`;
    for (const x of r.rows) out += `  ${cell(x.expectation, widths[0]!)}  ${cell(x.expected, widths[1]!)}  ${cell(x.actual, widths[2]!)}  ${x.pass ? 'PASS' : 'FAIL'}\n`;
    for (const x of r.rows.filter((y) => !y.pass)) out += `  ✗ ${x.expectation}\n      expected: ${x.expected}\n      journal:  ${x.actual}\n`;
    if (r.incidents.length > 0) out += `  incidents and their playbooks:\n${r.incidents.map((i) => `    ${i}\n`).join('')}`;
  }
  const failed = results.filter((r) => !r.pass);
  const rows = results.reduce((n, r) => n + r.rows.length, 0);
  out += `\n${results.length - failed.length}/${results.length} scenarios passed (${rows} expectations)${failed.length > 0 ? `; failed: ${failed.map((r) => r.id).join(', ')}` : ''}\n`;
  return out;
}
