/**
 * Writing a run: the run record, its matches, its per-currency totals, and its findings merged
 * into the discrepancies that live across runs (same cause, same id; cause gone, closed with an
 * audit entry). Called inside the run's write transaction, after the stages filled recon_matches and temp.f.
 */
import { appendAudit } from './audit.js';
import { dialectOf, type DB } from './open.js';
import { tempSchema } from './sql.js';
import { DISCREPANCY_KINDS, type DiscrepancyKind } from '../domain/discrepancy.js';

/** Clean matches of a run in one currency: how many PSP rows, and their gross (payouts add 0). */
export interface CurrencyTotal {
  matched: number;
  amountMinor: bigint;
}

/** A run as it starts: its parameters and what is in scope. */
export interface NewRun {
  startedAt: string;
  actor: string;
  from: string | null;
  to: string | null;
  amountTolerance: string;
  dateWindow: number;
  failOn: DiscrepancyKind[] | null;
  pspCount: number;
  ledgerCount: number;
}

export function insertRun(db: DB, r: NewRun): number {
  const info = db
    .prepare(
      `INSERT INTO recon_runs (started_at, finished_at, actor, window_from, window_to, amount_tolerance, date_window, fail_on,
         exit_code, psp_count, ledger_count, matched_count, discrepancy_count)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 0, 0) RETURNING id`,
    )
    .pluck()
    .get(r.startedAt, r.startedAt, r.actor, r.from, r.to, r.amountTolerance, r.dateWindow, r.failOn ? JSON.stringify(r.failOn) : null, r.pspCount, r.ledgerCount);
  return Number(info);
}

const I64_MAX = 2n ** 63n - 1n;

/** Record the run's matched totals per currency (its pairs are already in recon_matches). */
export function storeTotals(db: DB, runId: number, totals: Map<string, CurrencyTotal>): void {
  const ins = db.prepare('INSERT INTO recon_run_totals (run_id, currency, matched, amount_minor, amount_text) VALUES (?, ?, ?, ?, ?)');
  for (const [currency, t] of [...totals].sort(([a], [b]) => a.localeCompare(b))) {
    // A total past 64 bits (many rows near the per-row bound) is kept as text, exactly.
    const fits = t.amountMinor <= I64_MAX && t.amountMinor >= -I64_MAX;
    ins.run(runId, currency, t.matched, fits ? t.amountMinor : 0n, fits ? null : t.amountMinor.toString());
  }
}

// New discrepancies get ids in a stable order: by kind as the contract lists them, then date.
const KIND_ORDER = `CASE kind ${DISCREPANCY_KINDS.map((k, i) => `WHEN '${k}' THEN ${i}`).join(' ')} END`;

export interface MergeOutcome {
  created: number;
  persisting: number;
  closed: number[];
}

/**
 * Merge this run's findings (temp.f) into `discrepancies`. A finding whose fingerprint is live
 * (open, acknowledged or resolved) keeps that id and status; a new one is opened; a live open or
 * acknowledged item inside this run's scope that was not found again is closed and audited.
 */
export function mergeFindings(db: DB, runId: number, at: string, actor: string, window: { from: string | null; to: string | null }): MergeOutcome {
  const persisting = db
    .prepare(
      `UPDATE discrepancies SET last_seen_run = @run, severity = f.severity, reason = f.reason, currency = f.currency,
         reference = f.reference, psp = f.psp, ledger = f.ledger, bank = f.bank, difference = f.difference, difference_minor = f.difference_minor
       FROM ${tempSchema(db)}.f AS f WHERE discrepancies.fingerprint = f.fingerprint AND discrepancies.status <> 'closed'`,
    )
    .run({ run: runId }).changes;
  const created = db
    .prepare(
      `INSERT INTO discrepancies (fingerprint, kind, severity, reason, currency, reference, psp, ledger, bank, difference, difference_minor,
         scope_date, reject_id, status, first_seen_run, first_seen_at, last_seen_run)
       SELECT fingerprint, kind, severity, reason, currency, reference, psp, ledger, bank, difference, difference_minor,
         scope_date, reject_id, 'open', @run, @at, @run
       FROM ${tempSchema(db)}.f f
       WHERE NOT EXISTS (SELECT 1 FROM discrepancies d WHERE d.fingerprint = f.fingerprint AND d.status <> 'closed')
       ORDER BY ${KIND_ORDER}, coalesce(scope_date, ''), fingerprint`,
    )
    .run({ run: runId, at }).changes;
  db.prepare(
    `INSERT INTO recon_run_discrepancies (run_id, discrepancy_id, status_at_run)
     SELECT @run, id, status FROM discrepancies WHERE last_seen_run = @run AND status <> 'closed'`,
  ).run({ run: runId });

  const gone = db
    .prepare(
      `SELECT id, kind, fingerprint FROM discrepancies
       WHERE status IN ('open', 'acknowledged') AND last_seen_run <> @run
         AND (scope_date IS NULL OR ((CAST(@from AS TEXT) IS NULL OR scope_date >= @from) AND (CAST(@to AS TEXT) IS NULL OR scope_date <= @to)))
       ORDER BY id`,
    )
    .all({ run: runId, from: window.from, to: window.to }) as Array<{ id: number; kind: string; fingerprint: string }>;
  // version moves on: a spreadsheet row exported before the close is stale, not an edit of a closed item.
  const close = db.prepare(`UPDATE discrepancies SET status = 'closed', closed_run = ?, closed_at = ?, version = version + 1 WHERE id = ?`);
  for (const d of gone) {
    close.run(runId, at, d.id);
    appendAudit(db, {
      action: 'auto_close',
      subject: `discrepancy ${d.id}`,
      details: { run: runId, kind: d.kind, why: 'not found again by this run: its cause is gone' },
      actor,
      at,
    });
  }
  return { created, persisting, closed: gone.map((d) => d.id) };
}

/** The kinds of the open and acknowledged discrepancies of a run: what its exit code is made of. */
export function openKindsOfRun(db: DB, runId: number): DiscrepancyKind[] {
  return db
    .prepare(
      `SELECT DISTINCT d.kind FROM recon_run_discrepancies r JOIN discrepancies d ON d.id = r.discrepancy_id
       WHERE r.run_id = ? AND r.status_at_run IN ('open', 'acknowledged')`,
    )
    .pluck()
    .all(runId) as DiscrepancyKind[];
}

/** The tables whose ids the database assigns that a run inserts into. */
const RUN_IDENTITIES = ['recon_runs', 'discrepancies', 'proposals'];

/**
 * After a rolled-back run (a dry run), make the next ids the ones the run saw: SQLite's
 * max(id) + 1 does so by itself; PostgreSQL's identity sequences do not roll back, so a dry run
 * that said "run 1" would leave the real run to be run 2. Call inside a write transaction (the
 * writer lock: nobody else is between taking an id and committing it).
 */
export function rewindRunIds(db: DB): void {
  if (dialectOf(db) === 'sqlite') return;
  for (const t of RUN_IDENTITIES) {
    db.prepare(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), coalesce((SELECT max(id) FROM ${t}), 0) + 1, false)`).get();
  }
}

export function finishRun(db: DB, runId: number, r: { finishedAt: string; exitCode: number; matched: number; discrepancies: number }): void {
  db.prepare('UPDATE recon_runs SET finished_at = ?, exit_code = ?, matched_count = ?, discrepancy_count = ? WHERE id = ?').run(
    r.finishedAt,
    r.exitCode,
    r.matched,
    r.discrepancies,
    runId,
  );
}
