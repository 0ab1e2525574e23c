/**
 * Reading stored transactions as matcher rows, in bounded batches, and the scope conditions
 * of a run. Money columns come back as bigint (safeIntegers), never as JS numbers.
 */
import type { MatchRow } from '../matchers/types.js';
import type { DB } from '../db/open.js';
import { inJsonInt, plannerHints, SQLITE_HINTS, type PlannerHints } from '../db/sql.js';
import type { TransactionColumns } from '../db/transaction-rows.js';

/** The dates a run covers. PSP rows by their own date; ledger rows widened by the date window. */
export interface RunScope {
  /** Inclusive lower bound for PSP rows (and reported ledger rows), `YYYY-MM-DD`, or null. */
  from: string | null;
  /** Exclusive upper bound: the day after `--to`, or null. */
  toExclusive: string | null;
  /** Ledger rows considered for matching: the window widened by `--date-window` days. */
  ledgerFrom: string | null;
  ledgerToExclusive: string | null;
  /**
   * Select the window through the (side, booked_at) index (true) or by scanning the store (false).
   * A window holding a large part of the store is faster scanned; see narrowScope.
   */
  narrow: boolean;
  /** The backend's planner hints (SQLite's `+col` etc., none on PostgreSQL): set by narrowScope. */
  hints: PlannerHints;
}

