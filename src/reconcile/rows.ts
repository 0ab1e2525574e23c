/**
 * Reading stored transactions as matcher rows, in bounded batches, and the scope conditions
 * of a run. Money columns come back as bigint (safeIntegers), never as JS numbers.
 */
import type { MatchRow } from '../matchers/types.js';
import type { DB } from '../db/open.js';

/** The dates a run covers. PSP rows by their own date; ledger rows widened by the date window. */
export interface RunScope {
  /** Inclusive lower bound for PSP rows (and reported ledger rows), `YYYY-MM-DD`, or null. */
  from: string | null;
  /** Exclusive upper bound: the day after `--to`, or null. */
  toExclusive: string | null;
  /** Ledger rows considered for matching: the window widened by `--date-window` days. */
  ledgerFrom: string | null;
  ledgerToExclusive: string | null;
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
  };
}

/** Named parameters every scoped statement takes. */
export function scopeParams(s: RunScope) {
  return { pFrom: s.from, pTo: s.toExclusive, lFrom: s.ledgerFrom, lTo: s.ledgerToExclusive };
}

// `+side` keeps SQLite from walking the (side, source, external_id) index for half the table:
// a plain scan is several times faster than an index scan plus a rowid lookup per row.
/** SQL condition: alias `a` is a PSP row in scope. */
export const PSP_IN_SCOPE = (a: string) =>
  `+${a}.side = 'psp' AND (@pFrom IS NULL OR ${a}.booked_at >= @pFrom) AND (@pTo IS NULL OR ${a}.booked_at < @pTo)`;
/** SQL condition: alias `a` is a ledger row considered for matching (widened window). */
export const LEDGER_IN_SCOPE = (a: string) =>
  `+${a}.side = 'ledger' AND (@lFrom IS NULL OR ${a}.booked_at >= @lFrom) AND (@lTo IS NULL OR ${a}.booked_at < @lTo)`;
/** SQL condition: alias `a` is a ledger row the run reports on (unwidened window). */
export const LEDGER_REPORTED = (a: string) =>
  `+${a}.side = 'ledger' AND (@pFrom IS NULL OR ${a}.booked_at >= @pFrom) AND (@pTo IS NULL OR ${a}.booked_at < @pTo)`;

interface StoredRow {
  id: bigint;
  side: 'psp' | 'ledger';
  source: string;
  external_id: string;
  reference: string | null;
  psp_reference: string | null;
  type: string;
  currency: string;
  amount_minor: bigint;
  fee_minor: bigint | null;
  net_minor: bigint | null;
  settlement_currency: string | null;
  booked_at: string;
  payout_id: string | null;
  file_name: string;
  line: bigint;
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
    .prepare(`SELECT ${ROW_COLUMNS} FROM transactions t JOIN imports i ON i.id = t.import_id WHERE t.id IN (SELECT value FROM json_each(?))`)
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
