import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { reckon, tempDir } from '../support/cli.js';
import { api, startServe, waitFor } from '../support/serve.js';

type Position = { instrument: string; desired: string; expected: string; confirmed: string };
const nonZero = (q: string) => !/^[+-]?0(\.0+)?$/.test(q);

describe('reckon serve restart', () => {
  it('killed with SIGKILL and started again on the same journal: state restored, reconciled before trading, positions intact', async () => {
    const journal = join(tempDir(), 'journal.db');
    const first = await startServe(['--journal', journal, '--bar-ms', '40']);
    let before: Position[] = [];
    try {
      before = await waitFor('fills', async () => {
        const r = await api<{ positions: Position[] }>(first, '/api/positions');
        return r.json.positions.filter((p) => nonZero(p.confirmed)).length >= 2 ? r.json.positions : null;
      });
    } finally {
      first.child.kill('SIGKILL');
      await first.exited;
    }
    const verify = reckon(['journal', 'verify', journal]);
    expect(verify.code, verify.stderr).toBe(0);
    const lastSeq = Number(/last seq (\d+)/.exec(verify.stdout)![1]);

    // A slow feed after restart: strategies warm up again, so nothing trades while we look.
    const second = await startServe(['--journal', journal, '--bar-ms', '60000']);
    try {
      const ready = await api<{ status: string; restoredRecords: number }>(second, '/readyz');
      expect(ready.json.status).toBe('ready');
      expect(ready.json.restoredRecords).toBe(lastSeq);
      const after = (await api<{ positions: Position[] }>(second, '/api/positions')).json.positions;
      expect(after.map((p) => p.instrument)).toEqual(before.map((p) => p.instrument));
      // Startup reconciliation ran before any order: expected and confirmed agree (any drift was adjusted and opened an incident).
      for (const p of after) expect(p.expected).toBe(p.confirmed);
      expect(after.filter((p) => nonZero(p.confirmed)).length).toBeGreaterThanOrEqual(2);
      const records = (await api<{ records: { type: string; payload: { kind: string; trigger?: string } }[] }>(second, `/api/records?from=${lastSeq + 1}`)).json.records;
      expect(records[0]).toMatchObject({ type: 'S00.run', payload: { kind: 'run_started' } });
      expect(records.some((r) => r.type === 'S06.reconciliation' && r.payload.trigger === 'startup')).toBe(true);
      const firstOrder = records.findIndex((r) => r.type === 'S04.order');
      const lastStartupCheck = records.map((r) => r.payload.trigger).lastIndexOf('startup');
      if (firstOrder >= 0) expect(firstOrder).toBeGreaterThan(lastStartupCheck);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});
