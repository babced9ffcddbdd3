/**
 * `reckon incident list|ack|resolve --journal PATH`: the incident lifecycle against an existing
 * journal. The chain is verified first; ack/resolve append journaled S07 operator actions (actor
 * from --by, reason from --note). Their time is --at (epoch ms or ISO-8601), by default the
 * journal's last record ts + 1 ms: deterministic, and never before what the journal already holds.
 *
 * A journal has one writer. When a running `reckon serve` owns it (its lock file names the
 * process and the API address), ack/resolve go through that server's API with the operator
 * token in RECKON_OPERATOR_TOKEN — the server journals them, actor = the token's name — or are
 * refused (JOURNAL_LOCKED, exit 2) saying so. The server is never disturbed.
 */
import type { Command } from 'commander';
import { ReckonError } from '../domain/errors.js';
import { readJournalLock, type JournalLockOwner } from '../journal/lock.js';
import { openJournalForRead } from '../journal/open.js';
import { SqliteJournal } from '../journal/sqlite.js';
import { verifyJournal } from '../journal/verify.js';
import { FAILURE_CATALOG, playbookLink } from '../operator/catalog.js';
import { decideIncident, evolveIncidents, initialIncidentState, type Incident, type IncidentState } from '../operator/incidents.js';
import type { JournalRecord } from '../records/records.js';
import { evolveRisk, initialRiskState, tradingStateOf, type RiskState } from '../risk/risk.js';
import { requireFile } from './journal-commands.js';
import type { Io } from './main.js';

interface Folded { incidents: IncidentState; risk: RiskState; lastTs: number; lastSeq: number }

function foldVerified(path: string): Folded {
  requireFile(path);
  const v = verifyJournal(path);
  if (!v.ok) throw new ReckonError('JOURNAL_INTEGRITY', `${path}: journal broken at seq ${v.firstBadSeq}: ${v.reason}; nothing appended`);
  const f: Folded = { incidents: initialIncidentState(), risk: initialRiskState(), lastTs: 0, lastSeq: 0 };
  for (const r of openJournalForRead(path) as Iterable<JournalRecord>) {
    evolveIncidents(f.incidents, r);
    evolveRisk(f.risk, r, 1);
    f.lastTs = Math.max(f.lastTs, r.ts);
    f.lastSeq = r.seq;
  }
  return f;
}

/** The escalation step an incident has reached at `now`, from the catalog. */
function escalation(inc: Incident, now: number): string {
  const entry = FAILURE_CATALOG.find((e) => e.code === inc.code);
  if (!entry || inc.status !== 'open') return '-';
  const reached = entry.escalation.filter((e) => now - inc.openedTs >= e.afterMs);
  return reached.length === 0 ? '-' : reached[reached.length - 1]!.action;
}

function parseAt(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new ReckonError('USAGE', `--at: "${text}" is neither epoch milliseconds nor an ISO-8601 time`);
  return n;
}

