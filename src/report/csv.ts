/**
 * CSV export: one row per discrepancy (or scan finding) with both sides, RFC 4180 quoting and
 * CRLF line ends, in a dialect (csv-dialect.ts: delimiter, decimal mark, BOM, how ids are kept
 * text) chosen for the spreadsheet that opens it. Formula injection: a text cell whose first
 * non-blank character is `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` so
 * a spreadsheet shows it as text. A cell that is a plain decimal number (`-12.30`, `1000`) is
 * left alone: it cannot run as a formula and must stay a number the spreadsheet can add up.
 */
import { displayPath } from '../domain/byte-path.js';
import type { DiscrepancySide } from '../domain/discrepancy.js';
import { CSV_DIALECTS, DEFAULT_CSV_DIALECT, neutralise, typedCell, type CellType, type CellValue, type CsvDialect } from './csv-dialect.js';
import { collect } from './stream.js';
import type { ReconcileReportData, ReconcileStreamData, Reporter, ReportRow, ScanReportData, Write } from './types.js';

export { neutralise };

/** Quote a cell when it holds the delimiter, a quote, a line break or edge spaces (or `always`). */
export function quote(value: string, delimiter = ',', always = false): string {
  const needs = always || value.includes(delimiter) || /["\r\n]|^\s|\s$/.test(value);
  return needs ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A line of text cells (headers, free text), comma separated, neutralised. */
export function csvLine(cells: CellValue[], delimiter = ','): string {
  return cells.map((c) => quote(neutralise(c === null || c === undefined ? '' : String(c)), delimiter)).join(delimiter);
}

/** A line of cells written by their column types (see csv-dialect.ts). */
export function csvRecord(dialect: CsvDialect, types: readonly CellType[], cells: CellValue[]): string {
  return cells
    .map((c, i) => {
      const typed = typedCell(dialect, types[i] ?? 'text', c);
      if (!typed) return quote(neutralise(String(c)), dialect.delimiter);
      return quote(typed.text, dialect.delimiter, typed.quoteAlways);
    })
    .join(dialect.delimiter);
}

/** The start of a file: the BOM where the dialect wants one, then the header line. */
export function csvHeader(dialect: CsvDialect, columns: readonly string[]): string {
  return (dialect.bom ? '\uFEFF' : '') + csvLine([...columns], dialect.delimiter) + '\r\n';
}

export function dialectOf(name: string | undefined): CsvDialect {
  return CSV_DIALECTS[(name ?? DEFAULT_CSV_DIALECT) as keyof typeof CSV_DIALECTS] ?? CSV_DIALECTS[DEFAULT_CSV_DIALECT];
}

const SIDE_FIELDS = ['id', 'amount', 'currency', 'source', 'file', 'line', 'booked_at'] as const;
const SIDE_TYPES: CellType[] = ['id', 'amount', 'text', 'text', 'text', 'int', 'text'];

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

/** The type of each of DISCREPANCY_COLUMNS, in order. */
export const DISCREPANCY_TYPES: CellType[] = [
  'int', 'text', 'text', 'text', 'int', 'int', 'text', 'id', 'amount',
  ...SIDE_TYPES, ...SIDE_TYPES,
  'text', 'text', 'text', 'text', 'text', 'text',
  ...SIDE_TYPES,
];

export const WRITTEN_OFF_COLUMNS = ['written_off_reason', 'currency', 'items', 'amount'];
const WRITTEN_OFF_TYPES: CellType[] = ['text', 'text', 'int', 'amount'];

function discrepancyLine(dialect: CsvDialect, r: ReportRow): string {
  return csvRecord(dialect, DISCREPANCY_TYPES, [
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
  const dialect = dialectOf(data.csvDialect);
  write(csvHeader(dialect, DISCREPANCY_COLUMNS));
  for (const r of data.rows) write(discrepancyLine(dialect, r) + '\r\n');
  // Write-offs to date as a second table after a blank line (as finance exports carry totals).
  const totals = data.writtenOff ?? [];
  if (totals.length) {
    write('\r\n' + csvLine(WRITTEN_OFF_COLUMNS, dialect.delimiter) + '\r\n');
    for (const t of totals) write(csvRecord(dialect, WRITTEN_OFF_TYPES, [t.reason, t.currency, t.count, t.amount]) + '\r\n');
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
const FINDING_TYPES: CellType[] = ['int', 'text', 'id', 'text', 'text', 'text', 'text', 'int'];

export function renderScanCsv(data: ScanReportData): string {
  const dialect = dialectOf(data.csvDialect);
  const lines = [csvHeader(dialect, FINDING_COLUMNS)];
  for (const s of data.scans) {
    for (const f of s.findings) {
      const cells = [s.scan, s.baseline, displayPath(f.path), f.kind, f.severity, (f.attributes ?? []).join(' '), f.reason, f.first_seen_scan];
      lines.push(csvRecord(dialect, FINDING_TYPES, cells) + '\r\n');
    }
  }
  return lines.join('');
}

export const csvReporter: Reporter = {
  extension: '.csv',
  name: 'CSV',
  renderReconcile: renderReconcileCsv,
  streamReconcile: streamReconcileCsv,
  renderScan: renderScanCsv,
};
