/**
 * What every report format receives and the one interface each format implements. Renderers
 * are pure: data in, text out. Gathering the data (database) and writing the file (fs) happen
 * in index.ts, so each format can be tested with hand-built documents.
 */
import type { DiscrepancyView, ReconcileDocument, ResolvedSection, RunHeader, WrittenOffTotal } from '../domain/discrepancy.js';

export type { ResolvedSection };

export type { WrittenOffTotal };

export type { RunHeader };
import type { ScanDocument } from '../domain/integrity.js';
import type { AuditAnchor } from '../domain/audit.js';
import type { CsvDialectName } from './csv-dialect.js';

/** How a CSV is written for its reader (src/report/csv-dialect.ts); other formats ignore it. */
export interface FormatOptions {
  csvDialect?: CsvDialectName;
}

/** Matched items of a run, per currency (amount: decimal string, major units). */
export interface MatchedTotal {
  currency: string;
  count: number;
  amount: string;
}

/** Cash: what reached the bank. Amounts are decimal strings in major units; one row per account/currency. */
export interface CashSection {
  accounts: Array<{ account: string; currency: string; statements: number; credits: number; credits_amount: string; paired: number; paired_amount: string; unexplained_amount: string }>;
  payouts: Array<{ currency: string; payouts: number; payouts_amount: string; found: number; found_amount: string; not_deposited: number; not_deposited_amount: string; in_transit: number; in_transit_amount: string }>;
}

/** The audit chain walked when the report was written: hashes and links, not MACs (`audit verify` checks those). */
export interface AuditChainCheck {
  ok: boolean;
  /** How many of the newest entries were walked: all of them, or the tail of a long log. */
  checked: number;
  /** The first entry that does not verify, and why. */
  broken?: { id: number; reason: string };
}

/** A discrepancy of the run together with its workflow state at the time of the report. */
export type ReportRow = DiscrepancyView;

/** Everything a report of one reconcile run shows. */
export interface ReconcileReportData extends FormatOptions {
  /** Exactly what `reconcile --json` printed for the run (the JSON format writes it as is). */
  document: ReconcileDocument;
  /** One row per discrepancy of the document, in document order, with status and age. */
  rows: ReportRow[];
  matched: MatchedTotal[];
  /** Written-off items to date per reason and currency (absent or empty: none). */
  writtenOff?: WrittenOffTotal[];
  /** Latest integrity scans, shown when there are any. */
  scans: ScanDocument[];
  /** Payouts and bank deposits, shown when bank statements were imported. */
  cash?: CashSection;
  /** ISO-8601 time the report was generated (passed in: renderers read no clock). */
  generatedAt: string;
  /** The audit log's anchor when the report was written. */
  audit?: AuditAnchor;
  /** What was settled, closed or reopened in the report's period (absent: not gathered). */
  resolved?: ResolvedSection;
  auditChain?: AuditChainCheck;
}

/**
 * The same as ReconcileReportData for a renderer that reads each row once, in document
 * order, and writes its text in pieces: how a report of 100,000 items stays small in memory.
 */
export interface ReconcileStreamData extends FormatOptions {
  header: RunHeader;
  /** Read exactly once. */
  rows: Iterable<ReportRow>;
  matched: MatchedTotal[];
  writtenOff?: WrittenOffTotal[];
  scans: ScanDocument[];
  cash?: CashSection;
  generatedAt: string;
  audit?: AuditAnchor;
  /** What was settled, closed or reopened in the report's period (absent: not gathered). */
  resolved?: ResolvedSection;
  auditChain?: AuditChainCheck;
}

/** Receives the report text piece by piece, in order. */
export type Write = (text: string) => void;

/** Everything a report of integrity scans shows. */
export interface ScanReportData extends FormatOptions {
  scans: ScanDocument[];
  generatedAt: string;
  audit?: AuditAnchor;
}

/** One output format. `extension` includes the dot; the file's extension selects the reporter. */
export interface Reporter {
  extension: string;
  /** Short name for help and error messages, e.g. "JUnit XML". */
  name: string;
  /** True when the format needs only the run document (not workflow state, totals or scans). */
  documentOnly?: boolean;
  renderReconcile(data: ReconcileReportData): string;
  /** The same text as renderReconcile, written in pieces from rows read once. */
  streamReconcile(data: ReconcileStreamData, write: Write): void;
  renderScan(data: ScanReportData): string;
}
