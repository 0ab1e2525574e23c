/**
 * Discrepancies as the workflow, reports and the TUI see them: listing with filters, changing
 * status (acknowledge, resolve; audited), reprinting a run's document, and a run's matched totals.
 */
import { appendAudit } from './audit.js';
import { translateDbError, type DB } from './open.js';
import { UsageError } from '../errors.js';
import { refusal, statusConflict, type ItemState } from '../domain/conflict.js';
import { filterWhere, type DiscrepancyFilter } from './discrepancy-filter.js';
import { jsonObjectFn } from './sql.js';
import { formatMinor } from '../domain/money.js';
import type {
  DiscrepancyItem,
  DiscrepancyKind,
  DiscrepancySide,
  DiscrepancyStatus,
  DiscrepancyView,
  ProposalRef,
  ReconcileDocument,
  RunHeader,
  Severity,
} from '../domain/discrepancy.js';

export type { DiscrepancyFilter } from './discrepancy-filter.js';

interface DiscrepancyRecord {
  id: number;
  kind: DiscrepancyKind;
  severity: Severity;
  reason: string;
  currency: string | null;
  reference: string | null;
  psp: string | null;
  ledger: string | null;
  bank: string | null;
  difference: string | null;
  status: DiscrepancyStatus;
  note: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
  first_seen_run: number;
  first_seen_at: string;
  closed_at: string | null;
  reject_id: number | null;
  reason_code: string | null;
  assignee: string | null;
  version: number;
  proposal?: string | null;
}

function toItem(r: DiscrepancyRecord): DiscrepancyItem {
  return {
    id: r.id,
    kind: r.kind,
    severity: r.severity,
    reason: r.reason,
    currency: r.currency,
    reference: r.reference,
    psp: r.psp ? (JSON.parse(r.psp) as DiscrepancySide) : null,
    ledger: r.ledger ? (JSON.parse(r.ledger) as DiscrepancySide) : null,
    difference: r.difference,
    // Only the payout/deposit kinds have a bank side; other items keep their contract shape.
    ...(r.bank ? { bank: JSON.parse(r.bank) as DiscrepancySide } : {}),
  };
}

const DAY_MS = 86_400_000;

// Every column the views need; not difference_minor, an integer that exists for SQL ordering
// and that a JS number could not always hold exactly.
const COLUMNS = `d.id, d.kind, d.severity, d.reason, d.currency, d.reference, d.psp, d.ledger, d.bank, d.difference, d.status, d.note,
  d.resolved_by, d.resolved_at, d.first_seen_run, d.first_seen_at, d.closed_at, d.reject_id, d.reason_code, d.assignee, d.version`;

// The open proposal naming the item as either side, as JSON (ProposalRef): the counterpart is the other side.
function proposalColumn(db: DB): string {
  const obj = jsonObjectFn(db);
  return `coalesce(
  (SELECT ${obj}('id', x.id, 'rule', x.rule, 'confidence', x.confidence, 'counterpart', ${obj}('side', 'ledger',
     'id', x.ledger_external_id, 'source', x.ledger_source, 'discrepancy', x.ledger_discrepancy_id))
   FROM proposals x WHERE x.psp_discrepancy_id = d.id AND x.status = 'open'),
  (SELECT ${obj}('id', x.id, 'rule', x.rule, 'confidence', x.confidence, 'counterpart', ${obj}('side', 'psp',
     'id', x.psp_external_id, 'source', x.psp_source, 'discrepancy', x.psp_discrepancy_id))
   FROM proposals x WHERE x.ledger_discrepancy_id = d.id AND x.status = 'open')) AS proposal`;
}

/** Every column of an item's view: the stored columns and its open proposal. */
function viewColumns(db: DB): string {
  return `${COLUMNS}, ${proposalColumn(db)}`;
}

function toView(r: DiscrepancyRecord, now: Date): DiscrepancyView {
  // An item ages until someone resolves it or its cause goes away.
  const settled = r.status === 'resolved' || r.status === 'written_off';
  const end = r.status === 'closed' && r.closed_at ? Date.parse(r.closed_at) : settled && r.resolved_at ? Date.parse(r.resolved_at) : now.getTime();
  // The item's keys first, then the workflow's: the order `discrepancies --json` prints. Assigned
  // onto the item itself, so a report reading 100,000 rows builds one object per row.
  return Object.assign(toItem(r), {
    status: r.status,
    note: r.note,
    resolved_by: r.resolved_by,
    resolved_at: r.resolved_at,
    first_seen_run: r.first_seen_run,
    age_days: Math.max(0, Math.floor((end - Date.parse(r.first_seen_at)) / DAY_MS)),
    reason_code: r.reason_code,
    assignee: r.assignee,
    version: r.version,
    proposal: r.proposal ? (JSON.parse(r.proposal) as ProposalRef) : null,
  });
}

