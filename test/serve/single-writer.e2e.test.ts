/**
 * One writer per journal, with `reckon serve` running on it: `reckon incident ack --journal J`
 * goes through the server's API (operator token from the environment) or is refused saying so;
 * a second `reckon serve --journal J` exits 2 naming the owner before writing anything. The
 * first server keeps running throughout and its journal verifies.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reckon, tempDir } from '../support/cli.js';
import { api, startServe, stopServe, waitFor } from '../support/serve.js';

const TOKEN = 'single-writer-operator-token';
type Incident = { incidentId: string; status: string; code: string };
type Rec = { seq: number; type: string; payload: { kind: string; actor?: string; incidentId?: string } };

describe('one writer per journal while reckon serve runs on it', () => {
  it('incident ack goes through the API or is refused; a second serve exits 2 naming the owner; the first keeps running', async () => {
    const journal = join(tempDir('reckon-writer-'), 'journal.db');
    let incidentId = '';
    const served = await startServe(['--journal', journal, '--bar-ms', '40', '--faults', 'external-position-change:0.3', '--seed', '5'], { RECKON_OPERATOR_TOKEN: TOKEN });
    try {
      incidentId = (await waitFor('an open incident', async () => {
        const r = await api<{ incidents: Incident[] }>(served, '/api/incidents');
        return r.json.incidents.find((i) => i.status === 'open');
      }, 60_000)).incidentId;
      const incident = { incidentId };
      const state = async () => (await api<{ lastSeq: number }>(served, '/api/state')).json.lastSeq;

      // Without a token: refused, naming the owner and the way through; nothing written, server untouched.
      const refused = reckon(['incident', 'ack', incident.incidentId, '--journal', journal, '--by', 'ops', '--note', 'seen'], { env: { RECKON_OPERATOR_TOKEN: undefined }, timeoutMs: 30_000 });
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toContain(`pid ${served.child.pid}`);
      expect(refused.stderr).toContain('RECKON_OPERATOR_TOKEN');
      expect(refused.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect((await api<{ incidents: Incident[] }>(served, '/api/incidents')).json.incidents.find((i) => i.incidentId === incident.incidentId)!.status).toBe('open');

      // With the operator token: the server journals the ack (actor = the token's name).
      const acked = reckon(['incident', 'ack', incident.incidentId, '--journal', journal, '--by', 'ops', '--note', 'seen'], { env: { RECKON_OPERATOR_TOKEN: TOKEN }, timeoutMs: 30_000 });
      expect(acked.code, acked.stderr).toBe(0);
      expect(acked.stderr).toContain('sent through its API');
      const ackSeq = Number(/seq (\d+)\s+incident_acknowledged/.exec(acked.stdout)?.[1]);
      expect(ackSeq).toBeGreaterThan(0);
      const rec = (await api<{ records: Rec[] }>(served, `/api/records?from=${ackSeq}`)).json.records[0]!;
      expect(rec).toMatchObject({ seq: ackSeq, type: 'S07.operator', payload: { kind: 'incident_acknowledged', incidentId: incident.incidentId } });

      // A second serve on the same journal: exit 2 naming the owner, before writing a record.
      const before = await state();
      const second = reckon(['serve', '--port', '0', '--journal', journal], { timeoutMs: 60_000 });
      expect(second.code, second.stderr).toBe(2);
      expect(second.stderr).toContain(`pid ${served.child.pid}`);
      expect(second.stderr).toMatch(/JOURNAL_LOCKED|open for writing/);
      const records = (await api<{ records: Rec[] }>(served, `/api/records?from=${before + 1}`)).json.records;
      expect(records.filter((r) => r.payload.kind === 'run_started')).toEqual([]);

      // The first server is still running, still writing.
      expect(served.child.exitCode).toBeNull();
      await waitFor('the first server to keep journaling', async () => (await state()) > before, 30_000);
      expect((await api<{ status: string }>(served, '/readyz')).status).toBe(200);
    } finally {
      expect(await stopServe(served)).toBe(0);
    }
    const verify = reckon(['journal', 'verify', journal]);
    expect(verify.code, verify.stderr + verify.stdout).toBe(0);
    // Nobody owns it now: the CLI writes it directly again (the incident acknowledged above is resolved).
    const direct = reckon(['incident', 'resolve', '--journal', journal, '--by', 'ops', '--note', 'done', incidentId], { env: { RECKON_OPERATOR_TOKEN: undefined } });
    expect(direct.code, direct.stderr).toBe(0);
    expect(direct.stdout).toContain('incident_resolved');
    expect(reckon(['journal', 'verify', journal]).code).toBe(0);
  }, 180_000);
});