export function registerIncidentCommands(program: Command, io: Io): void {
  const incident = program.command('incident').description('Incident lifecycle on a journal: open -> acknowledged -> resolved, every step journaled.');
  incident.command('list')
    .description('List the incidents of a journal with status, age, escalation reached and playbook.')
    .requiredOption('--journal <path>', 'journal file')
    .option('--json', 'print as JSON')
    .action((flags: { journal: string; json?: boolean }) => {
      const f = foldVerified(flags.journal);
      const list = [...f.incidents.incidents.values()].map((i) => ({
        incidentId: i.incidentId, code: i.code, severity: i.severity, status: i.status, account: i.account, instrument: i.instrument,
        openedSeq: i.openedSeq, openedTs: i.openedTs, ageMs: f.lastTs - i.openedTs, escalation: escalation(i, f.lastTs),
        restrictedTo: i.restrictedTo, playbook: playbookLink(i.code), history: i.history,
      }));
      if (flags.json) { io.out(JSON.stringify(list, null, 2) + '\n'); return; }
      if (list.length === 0) { io.out(`${flags.journal}: no incidents\n`); return; }
      for (const i of list) {
        io.out(`${i.incidentId}  ${i.code}  ${i.severity}  ${i.status}  ${i.instrument ?? i.account}  opened seq ${i.openedSeq} at ${new Date(i.openedTs).toISOString()}  age ${Math.round(i.ageMs / 1000)} s\n`);
        if (i.escalation !== '-') io.out(`    escalation: ${i.escalation}\n`);
        for (const h of i.history.slice(1)) io.out(`    ${h.status} by ${h.actor} at seq ${h.seq}: ${h.reason}\n`);
        io.out(`    playbook: ${i.playbook}\n`);
      }
    });
  for (const action of ['ack', 'resolve'] as const) {
    incident.command(`${action} <id>`)
      .description(action === 'ack'
        ? 'Acknowledge an incident (releases the trading state the recovery rule set for it).'
        : 'Resolve an incident (acknowledges it first if still open).')
      .requiredOption('--journal <path>', 'journal file')
      .requiredOption('--by <name>', 'operator (actor)')
      .requiredOption('--note <text>', 'reason')
      .option('--at <time>', 'event time of the action (default: last record ts + 1 ms)')
      .action(async (id: string, flags: { journal: string; by: string; note: string; at?: string }) => {
        requireFile(flags.journal);
        const owner = readJournalLock(flags.journal);
        if (owner !== null && owner.state !== 'stale') { await viaServer(io, action, id, flags, owner); return; }
        const f = foldVerified(flags.journal);
        const ts = flags.at === undefined ? f.lastTs + 1 : parseAt(flags.at);
        if (ts < f.lastTs) throw new ReckonError('USAGE', `--at ${ts} is before the journal's last record (${f.lastTs})`);
        const d = decideIncident(f.incidents, { action, incidentId: id, actor: flags.by, reason: flags.note, ts }, (i) => tradingStateOf(f.risk, i));
        if (!d.ok) throw new ReckonError('USAGE', `incident ${action}: ${d.error}`);
        const journal = SqliteJournal.open(flags.journal);
        try {
          for (const draft of d.records) {
            const r = journal.append(draft);
            const p = r.payload as { kind: string; from?: string; to?: string };
            io.out(`seq ${r.seq}  ${p.kind}${p.kind === 'trading_state_changed' ? ` ${r.instrument}: ${p.from} -> ${p.to}` : ''}  ${id}\n`);
          }
          journal.commitSync();
        } finally {
          journal.closeSync();
        }
      });
  }
}

/**
 * Sends ack/resolve to the `serve` that owns the journal. Refused (JOURNAL_LOCKED) when the
 * owner has no API or no operator token is set; API errors are reported with their code.
 */
async function viaServer(io: Io, action: 'ack' | 'resolve', id: string, flags: { journal: string; note: string; at?: string }, owner: JournalLockOwner): Promise<void> {
  const who = `pid ${owner.pid} (${owner.command})`;
  if (owner.api === null) {
    throw new ReckonError('JOURNAL_LOCKED', `${flags.journal} is open for writing by ${who}, which serves no API; stop it or act through it — nothing was written`);
  }
  const token = process.env.RECKON_OPERATOR_TOKEN;
  if (!token) {
    throw new ReckonError('JOURNAL_LOCKED', `${flags.journal} is open for writing by ${who}; set RECKON_OPERATOR_TOKEN to an operator token of its API (${owner.api}) to send the ${action} there, or use the console — nothing was written`);
  }
  if (flags.at !== undefined) throw new ReckonError('USAGE', `--at: ${flags.journal} is owned by a running server, which stamps the action with its own clock`);
  const url = `${owner.api}/api/incidents/${encodeURIComponent(id)}/${action}`;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ reason: flags.note }), signal: AbortSignal.timeout(15_000) });
  } catch (e) {
    throw new ReckonError('IO_ERROR', `${flags.journal} is owned by ${who}, but its API ${owner.api} did not answer (${(e as Error).message}); nothing was written`);
  }
  const body = await res.json().catch(() => null) as { ok?: boolean; records?: { seq: number; payload: { kind: string; from?: string; to?: string; actor?: string } }[]; error?: { code: string; message: string } } | null;
  if (!res.ok || !body?.ok) {
    const e = body?.error;
    throw new ReckonError('USAGE', `incident ${action} via ${owner.api}: ${res.status} ${e ? `${e.code}: ${e.message}` : 'unexpected answer'}`);
  }
  io.err(`${flags.journal} is owned by ${who}; sent through its API ${owner.api}\n`);
  for (const r of body.records ?? []) {
    io.out(`seq ${r.seq}  ${r.payload.kind}${r.payload.kind === 'trading_state_changed' ? ` ${r.payload.from} -> ${r.payload.to}` : ''}  ${id}${r.payload.actor ? `  by ${r.payload.actor}` : ''}\n`);
  }
}
