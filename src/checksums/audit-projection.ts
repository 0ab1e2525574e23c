/**
 * Workflow state as a projection of the audit log. Replaying the log derives what the tables
 * must hold: every discrepancy's status, note, resolver and time (open unless an entry changed
 * it), every baseline and its approved generation, every import and reconcile run. Comparing the
 * derivation with the tables names each difference, so a status set to resolved with an invented
 * note, a baseline deleted, or a log emptied while the tables keep their rows is found. Pure.
 */
import type { AuditEntry } from './audit-chain.js';

export interface WorkflowRow {
  id: number;
  status: string;
  note: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
}

/** What the tables hold, read by src/db/audit.ts. */
export interface StoredState {
  discrepancies: Iterable<WorkflowRow>;
  baselines: Array<{ name: string; generation: number }>;
  importIds: number[];
  runIds: number[];
}

interface Derived {
  discrepancies: Map<number, WorkflowRow & { entry: number }>;
  baselines: Map<string, { generation: number; entry: number }>;
  imports: Map<number, number>;
  runs: Map<number, number>;
}

const number = (subject: string, prefix: string): number | null => {
  const m = new RegExp(`^${prefix} (\\d+)$`).exec(subject);
  return m ? Number(m[1]) : null;
};

function parse(details: string): Record<string, unknown> {
  try {
    const v = JSON.parse(details) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const SETTLED: Record<string, string> = { resolve: 'resolved', acknowledge: 'acknowledged', write_off: 'written_off' };

/** A status change that keeps the item's note, resolver and time as they were. */
function keepRecord(d: Derived, e: Pick<AuditEntry, 'id' | 'subject'>, status: string): void {
  const id = number(e.subject, 'discrepancy');
  if (id === null) return;
  const before = d.discrepancies.get(id);
  d.discrepancies.set(id, { id, status, note: before?.note ?? null, resolved_by: before?.resolved_by ?? null, resolved_at: before?.resolved_at ?? null, entry: e.id });
}

/** Replay the log, oldest first. */
export function replayAudit(entries: Iterable<Pick<AuditEntry, 'id' | 'at' | 'actor' | 'action' | 'subject' | 'details'>>): Derived {
  const d: Derived = { discrepancies: new Map(), baselines: new Map(), imports: new Map(), runs: new Map() };
  for (const e of entries) {
    const details = parse(e.details);
    switch (e.action) {
      case 'resolve':
      case 'acknowledge':
      case 'write_off': {
        const id = number(e.subject, 'discrepancy');
        if (id === null) break;
        const note = typeof details.note === 'string' ? details.note : null;
        d.discrepancies.set(id, { id, status: SETTLED[e.action], note, resolved_by: e.actor, resolved_at: e.at, entry: e.id });
        break;
      }
      // Closed by a run that no longer finds the cause, by a manual match that explains it, or
      // (a match's difference) by undoing the match: the status changes, the triage record stays.
      case 'auto_close':
      case 'match_close':
      case 'unmatch_close':
        keepRecord(d, e, 'closed');
        break;
      // Undoing a manual match reopens what it closed; an earlier acknowledgement's note stays.
      case 'unmatch_reopen':
        keepRecord(d, e, 'open');
        break;
      // `resolve <id> --status open`: a mistaken settlement undone; the reopen note replaces
      // the old one (kept in the entry's details) and the resolver and time are cleared.
      case 'reopen': {
        const id = number(e.subject, 'discrepancy');
        if (id === null) break;
        const note = typeof details.note === 'string' ? details.note : null;
        d.discrepancies.set(id, { id, status: 'open', note, resolved_by: null, resolved_at: null, entry: e.id });
        break;
      }
      // A spreadsheet edit of the note alone.
      case 'note': {
        const id = number(e.subject, 'discrepancy');
        if (id === null) break;
        const before = d.discrepancies.get(id);
        const note = typeof details.note === 'string' ? details.note : null;
        d.discrepancies.set(id, { id, status: before?.status ?? 'open', note, resolved_by: before?.resolved_by ?? null, resolved_at: before?.resolved_at ?? null, entry: e.id });
        break;
      }
      case 'baseline_init':
        d.baselines.set(e.subject, { generation: 1, entry: e.id });
        break;
      case 'baseline_update':
        d.baselines.set(e.subject, { generation: typeof details.generation === 'number' ? details.generation : NaN, entry: e.id });
        break;
      case 'import':
        if (typeof details.import_id === 'number') d.imports.set(details.import_id, e.id);
        break;
      case 'reconcile': {
        const id = number(e.subject, 'run');
        if (id !== null) d.runs.set(id, e.id);
        break;
      }
    }
  }
  return d;
}

const show = (v: string | null) => (v === null ? 'nothing' : JSON.stringify(v));
const FIELDS = ['status', 'note', 'resolved_by', 'resolved_at'] as const;

/** Every difference between what the log derives and what the tables hold, in a stable order. */
export function compareProjection(derived: Derived, stored: StoredState): string[] {
  const out: string[] = [];
  const seen = new Set<number>();
  for (const row of stored.discrepancies) {
    seen.add(row.id);
    const want = derived.discrepancies.get(row.id);
    const expected: WorkflowRow = want ?? { id: row.id, status: 'open', note: null, resolved_by: null, resolved_at: null };
    for (const f of FIELDS) {
      if (expected[f] !== row[f]) {
        const source = want ? `audit entry ${want.entry}` : 'no audit entry changed it';
        out.push(`discrepancy ${row.id}: ${f} is ${show(row[f])} in the table, the log says ${show(expected[f])} (${source})`);
      }
    }
  }
  for (const [id, want] of derived.discrepancies) {
    if (!seen.has(id)) out.push(`discrepancy ${id}: recorded in audit entry ${want.entry} but missing from the table`);
  }
  const tableBaselines = new Map(stored.baselines.map((b) => [b.name, b.generation]));
  for (const [name, want] of derived.baselines) {
    const have = tableBaselines.get(name);
    if (have === undefined) out.push(`baseline "${name}": approved in audit entry ${want.entry} but missing from the table (deleted?)`);
    else if (have !== want.generation) out.push(`baseline "${name}": generation ${have} in the table, the log approved generation ${want.generation} (audit entry ${want.entry})`);
  }
  for (const [name] of tableBaselines) if (!derived.baselines.has(name)) out.push(`baseline "${name}": in the table but no audit entry approved it`);
  const sets: Array<[string, Map<number, number>, number[]]> = [
    ['import', derived.imports, stored.importIds],
    ['reconcile run', derived.runs, stored.runIds],
  ];
  for (const [what, logged, ids] of sets) {
    const have = new Set(ids);
    const unlogged = ids.filter((id) => !logged.has(id));
    if (unlogged.length) out.push(`${what} ${listIds(unlogged)}: in the tables but not in the audit log (log entries deleted?)`);
    const gone = [...logged.keys()].filter((id) => !have.has(id));
    if (gone.length) out.push(`${what} ${listIds(gone)}: in the audit log but missing from the tables`);
  }
  return out;
}

function listIds(ids: number[]): string {
  const shown = ids.slice(0, 10).join(', ');
  return ids.length > 10 ? `${shown} and ${ids.length - 10} more` : shown;
}
