/**
 * CSV export: one row per discrepancy (or scan finding) with both sides, RFC 4180 quoting and
 * CRLF line ends. Formula injection: a text cell whose first non-blank character is `=`, `+`,
 * `-`, `@`, a tab or a carriage return gets a leading `'` so a spreadsheet shows it as text.
 * A cell that is a plain decimal number (`-12.30`, `1000`) is left alone: it cannot run as a
 * formula and must stay a number the spreadsheet can add up.
 */
import { displayPath } from '../domain/byte-path.js';
import type { DiscrepancySide } from '../domain/discrepancy.js';
import { collect } from './stream.js';
import type { ReconcileReportData, ReconcileStreamData, Reporter, ReportRow, ScanReportData, Write } from './types.js';

const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;
const DANGEROUS_START = /^[\s]*[=+\-@\t\r]/;

/** Neutralise a cell a spreadsheet could evaluate; plain numbers pass unchanged. */
export function neutralise(value: string): string {
  if (PLAIN_NUMBER.test(value)) return value;
  return DANGEROUS_START.test(value) ? `'${value}` : value;
}

/** Quote a cell when it holds a delimiter, a quote, a line break or edge spaces. */
export function quote(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvLine(cells: Array<string | number | null | undefined>): string {
  return cells.map((c) => quote(neutralise(c === null || c === undefined ? '' : String(c)))).join(',');
}

const SIDE_FIELDS = ['id', 'amount', 'currency', 'source', 'file', 'line', 'booked_at'] as const;

function sideCells(s: DiscrepancySide | null): Array<string | number | null | undefined> {
  return SIDE_FIELDS.map((f) => (s ? s[f] : null));
}

export const DISCREPANCY_COLUMNS = [
  'id',
  'kind',
  'severity',
  'status',
  'age_days',
  'first_seen_run',
  'currency',
  'reference',
  'difference',
  ...SIDE_FIELDS.map((f) => `psp_${f}`),
  ...SIDE_FIELDS.map((f) => `ledger_${f}`),
  'reason',
  'note',
  'resolved_by',
  'resolved_at',
  'reason_code',
  'assignee',
  // Last, so the earlier columns keep their places: the bank entry of payout/deposit kinds.
  ...SIDE_FIELDS.map((f) => `bank_${f}`),
];

export const WRITTEN_OFF_COLUMNS = ['written_off_reason', 'currency', 'items', 'amount'];

function discrepancyLine(r: ReportRow): string {
  return csvLine([
    r.id,
    r.kind,
    r.severity,
    r.status,
    r.age_days,
    r.first_seen_run,
    r.currency,
    r.reference,
    r.difference,
    ...sideCells(r.psp),
    ...sideCells(r.ledger),
    r.reason,
    r.note,
    r.resolved_by,
    r.resolved_at,
    r.reason_code,
    r.assignee,
    ...sideCells(r.bank ?? null),
  ]);
}

/** One line per row as it is read: the file never exists in memory as a whole. */
export function streamReconcileCsv(data: ReconcileStreamData, write: Write): void {
  write(csvLine(DISCREPANCY_COLUMNS) + '\r\n');
  for (const r of data.rows) write(discrepancyLine(r) + '\r\n');
  // Write-offs to date as a second table after a blank line (as finance exports carry totals).
  const totals = data.writtenOff ?? [];
  if (totals.length) {
    write('\r\n' + csvLine(WRITTEN_OFF_COLUMNS) + '\r\n');
    for (const t of totals) write(csvLine([t.reason, t.currency, t.count, t.amount]) + '\r\n');
  }
  // What was settled or reopened this period, newest first: a third table.
  if (data.resolved?.items.length) {
    write('\r\n' + csvLine(RESOLVED_COLUMNS) + '\r\n');
    for (const e of data.resolved.items) {
      write(csvLine([e.id, e.action, e.by, e.at, e.reason_code, e.note, e.kind, e.currency, e.reference, e.difference, e.status_now, e.audit_entry]) + '\r\n');
    }
  }
}

export const RESOLVED_COLUMNS = ['resolved_id', 'action', 'by', 'at', 'reason_code', 'note', 'kind', 'currency', 'reference', 'difference', 'status_now', 'audit_entry'];

export function renderReconcileCsv(data: ReconcileReportData): string {
  return collect(streamReconcileCsv, data);
}

export const FINDING_COLUMNS = ['scan', 'baseline', 'path', 'kind', 'severity', 'attributes', 'reason', 'first_seen_scan'];

export function renderScanCsv(data: ScanReportData): string {
  const lines = [csvLine(FINDING_COLUMNS)];
  for (const s of data.scans) {
    for (const f of s.findings) {
      lines.push(csvLine([s.scan, s.baseline, displayPath(f.path), f.kind, f.severity, (f.attributes ?? []).join(' '), f.reason, f.first_seen_scan]));
    }
  }
  return lines.join('\r\n') + '\r\n';
}

export const csvReporter: Reporter = {
  extension: '.csv',
  name: 'CSV',
  renderReconcile: renderReconcileCsv,
  streamReconcile: streamReconcileCsv,
  renderScan: renderScanCsv,
};
