/**
 * Renders the failure catalog as Markdown (docs/playbooks.md is exactly this output; a unit test
 * fails when they differ — regenerate with `npm run docs:playbooks`) or JSON.
 */
import { FAILURE_CATALOG, playbookAnchor, type FailureEntry } from './catalog.js';

function duration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

function section(e: FailureEntry): string {
  const lines = [
    `<a id="${playbookAnchor(e.code)}"></a>`,
    `## ${e.code} — ${e.title}`,
    '',
    `Severity **${e.severity}** · ${e.opensIncident ? 'opens an **incident** (open → acknowledged → resolved)' : 'raises a **flag**'}`,
    '',
    `**Detection.** ${e.detection}`,
    '',
    `**Automatic action.** ${e.automaticAction}`,
    '',
    '**Operator steps.**',
    '',
    ...e.operatorSteps.map((s, i) => `${i + 1}. ${s}`),
    '',
    '**Escalation by age.**',
    '',
    ...(e.escalation.length === 0 ? ['- none'] : e.escalation.map((x) => `- after ${duration(x.afterMs)}: ${x.severity} — ${x.action}`)),
    '',
  ];
  return lines.join('\n');
}

/**
 * The whole catalog as a Markdown document.
 *
 * @example
 * writeFileSync('docs/playbooks.md', renderPlaybooksMarkdown());
 */
export function renderPlaybooksMarkdown(catalog: readonly FailureEntry[] = FAILURE_CATALOG): string {
  const head = [
    '# Failure catalog and recovery playbooks',
    '',
    '<!-- Generated from src/operator/catalog.ts by `npm run docs:playbooks` (reckon playbooks --format md). Do not edit by hand. -->',
    '',
    'Every S07 flag or incident in a journal carries one of these codes. Incidents go open → acknowledged → resolved, each step a journaled',
    'operator action with actor and reason (`reckon incident list|ack|resolve --journal PATH`). Acknowledging an incident releases a trading',
    'state the recovery rule set for it.',
    '',
    '| code | title | severity | kind |',
    '|---|---|---|---|',
    ...catalog.map((e) => `| [${e.code}](#${playbookAnchor(e.code)}) | ${e.title} | ${e.severity} | ${e.opensIncident ? 'incident' : 'flag'} |`),
    '',
  ];
  return [...head, ...catalog.map(section)].join('\n');
}

/** The catalog as JSON (one object per code, with its playbook anchor). */
export function renderPlaybooksJson(catalog: readonly FailureEntry[] = FAILURE_CATALOG): string {
  return JSON.stringify(catalog.map((e) => ({ ...e, playbook: `docs/playbooks.md#${playbookAnchor(e.code)}` })), null, 2) + '\n';
}
