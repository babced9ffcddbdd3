import { beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSampleBars } from '../../src/marketdata/sample.js';
import { FAILURE_CATALOG } from '../../src/operator/catalog.js';
import { reckon, ROOT, tempDir, type CliResult } from '../support/cli.js';

const REQUIRED = ['seed-partial-fill', 'risk-rejection', 'provider-rejection', 'partial-fills', 'reconciliation-mismatch', 'trace-replay',
  'drop-ack', 'duplicate-fill', 'fill-before-ack', 'fill-after-cancel', 'unknown-order-at-provider', 'order-missing-at-provider',
  'disconnect-with-gap', 'external-position-change', 'stale-snapshot'];

let dir: string;
let all: CliResult;
const exportOf = (journal: string) => reckon(['journal', 'export', journal]).stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; type: string; correlationId: string | null; payload: Record<string, unknown> });

beforeAll(() => {
  dir = tempDir('reckon-scenarios-');
  all = reckon(['scenario', 'run', '--all', '--out', join(dir, 'out')]);
});

describe('reckon scenario', () => {
  it('lists every required scenario', () => {
    const r = reckon(['scenario', 'list']);
    expect(r.code, r.stderr).toBe(0);
    for (const name of REQUIRED) expect(r.stdout).toMatch(new RegExp(`^${name} `, 'm'));
  });

  it('run --all: exit 0, a table of expectations with PASS for every scenario and variant', () => {
    expect(all.code, all.stdout.slice(-3000) + all.stderr).toBe(0);
    expect(all.stdout).toMatch(/expectation\s+expected\s+journal shows\s+result/);
    for (const name of REQUIRED) expect(all.stdout).toMatch(new RegExp(`^PASS  ${name}(/[a-z-]+)? — `, 'm'));
    expect(all.stdout).not.toMatch(/^FAIL/m);
    expect(all.stdout).toMatch(/^(\d+)\/\1 scenarios passed/m);
    for (const rule of ['max-order-qty', 'max-position', 'max-order-notional', 'max-gross-exposure', 'price-collar', 'trading-state', 'kill-switch', 'no-market-price', 'order-rate']) {
      expect(all.stdout).toContain(`PASS  risk-rejection/${rule}`);
    }
  });

  it('run --all --async-gateway SEED: every scenario passes behind the asynchronous test gateway, deterministically', () => {
    const out = join(dir, 'async');
    const r = reckon(['scenario', 'run', '--all', '--async-gateway', '11', '--out', out, '--json']);
    expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
    const results = JSON.parse(r.stdout) as { id: string; pass: boolean; headHash: string; rows: { expectation: string }[] }[];
    expect(results.length).toBeGreaterThanOrEqual(REQUIRED.length);
    expect(results.filter((x) => !x.pass).map((x) => x.id)).toEqual([]);
    expect(results.some((x) => x.rows.some((row) => row.expectation.includes('(asynchronous delivery)')))).toBe(true);
    // Transport redeliveries happened and were journaled as such (never applied twice).
    const redelivered = ['seed-partial-fill', 'trace-replay', 'partial-fills--to-completion', 'disconnect-with-gap']
      .map((id) => exportOf(join(out, `${id}.journal.db`)).filter((rec) => rec.payload.possDup === true).length);
    expect(redelivered.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    // Same seed, same journal (trace-replay also runs itself twice and compares head hashes).
    const again = JSON.parse(reckon(['scenario', 'run', 'trace-replay', '--async-gateway', '11', '--out', join(dir, 'async2'), '--json']).stdout) as { id: string; headHash: string }[];
    expect(again[0]!.headHash).toBe(results.find((x) => x.id === 'trace-replay')!.headHash);
    const bad = reckon(['scenario', 'run', '--all', '--async-gateway', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--async-gateway');
  });

  it('seed-partial-fill: its journal verifies and shows the contract slice record for record', () => {
    const journal = join(dir, 'out', 'seed-partial-fill.journal.db');
    expect(reckon(['journal', 'verify', journal]).code).toBe(0);
    const chain = exportOf(journal).filter((r) => r.correlationId === 'fixture-intent-017');
    expect(chain.map((r) => `${r.type}:${String(r.payload.kind)}`)).toEqual([
      'S01.intent:intent', 'S02.desired:desired_position', 'S03.risk:risk_decision', 'S04.order:submit', 'S05.provider:ack', 'S05.provider:partial_fill',
      'S05.provider:expired', 'S06.reconciliation:request', 'S05.provider:position_report', 'S06.reconciliation:reconciliation', 'S07.operator:flag',
    ]);
    expect(chain[1]!.payload.desired).toBe('+2');
    expect(chain[2]!.payload).toMatchObject({ decision: 'accepted', reason: expect.stringContaining('accepted before provider routing') });
    expect(chain[5]!.payload.lastQty).toBe('1');
    expect(chain[7]!.payload).toMatchObject({ kind: 'request', what: 'positions', trigger: 'provider_event' });
    expect(chain[8]!.payload.position).toBe('+1');
    expect(chain[9]!.payload).toMatchObject({ residual: '+1', classification: 'RESIDUAL_UNEXPLAINED' });
    expect(chain[10]!.payload).toMatchObject({ code: 'RESIDUAL_UNEXPLAINED', message: 'drift visible for review' });
  });

  it('every fault scenario journals the injected fault, and every incident links to its playbook', () => {
    for (const name of ['drop-ack', 'duplicate-fill', 'fill-before-ack', 'fill-after-cancel', 'unknown-order-at-provider', 'order-missing-at-provider', 'disconnect-with-gap', 'external-position-change', 'stale-snapshot']) {
      const records = exportOf(join(dir, 'out', `${name}.journal.db`));
      expect(records.some((r) => r.payload.kind === 'fault_injected' && r.payload.fault === name), name).toBe(true);
    }
    const links = [...all.stdout.matchAll(/INC-\S+ \(seq \d+\) → (docs\/playbooks\.md#[a-z_]+)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    const doc = readFileSync(join(ROOT, 'docs/playbooks.md'), 'utf8');
    for (const l of links) expect(doc).toContain(`<a id="${l.split('#')[1]}"></a>`);
  });

  it('a failing expectation exits 1 and prints what was expected and what the journal shows', () => {
    const scen = join(dir, 'scenarios');
    cpSync(join(ROOT, 'scenarios'), scen, { recursive: true });
    const file = join(scen, 'seed-partial-fill.json');
    const s = JSON.parse(readFileSync(file, 'utf8'));
    s.expect.positions['FIX-ALPHA'].confirmed = '+2';
    writeFileSync(file, JSON.stringify(s));
    const r = reckon(['scenario', 'run', 'seed-partial-fill', '--dir', scen, '--out', join(dir, 'fail')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}seed-partial-fill/m);
    expect(r.stdout).toMatch(/✗ final FIX-ALPHA confirmed\n\s+expected: \+2\n\s+journal:\s+\+1/);
  });

  it('an unknown scenario or a missing name is a usage error (exit 2)', () => {
    expect(reckon(['scenario', 'run', 'no-such-scenario']).code).toBe(2);
    expect(reckon(['scenario', 'run']).code).toBe(2);
  });
});

describe('reckon incident', () => {
  it('list, ack (releases reducing), resolve: journaled operator actions on a verified journal', () => {
    const journal = join(dir, 'incidents.journal.db');
    cpSync(join(dir, 'out', 'external-position-change.journal.db'), journal);
    const list = reckon(['incident', 'list', '--journal', journal, '--json']);
    expect(list.code, list.stderr).toBe(0);
    const [inc] = JSON.parse(list.stdout) as { incidentId: string; code: string; status: string; playbook: string }[];
    expect(inc).toMatchObject({ code: 'POSITION_DRIFT', status: 'open', playbook: 'docs/playbooks.md#position_drift' });
    const ack = reckon(['incident', 'ack', inc!.incidentId, '--journal', journal, '--by', 'ana', '--note', 'external trade confirmed']);
    expect(ack.code, ack.stderr).toBe(0);
    expect(ack.stdout).toMatch(/incident_acknowledged/);
    expect(ack.stdout).toMatch(/trading_state_changed FIX-ALPHA: reducing -> active/);
    expect(reckon(['incident', 'ack', inc!.incidentId, '--journal', journal, '--by', 'ana', '--note', 'again']).code).toBe(2);
    expect(reckon(['incident', 'resolve', inc!.incidentId, '--journal', journal, '--by', 'bo', '--note', 'booked']).code).toBe(0);
    expect(reckon(['journal', 'verify', journal]).code).toBe(0);
    const tail = exportOf(journal).slice(-3);
    expect(tail.map((r) => r.payload.kind)).toEqual(['incident_acknowledged', 'trading_state_changed', 'incident_resolved']);
    expect(tail[0]!.payload).toMatchObject({ actor: 'ana', reason: 'external trade confirmed' });
    const after = JSON.parse(reckon(['incident', 'list', '--journal', journal, '--json']).stdout) as { status: string }[];
    expect(after[0]!.status).toBe('resolved');
  });
});

describe('reckon playbooks', () => {
  it('lists every catalog code (md and json)', () => {
    const md = reckon(['playbooks']);
    expect(md.code).toBe(0);
    for (const e of FAILURE_CATALOG) expect(md.stdout).toContain(`## ${e.code} — `);
    const json = JSON.parse(reckon(['playbooks', '--format', 'json']).stdout) as { code: string }[];
    expect(json.map((e) => e.code)).toEqual(FAILURE_CATALOG.map((e) => e.code));
  });
});

describe('reckon run --faults', () => {
  it('injects seeded faults, journals them, converges, and --resume refuses other faults', async () => {
    const data = join(dir, 'bars.csv');
    await generateSampleBars(data, { barsPerInstrument: 3000 });
    const out = join(dir, 'faulty');
    const a = reckon(['run', '--data', data, '--out', out, '--faults', 'duplicate-fill:0.2,drop-ack:0.2', '--seed', '5', '--json']);
    expect(a.code, a.stderr).toBe(0);
    const summary = JSON.parse(a.stdout) as { positions: { drift: string }[]; journal: { headHash: string } };
    expect(summary.positions.every((p) => /^0(\.0+)?$/.test(p.drift))).toBe(true);
    const records = exportOf(join(out, 'journal.db'));
    expect(records[0]!.payload.faults).toBe('seed=5 duplicate-fill:0.2,drop-ack:0.2');
    expect(records.filter((r) => r.payload.kind === 'fault_injected').length).toBeGreaterThan(0);
    const b = reckon(['run', '--data', data, '--out', join(dir, 'faulty-b'), '--faults', 'duplicate-fill:0.2,drop-ack:0.2', '--seed', '5', '--json']);
    expect((JSON.parse(b.stdout) as typeof summary).journal.headHash).toBe(summary.journal.headHash);
    const other = reckon(['run', '--data', data, '--out', out, '--resume', '--faults', 'duplicate-fill:0.3', '--seed', '5']);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/--resume: seq 1 .*differs from the journal/);
    expect(reckon(['run', '--data', data, '--out', join(dir, 'bad'), '--faults', 'nope:0.1']).code).toBe(2);
  });
});
