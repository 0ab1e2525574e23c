/**
 * What the matchers work on and what they decide. Matchers are pure: rows in, pairings and
 * findings out; no database, no files, no clock. The engine (src/reconcile) feeds them the
 * candidates SQL generated and stores what they decide.
 */
import type { Decimal } from 'decimal.js';
import type { DiscrepancyKind, DiscrepancySide, Severity } from '../domain/discrepancy.js';
import type { Side } from '../domain/transaction.js';

/** A normalised transaction as stored, plus where it came from (for the discrepancy sides). */
export interface MatchRow {
  /** Store id (transactions.id). */
  id: number;
  side: Side;
  source: string;
  externalId: string;
  reference: string | null;
  pspReference: string | null;
  type: string;
  currency: string;
  amountMinor: bigint;
  feeMinor: bigint | null;
  netMinor: bigint | null;
  settlementCurrency: string | null;
  /** UTC ISO-8601 with Z. */
  bookedAt: string;
  payoutId: string | null;
  /** File name of the import the row came from. */
  file: string;
  line: number;
}

/** The knobs of a run: `--amount-tolerance` (major units, exact) and `--date-window` (days). */
export interface MatchOptions {
  tolerance: Decimal;
  dateWindowDays: number;
}

/** The stage that paired rows; stored with each match. */
/** `manual`: a person paired the rows (payrecon match, or an accepted proposal). */
export type MatchRule = 'manual' | 'id' | 'reference' | 'split' | 'amount_date' | 'payout_id';

/** A discrepancy as the matchers decide it, before it is given an id and stored. */
export interface Finding {
  kind: DiscrepancyKind;
  severity: Severity;
  reason: string;
  currency: string | null;
  reference: string | null;
  /** PSP rows involved (one, or several for a many-to-one booking or a payout). */
  psp: MatchRow[];
  /** Ledger rows involved. */
  ledger: MatchRow[];
  /** PSP minus ledger in minor units of `currency`, when that is meaningful. */
  differenceMinor: bigint | null;
  /** Identity across runs: kind + the rows involved + what differs. */
  fingerprint: string;
  /** Day (YYYY-MM-DD) deciding whether a windowed run covers this item. */
  scopeDate: string | null;
  /** rejected_row only: the rejects row. */
  rejectId?: number;
  /** Payout/deposit kinds: the bank entry (or entries) involved. */
  bank?: DiscrepancySide;
}

/** Rows one stage claimed together. `finding` is set when the grouping itself is the problem (duplicate). */
export interface Pairing {
  rule: MatchRule;
  psp: MatchRow[];
  ledger: MatchRow[];
  finding?: Finding;
}

/** Why a row stayed unmatched although candidates existed (reported in its missing_* reason). */
export interface AmbiguityNote {
  rowId: number;
  note: string;
}