export function addDays(day: string, n: number): string {
  const t = Date.parse(day + 'T00:00:00Z') + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

export function makeScope(from: string | undefined, to: string | undefined, dateWindow: number): RunScope {
  const f = from ?? null;
  const te = to ? addDays(to, 1) : null;
  return {
    from: f,
    toExclusive: te,
    ledgerFrom: f ? addDays(f, -dateWindow) : null,
    ledgerToExclusive: te ? addDays(te, dateWindow) : null,
    narrow: f !== null || te !== null,
    hints: SQLITE_HINTS,
  };
}

/** Named parameters every scoped statement takes. */
export function scopeParams(s: RunScope) {
  return { pFrom: s.from, pTo: s.toExclusive, lFrom: s.ledgerFrom, lTo: s.ledgerToExclusive };
}

// `+side` keeps SQLite from walking the (external_id, side, source) index for half the table.
// The date bounds are written into the SQL only when the run has them. A narrow window (a
// night) walks the transactions_window index on (side, booked_at) (migration 015), so the
// night's run reads the night's rows and not the history; a run without bounds, or whose window
// holds a large part of the store, scans the table once (`+side`, `+booked_at` hide the index),
// several times faster than an index scan plus a rowid lookup per row. (A condition of the form
// `@p IS NULL OR booked_at >= @p` would hide the range from the planner either way.)
function dateRange(a: string, from: string | null, to: string | null, pFrom: string, pTo: string, narrow: boolean, plus: string): string {
  const col = `${narrow ? '' : plus}${a}.booked_at`;
  return (from !== null ? ` AND ${col} >= @${pFrom}` : '') + (to !== null ? ` AND ${col} < @${pTo}` : '');
}

/** A window holding more than this share of the store is scanned, not walked through the index. */
const NARROW_SHARE = 0.2;

/**
 * Decide how the run selects its window: count the window's rows through the (side, booked_at) index
 * alone (no row is read) and compare with the store's size.
 */
export function narrowScope(db: DB, given: RunScope): RunScope {
  const scope = { ...given, hints: plannerHints(db) };
  if (!scope.narrow) return scope;
  const p = scopeParams(scope);
  const inRange = db
    .prepare(
      `SELECT count(*) FROM transactions t WHERE t.side IN ('psp', 'ledger')${dateRange('t', scope.ledgerFrom, scope.ledgerToExclusive, 'lFrom', 'lTo', true, '')}`,
    )
    .pluck()
    .get(p) as number;
  const all = (db.prepare('SELECT coalesce(max(id), 0) FROM transactions').pluck().get() as number) || 1;
  return { ...scope, narrow: inRange <= all * NARROW_SHARE };
}

/** The side column as a narrow window's index (side, booked_at) needs it, or hidden from the planner. */
const side = (a: string, s: RunScope) => `${s.narrow ? '' : s.hints.plus}${a}.side`;
/** SQL condition: alias `a` lies in the run's reported window (true when unbounded). */
export const inWindow = (a: string, s: RunScope) => `true${dateRange(a, s.from, s.toExclusive, 'pFrom', 'pTo', s.narrow, s.hints.plus)}`;
/** SQL condition: alias `a` is a PSP row in scope. */
export const pspInScope = (a: string, s: RunScope) => `${side(a, s)} = 'psp'${dateRange(a, s.from, s.toExclusive, 'pFrom', 'pTo', s.narrow, s.hints.plus)}`;
/** SQL condition: alias `a` is a ledger row considered for matching (widened window). */
export const ledgerInScope = (a: string, s: RunScope) =>
  `${side(a, s)} = 'ledger'${dateRange(a, s.ledgerFrom, s.ledgerToExclusive, 'lFrom', 'lTo', s.narrow, s.hints.plus)}`;
/** SQL condition: alias `a` is a ledger row the run reports on (unwidened window). */
export const ledgerReported = (a: string, s: RunScope) => `${side(a, s)} = 'ledger'${dateRange(a, s.from, s.toExclusive, 'pFrom', 'pTo', s.narrow, s.hints.plus)}`;
/** Does the run select a narrow window through indexes (narrowScope)? */
export const bounded = (s: RunScope) => s.narrow;

/** What ROW_COLUMNS selects. */
interface StoredRow extends TransactionColumns {
  file_name: string;
}

export const ROW_COLUMNS = `t.id, t.side, t.source, t.external_id, t.reference, t.psp_reference, t.type, t.currency,
  t.amount_minor, t.fee_minor, t.net_minor, t.settlement_currency, t.booked_at, t.payout_id, i.file_name, t.line`;

export function toMatchRow(r: StoredRow): MatchRow {
  return {
    id: Number(r.id),
    side: r.side,
    source: r.source,
    externalId: r.external_id,
    reference: r.reference,
    pspReference: r.psp_reference,
    type: r.type,
    currency: r.currency,
    amountMinor: r.amount_minor,
    feeMinor: r.fee_minor,
    netMinor: r.net_minor,
    settlementCurrency: r.settlement_currency,
    bookedAt: r.booked_at,
    payoutId: r.payout_id,
    file: r.file_name,
    line: Number(r.line),
  };
}

const BATCH = 500;

/** Load rows by store id, in batches so a long list never becomes one huge statement. */
export function loadRows(db: DB, ids: Iterable<number>): Map<number, MatchRow> {
  const stmt = db
    .prepare(`SELECT ${ROW_COLUMNS} FROM transactions t JOIN imports i ON i.id = t.import_id WHERE ${inJsonInt(db, 't.id', '?')}`)
    .safeIntegers(true);
  const out = new Map<number, MatchRow>();
  let batch: number[] = [];
  const flush = () => {
    for (const r of stmt.all(JSON.stringify(batch)) as StoredRow[]) {
      const row = toMatchRow(r);
      out.set(row.id, row);
    }
    batch = [];
  };
  for (const id of ids) {
    batch.push(id);
    if (batch.length >= BATCH) flush();
  }
  if (batch.length) flush();
  return out;
}

/**
 * Page through the ids a query yields, `pageSize` at a time, keyed on an increasing integer
 * column, so that no statement stays open while the caller writes (better-sqlite3 forbids it)
 * and memory stays bounded.
 */
export function* pagedIds(db: DB, sql: string, params: Record<string, unknown>, pageSize = 2000): Generator<Array<Record<string, number>>> {
  const stmt = db.prepare(sql);
  let after = -1;
  for (;;) {
    const rows = stmt.all({ ...params, after, limit: pageSize }) as Array<Record<string, number>>;
    if (rows.length === 0) return;
    after = rows[rows.length - 1].k;
    yield rows;
    if (rows.length < pageSize) return;
  }
}
