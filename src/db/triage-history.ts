/**
 * The story of triage after the fact: reopening a mistaken acknowledgement, resolution or
 * write-off (audited `reopen`), and reading back from the audit log what was settled or reopened
 * in a period, for the report's "Resolved this period" section. The log is the record: an item
 * resolved, reopened and resolved again shows all three, each with its own note.
 */
import { appendAudit } from './audit.js';
import { getDiscrepancyViews } from './discrepancies.js';
import { translateDbError, type DB } from './open.js';
import type { DiscrepancyView, ResolvedEvent, ResolvedSection } from '../domain/discrepancy.js';
import { UsageError } from '../errors.js';

const REOPENABLE = new Set(['acknowledged', 'resolved', 'written_off']);

/**
 * Put acknowledged, resolved or written-off items back in the open queue with a note saying
 * why: one `reopen` audit entry per item, all in one transaction or none (UsageError naming
 * each id that cannot be reopened). Closed items are not reopened by hand: a run closed them
 * because their cause is gone, or a manual match explained them (`unmatch` undoes that).
 * A rejected row's reject counts again (exit bit 8), as before it was resolved.
 */
export function reopenDiscrepancies(db: DB, ids: number[], who: { note: string; by: string; at: string }): DiscrepancyView[] {
  const unique = [...new Set(ids)];
  const get = db.prepare('SELECT id, kind, status, note, resolved_by, reason_code, reject_id FROM discrepancies WHERE id = ?');
  const apply = db.transaction(() => {
    const found = unique.map((id) => ({
      id,
      row: get.get(id) as { id: number; kind: string; status: string; note: string | null; resolved_by: string | null; reason_code: string | null; reject_id: number | null } | undefined,
    }));
    const problems: string[] = [];
    const missing = found.filter((f) => !f.row).map((f) => f.id);
    if (missing.length) problems.push(`no discrepancy with id ${missing.join(', ')}`);
    for (const { id, row } of found) {
      if (!row) continue;
      if (row.status === 'open') problems.push(`discrepancy ${id} is already open`);
      else if (row.status === 'closed') problems.push(`discrepancy ${id} is closed (its cause went away, or a manual match explains it; undo a match with payrecon unmatch)`);
    }
    if (problems.length) throw new UsageError(`${problems.join('; ')}; nothing was changed`, 'see `payrecon discrepancies --status all`');
    const update = db.prepare(
      `UPDATE discrepancies SET status = 'open', note = ?, resolved_by = NULL, resolved_at = NULL, reason_code = NULL, version = version + 1 WHERE id = ?`,
    );
    const unresolveReject = db.prepare('UPDATE rejects SET resolved_at = NULL, resolved_by = NULL, resolution_note = NULL WHERE id = ?');
    for (const { id, row } of found) {
      if (!REOPENABLE.has(row!.status)) continue;
      update.run(who.note, id);
      if (row!.kind === 'rejected_row' && row!.reject_id !== null) unresolveReject.run(row!.reject_id);
      appendAudit(db, {
        action: 'reopen',
        subject: `discrepancy ${id}`,
        // What is undone, so the log alone tells the story (the item's fields are cleared).
        details: { kind: row!.kind, from: row!.status, to: 'open', note: who.note, undone: { note: row!.note, by: row!.resolved_by, reason: row!.reason_code } },
        actor: who.by,
        at: who.at,
      });
    }
    return getDiscrepancyViews(db, unique, new Date(who.at));
  });
  try {
    return apply.immediate();
  } catch (err) {
    throw translateDbError(err, db.name);
  }
}

/** The audit actions that settle, close or reopen an item: what "Resolved this period" lists. */
export const STORY_ACTIONS = ['acknowledge', 'resolve', 'write_off', 'auto_close', 'match_close', 'unmatch_close', 'reopen'] as const;

/**
 * Settlements and reopenings logged at or after `since` (ISO time; null: from the start),
 * newest first, at most `limit` of them, with how many there were in all and per action. One
 * pass over the log's tail, joined to each item for its kind, currency, reference and amount.
 */
export function resolvedSince(db: DB, since: string | null, until: string, limit: number): ResolvedSection {
  const actions = STORY_ACTIONS.map((a) => `'${a}'`).join(', ');
  const where = `a.action IN (${actions}) AND a.at <= @until AND (CAST(@since AS TEXT) IS NULL OR a.at >= @since)`;
  const counts = db.prepare(`SELECT a.action AS action, count(*) AS n FROM audit_log a WHERE ${where} GROUP BY a.action`).all({ since, until }) as Array<{
    action: string;
    n: number;
  }>;
  const byAction: Record<string, number> = {};
  let total = 0;
  for (const c of counts) {
    byAction[c.action] = c.n;
    total += c.n;
  }
  const rows = db
    .prepare(
      `SELECT a.id AS entry, a.at, a.actor, a.action, a.details, d.id, d.kind, d.currency, d.reference, d.difference, d.status
       FROM audit_log a JOIN discrepancies d ON d.id = CAST(substr(a.subject, 13) AS INTEGER) AND a.subject = 'discrepancy ' || d.id
       WHERE ${where} ORDER BY a.id DESC LIMIT @limit`,
    )
    .all({ since, until, limit }) as Array<{
    entry: number;
    at: string;
    actor: string;
    action: string;
    details: string;
    id: number;
    kind: string;
    currency: string | null;
    reference: string | null;
    difference: string | null;
    status: string;
  }>;
  const items: ResolvedEvent[] = rows.map((r) => {
    const d = parseDetails(r.details);
    return {
      id: r.id,
      kind: r.kind as ResolvedEvent['kind'],
      currency: r.currency,
      reference: r.reference,
      difference: r.difference,
      action: r.action as ResolvedEvent['action'],
      by: r.actor,
      at: r.at,
      reason_code: typeof d.reason === 'string' ? d.reason : null,
      note: typeof d.note === 'string' ? d.note : typeof d.why === 'string' ? d.why : null,
      status_now: r.status as ResolvedEvent['status_now'],
      audit_entry: r.entry,
    };
  });
  return { since, until, total, by_action: byAction, items };
}

function parseDetails(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Where a run's report period starts by default: when the run before it started, so the
 * report of run N tells what was settled since the previous run saw those items (including
 * what run N no longer lists because it was resolved or closed meanwhile). Null for the first run.
 */
export function previousRunStart(db: DB, runId: number): string | null {
  return (db.prepare('SELECT started_at FROM recon_runs WHERE id < ? ORDER BY id DESC LIMIT 1').pluck().get(runId) as string | undefined) ?? null;
}