/** Ids of the items a filter selects, oldest first. */
export function selectDiscrepancyIds(db: DB, filter: DiscrepancyFilter, now: Date): number[] {
  const { where, params } = filterWhere(db, filter, now);
  return db.prepare(`SELECT d.id FROM discrepancies d ${where} ORDER BY d.id`).pluck().all(params) as number[];
}

/**
 * Set (or clear, with null) the owner of each item: one `assign` audit entry per item whose
 * owner changes, in the caller's transaction. UsageError naming ids that do not exist.
 */
export function setAssignee(db: DB, ids: number[], assignee: string | null, who: { by: string; at: string }): number[] {
  const get = db.prepare('SELECT id, assignee FROM discrepancies WHERE id = ?');
  const rows = [...new Set(ids)].map((id) => ({ id, row: get.get(id) as { id: number; assignee: string | null } | undefined }));
  const missing = rows.filter((r) => !r.row).map((r) => r.id);
  if (missing.length) throw new UsageError(`no discrepancy with id ${missing.join(', ')}; nothing was changed`);
  const update = db.prepare('UPDATE discrepancies SET assignee = ?, version = version + 1 WHERE id = ?');
  const changed: number[] = [];
  for (const { id, row } of rows) {
    if (row!.assignee === assignee) continue;
    update.run(assignee, id);
    appendAudit(db, { action: 'assign', subject: `discrepancy ${id}`, details: { from: row!.assignee, to: assignee }, actor: who.by, at: who.at });
    changed.push(id);
  }
  return changed;
}

/** Change an item's note without changing its status (a spreadsheet edit): audited `note`. */
export function setDiscrepancyNote(db: DB, id: number, note: string | null, who: { by: string; at: string }): void {
  db.prepare('UPDATE discrepancies SET note = ?, version = version + 1 WHERE id = ?').run(note, id);
  appendAudit(db, { action: 'note', subject: `discrepancy ${id}`, details: { note }, actor: who.by, at: who.at });
}

/** The items with these ids as they are now (ids that do not exist are left out). */
export function getDiscrepancyViews(db: DB, ids: number[], now: Date): DiscrepancyView[] {
  const get = db.prepare(`SELECT ${viewColumns(db)} FROM discrepancies d WHERE d.id = ?`);
  return ids.flatMap((id) => {
    const r = get.get(id) as DiscrepancyRecord | undefined;
    return r ? [toView(r, now)] : [];
  });
}

/** Discrepancies by status (default open), kind, and/or the run that saw them; oldest id first. */
export function listDiscrepancies(db: DB, filter: DiscrepancyFilter, now: Date): DiscrepancyView[] {
  return [...iterateDiscrepancies(db, filter, now)];
}

/** listDiscrepancies row by row (the connection is busy until the iteration ends). */
export function* iterateDiscrepancies(db: DB, filter: DiscrepancyFilter, now: Date): Generator<DiscrepancyView> {
  const { where, params } = filterWhere(db, filter, now);
  const sql = `SELECT ${viewColumns(db)} FROM discrepancies d ${where} ORDER BY d.id`;
  for (const r of db.prepare(sql).iterate(params) as IterableIterator<DiscrepancyRecord>) yield toView(r, now);
}

/** A change of status: acknowledge, resolve, or write off against a reason code. */
export interface StatusChangeRecord {
  status: 'acknowledged' | 'resolved' | 'written_off';
  note: string;
  by: string;
  at: string;
  /** written_off: the reason code (checked by the caller to exist). */
  reasonCode?: string;
  /** Refuse items whose absolute difference exceeds this many minor units of their currency (or that have none). */
  maxMinorFor?: (currency: string) => bigint;
}

const ACTION = { acknowledged: 'acknowledge', resolved: 'resolve', written_off: 'write_off' } as const;

