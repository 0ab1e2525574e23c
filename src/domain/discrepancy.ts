/**
 * Discrepancies and the documents built from them. `ReconcileDocument` is exactly what
 * `reconcile --json` prints (README, docs/reconcile.md) and what reports and alerts are rendered from.
 * Amounts here are decimal strings in major units, never numbers.
 */

export const DISCREPANCY_KINDS = [
  'missing_in_ledger',
  'missing_in_psp',
  'amount_mismatch',
  'currency_mismatch',
  'fee_mismatch',
  'date_out_of_window',
  'duplicate',
  'payout_mismatch',
  'rejected_row',
  'payout_not_deposited',
  'unexplained_deposit',
  'deposit_mismatch',
] as const;
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number];

/** What reconcile assumes when an option (or a scheduled job's setting) is not given. */
export const RECONCILE_DEFAULTS = {
  amountTolerance: '0',
  dateWindow: 3,
  /** Business days a PSP payout may take to reach the bank statement. */
  depositWindow: 5,
  /** Pairings less sure than this (0-100) are proposals; amount + date alone (40) is below it. */
  autoConfirm: 50,
} as const;

export type Severity = 'low' | 'medium' | 'high';
export type DiscrepancyStatus = 'open' | 'acknowledged' | 'resolved' | 'written_off' | 'closed';

/** One side of a discrepancy as the contract prints it. */
export interface DiscrepancySide {
  id: string; // external id of the row (PSP id, ledger entry id)
  amount: string; // decimal string, major units
  currency?: string;
  source: string;
  file: string;
  line: number;
  booked_at?: string;
  /** Normalised type (charge, refund, ...); `a+b` when a side's rows differ. Absent in sides stored before it existed. */
  type?: string;
}

/** A discrepancy as `reconcile --json` prints it. */
export interface DiscrepancyItem {
  id: number;
  kind: DiscrepancyKind;
  severity: Severity;
  reason: string;
  currency: string | null;
  reference: string | null;
  psp: DiscrepancySide | null;
  ledger: DiscrepancySide | null;
  /** PSP minus ledger, decimal string, when both sides exist in one currency. */
  difference: string | null;
  /** payout_not_deposited, unexplained_deposit, deposit_mismatch: the bank entry; absent for other kinds. */
  bank?: DiscrepancySide;
}

/** A discrepancy as `discrepancies --json` prints it: the item plus its workflow state. */
export interface DiscrepancyView extends DiscrepancyItem {
  status: DiscrepancyStatus;
  note: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
  first_seen_run: number;
  age_days: number;
  /** written_off: the reason code (`payrecon reasons`), else null. */
  reason_code: string | null;
  /** Who owns the item (`resolve --assign`), else null. */
  assignee: string | null;
  /** Grows by one on every change to the item: a spreadsheet row exported at an older version is stale. */
  version: number;
  /** An open proposal pairing this item's row with a counterpart (`payrecon proposals`), else null. */
  proposal: ProposalRef | null;
}

/** Written-off items per reason code and currency: how many, and the sum of their differences (PSP minus ledger). */
export interface WrittenOffTotal {
  reason: string;
  currency: string;
  count: number;
  /** Decimal string, major units of `currency`. */
  amount: string;
}

/** What an open missing_* item says about the pairing proposed for its row. */
export interface ProposalRef {
  /** The proposal id (`payrecon proposals --accept <id>`). */
  id: number;
  rule: string;
  confidence: number;
  /** The proposed counterpart row, and the item it is reported as (if any). */
  counterpart: { side: 'psp' | 'ledger'; id: string; source: string; discrepancy: number | null };
}

export interface ReconcileDocument {
  run: number;
  exit_code: number;
  window: { from: string | null; to: string | null };
  counts: { psp: number; ledger: number; matched: number; discrepancies: number };
  by_kind: Partial<Record<DiscrepancyKind, number>>;
  discrepancies: DiscrepancyItem[];
  /** Only on `reconcile --dry-run`: nothing of this document was recorded. */
  dry_run?: true;
}

/** A run's document without its items: what report headers and `getRunHeader` give. */
export type RunHeader = Omit<ReconcileDocument, 'discrepancies'>;

/**
 * What a reconcile run returns: the document's head, and its items as something to iterate
 * rather than an array. For a recorded run each iteration reads the items from the database
 * row by row, so a run with a million discrepancies is never held at once; read anything else
 * from the same connection before iterating (the query keeps it busy until the loop ends).
 * `reconcile --json` prints it as a ReconcileDocument, byte for byte.
 */
export interface ReconcileResult extends RunHeader {
  discrepancies: Iterable<DiscrepancyItem>;
}

/** An audited change that settled, closed or reopened an item (the report's "Resolved this period"). */
export interface ResolvedEvent {
  id: number;
  kind: DiscrepancyKind;
  currency: string | null;
  reference: string | null;
  difference: string | null;
  /** The audit action: acknowledge, resolve, write_off, auto_close, match_close, unmatch_close, reopen. */
  action: 'acknowledge' | 'resolve' | 'write_off' | 'auto_close' | 'match_close' | 'unmatch_close' | 'reopen';
  by: string;
  at: string;
  /** write_off: the reason code. */
  reason_code: string | null;
  /** The note given (or, for a close, why it closed). */
  note: string | null;
  /** The item's status now (a resolution later reopened shows "open"). */
  status_now: DiscrepancyStatus;
  /** The audit log entry that recorded it. */
  audit_entry: number;
}

/** What was settled or reopened from `since` (null: the start) to `until`, newest first. */
export interface ResolvedSection {
  since: string | null;
  until: string;
  /** Events in the period; `items` holds the newest of them (at most a report's limit). */
  total: number;
  by_action: Record<string, number>;
  items: ResolvedEvent[];
}
