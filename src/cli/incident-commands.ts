/**
 * `reckon incident list|ack|resolve --journal PATH`: the incident lifecycle against an existing
 * journal. The chain is verified first; ack/resolve append journaled S07 operator actions (actor
 * from --by, reason from --note). Their time is --at (epoch ms or ISO-8601), by default the
 * journal's last record ts + 1 ms: deterministic, and never before what the journal already holds.
 */
import type { Command } from 'commander';
import { ReckonError } from '../domain/errors.js';
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
      .action((id: string, flags: { journal: string; by: string; note: string; at?: string }) => {
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