/**
 * Acknowledge, resolve or write off; nothing written when an id cannot change: UsageError (16)
 * for ids that do not exist or exceed the --max-amount guard, else ConflictError (17) for items
 * someone already settled (resolved, written off, closed; acknowledged when acknowledging),
 * naming who and when (src/domain/conflict.ts). One audit entry per id in one transaction. Resolving or writing off a
 * rejected_row also resolves the reject, so it stops setting bit 8.
 */
export function setDiscrepancyStatus(db: DB, ids: number[], change: StatusChangeRecord): DiscrepancyView[] {
  const unique = [...new Set(ids)];
  const get = db.prepare(`SELECT ${viewColumns(db)} FROM discrepancies d WHERE d.id = ?`);
  const minor = db.prepare('SELECT difference_minor FROM discrepancies WHERE id = ?').pluck().safeIntegers(true);
  const apply = db.transaction(() => {
    const found = unique.map((id) => ({ id, row: get.get(id) as DiscrepancyRecord | undefined }));
    const problems: string[] = [];
    const conflicts: string[] = [];
    const missing = found.filter((f) => !f.row).map((f) => f.id);
    if (missing.length) problems.push(`no discrepancy with id ${missing.join(', ')}`);
    for (const f of found) {
      if (!f.row) continue;
      // Who got there first is named: two analysts on one queue learn whom to talk to.
      const conflict = statusConflict(f.id, itemState(db, f.row), change.status);
      if (conflict) conflicts.push(conflict);
      else if (change.maxMinorFor) {
        const diff = minor.get(f.id) as bigint | null;
        if (diff === null || !f.row.currency) problems.push(`discrepancy ${f.id} (${f.row.kind}) has no amount difference to hold against --max-amount`);
        else if ((diff < 0n ? -diff : diff) > change.maxMinorFor(f.row.currency)) {
          problems.push(`discrepancy ${f.id} differs by ${f.row.difference} ${f.row.currency}, more than --max-amount`);
        }
      }
    }
    const refused = refusal(problems, conflicts, { tail: 'nothing was changed', hint: 'see `payrecon discrepancies --status all`' });
    if (refused) throw refused;
    const update = db.prepare(
      'UPDATE discrepancies SET status = ?, note = ?, resolved_by = ?, resolved_at = ?, reason_code = ?, version = version + 1 WHERE id = ?',
    );
    const resolveReject = db.prepare('UPDATE rejects SET resolved_at = ?, resolved_by = ?, resolution_note = ? WHERE id = ? AND resolved_at IS NULL');
    for (const { id, row } of found) {
      update.run(change.status, change.note, change.by, change.at, change.status === 'written_off' ? change.reasonCode ?? null : null, id);
      if (change.status !== 'acknowledged' && row!.kind === 'rejected_row' && row!.reject_id !== null) {
        resolveReject.run(change.at, change.by, change.note, row!.reject_id);
      }
      appendAudit(db, {
        action: ACTION[change.status],
        subject: `discrepancy ${id}`,
        details: {
          kind: row!.kind,
          from: row!.status,
          to: change.status,
          note: change.note,
          ...(change.status === 'written_off' ? { reason: change.reasonCode, amount: row!.difference, currency: row!.currency } : {}),
        },
        actor: change.by,
        at: change.at,
      });
    }
    return found.map(({ id }) => toView(get.get(id) as DiscrepancyRecord, new Date(change.at)));
  });
  // db.transaction() raises SQLite's own SQLITE_BUSY when another run holds the write lock;
  // translate it like withWriteTransaction does, so the user gets exit 19 and a hint, not 21.
  try {
    return apply.immediate();
  } catch (err) {
    throw translateDbError(err, db.name);
  }
}

/** The item's state as a conflict names it: for a closed item, the run or manual match that closed it. */
function itemState(db: DB, r: DiscrepancyRecord): ItemState {
  const closed =
    r.status === 'closed'
      ? (db
          .prepare(
            `SELECT d.closed_run, m.id AS match_id, m.created_by AS match_by, m.created_at AS match_at
             FROM discrepancies d LEFT JOIN manual_matches m ON m.id = d.closed_by_match WHERE d.id = ?`,
          )
          .get(r.id) as { closed_run: number | null; match_id: number | null; match_by: string | null; match_at: string | null } | undefined)
      : undefined;
  return {
    status: r.status,
    resolved_by: r.resolved_by,
    resolved_at: r.resolved_at,
    closed_at: r.closed_at,
    closed_run: closed?.closed_run ?? null,
    closedByMatch: closed?.match_id != null ? { id: closed.match_id, by: closed.match_by!, at: closed.match_at! } : null,
  };
}

