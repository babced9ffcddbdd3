import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FAILURE_CATALOG, playbookFor, playbookLink, type FailureCode } from './catalog.js';
import { renderPlaybooksJson, renderPlaybooksMarkdown } from './playbook-render.js';

const DOC = fileURLToPath(new URL('../../docs/playbooks.md', import.meta.url));
const DESIGN_CODES: FailureCode[] = ['RISK_REJECTED', 'PROVIDER_REJECTED', 'RESIDUAL_UNEXPLAINED', 'POSITION_DRIFT', 'UNKNOWN_ORDER_AT_PROVIDER',
  'ORDER_MISSING_AT_PROVIDER', 'ORDER_STUCK_IN_FLIGHT', 'DUPLICATE_PROVIDER_EVENT', 'FILL_AFTER_CANCEL', 'PROVIDER_UNREACHABLE',
  'STALE_MARKET_DATA', 'BAD_INPUT_QUARANTINED', 'JOURNAL_INTEGRITY'];

describe('failure catalog and playbooks', () => {
  it('docs/playbooks.md is exactly the rendered catalog (regenerate with `npm run docs:playbooks`)', () => {
    expect(readFileSync(DOC, 'utf8')).toBe(renderPlaybooksMarkdown());
  });

  it('covers every code of DESIGN §8, each with detection, action, steps and an anchor in the doc', () => {
    const md = renderPlaybooksMarkdown();
    for (const code of DESIGN_CODES) {
      const e = playbookFor(code);
      expect(e.detection.length).toBeGreaterThan(10);
      expect(e.automaticAction.length).toBeGreaterThan(10);
      expect(e.operatorSteps.length).toBeGreaterThan(0);
      expect(md).toContain(`<a id="${code.toLowerCase()}"></a>`);
      expect(playbookLink(code)).toBe(`docs/playbooks.md#${code.toLowerCase()}`);
    }
    expect(new Set(FAILURE_CATALOG.map((e) => e.code)).size).toBe(FAILURE_CATALOG.length);
  });

  it('renders JSON with every code and its playbook link', () => {
    const json = JSON.parse(renderPlaybooksJson()) as { code: string; playbook: string }[];
    expect(json.map((e) => e.code)).toEqual(FAILURE_CATALOG.map((e) => e.code));
    expect(json.every((e) => e.playbook === playbookLink(e.code))).toBe(true);
  });
});