interface RunRow {
  id: number;
  exit_code: number;
  window_from: string | null;
  window_to: string | null;
  psp_count: number;
  ledger_count: number;
  matched_count: number;
}

/** A run's document without its items: what comes before the `discrepancies` array. */

// The items of a run's document: what was open or acknowledged when the run saw it.
const RUN_ITEMS = `FROM recon_run_discrepancies r JOIN discrepancies d ON d.id = r.discrepancy_id
  WHERE r.run_id = ? AND r.status_at_run IN ('open', 'acknowledged')`;

/**
 * The run's header (latest run if undefined); UsageError if no such run. Counts per kind come
 * from SQL, in order of each kind's first item, which is the key order the document has always
 * had; so the header can be printed before a single item is read.
 */
export function getRunHeader(db: DB, runId?: number): RunHeader {
  const run = (
    runId === undefined ? db.prepare('SELECT * FROM recon_runs ORDER BY id DESC LIMIT 1').get() : db.prepare('SELECT * FROM recon_runs WHERE id = ?').get(runId)
  ) as RunRow | undefined;
  if (!run) {
    throw new UsageError(runId === undefined ? 'no reconcile run yet' : `no reconcile run ${runId}`, 'run `payrecon reconcile` first');
  }
  const kinds = db.prepare(`SELECT d.kind AS kind, count(*) AS n ${RUN_ITEMS} GROUP BY d.kind ORDER BY min(d.id)`).all(run.id) as Array<{
    kind: DiscrepancyKind;
    n: number;
  }>;
  const by_kind: Partial<Record<DiscrepancyKind, number>> = {};
  let total = 0;
  for (const k of kinds) {
    by_kind[k.kind] = k.n;
    total += k.n;
  }
  return {
    run: run.id,
    exit_code: run.exit_code,
    window: { from: run.window_from, to: run.window_to },
    counts: { psp: run.psp_count, ledger: run.ledger_count, matched: run.matched_count, discrepancies: total },
    by_kind,
  };
}

/**
 * The run's items in document order (by id), each with its workflow state now: one query,
 * read row by row, so a run of 100,000 items never sits in memory at once. The connection is
 * busy until the iteration ends: read anything else first.
 */
export function* iterateRunRows(db: DB, runId: number, now: Date): Generator<DiscrepancyView> {
  for (const r of db.prepare(`SELECT ${viewColumns(db)} ${RUN_ITEMS} ORDER BY r.discrepancy_id`).iterate(runId) as IterableIterator<DiscrepancyRecord>) {
    yield toView(r, now);
  }
}

/** The run's items in document order, as `reconcile --json` prints them. */
export function* iterateRunItems(db: DB, runId: number): Generator<DiscrepancyItem> {
  for (const r of db.prepare(`SELECT ${COLUMNS} ${RUN_ITEMS} ORDER BY r.discrepancy_id`).iterate(runId) as IterableIterator<DiscrepancyRecord>) {
    yield toItem(r);
  }
}

/**
 * A recorded run's items in document order, read afresh from the database (row by row) each
 * time they are iterated: what a reconcile hands its caller instead of an array of them.
 */
export function runItems(db: DB, runId: number): Iterable<DiscrepancyItem> {
  return { [Symbol.iterator]: () => iterateRunItems(db, runId) };
}

/** The document `reconcile --json` printed for that run (latest run if undefined); UsageError if no such run. */
export function getRunDocument(db: DB, runId?: number): ReconcileDocument {
  const header = getRunHeader(db, runId);
  return { ...header, discrepancies: [...iterateRunItems(db, header.run)] };
}

/** Matched count and gross amount per currency for a run (report headline). Payouts count as
 *  matched rows but add no amount: their money is the charges and refunds already counted. */
export function matchedTotals(db: DB, runId: number): Array<{ currency: string; count: number; amount: string }> {
  const rows = db
    .prepare('SELECT currency, matched, amount_minor, amount_text FROM recon_run_totals WHERE run_id = ? ORDER BY currency')
    .safeIntegers(true)
    .all(runId) as Array<{ currency: string; matched: bigint; amount_minor: bigint; amount_text: string | null }>;
  return rows.map((r) => ({
    currency: r.currency,
    count: Number(r.matched),
    amount: formatMinor(r.amount_text === null ? r.amount_minor : BigInt(r.amount_text), r.currency),
  }));
}
