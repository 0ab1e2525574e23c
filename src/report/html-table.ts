/**
 * The discrepancy table (grouped by kind, sortable, both sides shown) and the integrity
 * findings tables of the HTML report. Past TABLE_LIMIT rows the table shows the most
 * pressing ones and says where the complete list is, so the page stays usable.
 */
import { displayPath } from '../domain/byte-path.js';
import { DISCREPANCY_KINDS, type DiscrepancySide } from '../domain/discrepancy.js';
import type { ScanDocument } from '../domain/integrity.js';
import { baseName, html, raw, type Html } from './html-escape.js';
import { isUnresolved } from './summary.js';
import type { ReportRow } from './types.js';

/** Rows rendered in full; beyond this a browser (and a printer) starts to struggle. */
export const TABLE_LIMIT = 2000;

const SEVERITY_RANK = { high: 0, medium: 1, low: 2 } as const;

/** Unresolved before settled, then by severity, then oldest first, then by id. */
function pressingKey(r: ReportRow): number {
  // One number per row so sorting 100,000 rows compares numbers, not objects.
  return (isUnresolved(r) ? 0 : 4) + SEVERITY_RANK[r.severity];
}

/** The rows the table shows: all of them, or the TABLE_LIMIT most pressing. */
export function selectTableRows(rows: ReportRow[], limit = TABLE_LIMIT): ReportRow[] {
  if (rows.length <= limit) return rows;
  const keyed = rows.map((r, i) => ({ k: pressingKey(r), age: r.age_days, id: r.id, i }));
  keyed.sort((a, b) => a.k - b.k || b.age - a.age || a.id - b.id);
  return keyed.slice(0, limit).map((x) => rows[x.i]);
}

/**
 * selectTableRows for rows that arrive one at a time: keeps at most twice the limit, cutting
 * back to the most pressing `limit` whenever it fills, so 100,000 rows never sit in memory.
 * The result is the same rows in the same order as selectTableRows over all of them.
 */
export class TableRows {
  private kept: ReportRow[] = [];
  private seen = 0;
  readonly totalByKind = new Map<string, number>();

  constructor(readonly limit = TABLE_LIMIT) {}

  add(r: ReportRow): void {
    this.seen++;
    this.totalByKind.set(r.kind, (this.totalByKind.get(r.kind) ?? 0) + 1);
    this.kept.push(r);
    if (this.kept.length >= 2 * this.limit) this.cut();
  }

  get total(): number {
    return this.seen;
  }

  /** All rows in arrival order when they fit, else the `limit` most pressing, most pressing first. */
  shown(): ReportRow[] {
    if (this.seen > this.limit) this.cut();
    return this.kept;
  }

  private cut(): void {
    // Keys computed once per row, not per comparison, as in selectTableRows.
    const keyed = this.kept.map((r) => ({ k: pressingKey(r), age: r.age_days, id: r.id, r }));
    keyed.sort((a, b) => a.k - b.k || b.age - a.age || a.id - b.id);
    this.kept = keyed.slice(0, this.limit).map((x) => x.r);
  }
}

function side(s: DiscrepancySide | null, currency: string | null): Html {
  if (!s) return html`<td class="side">—</td>`;
  const cur = s.currency ?? currency ?? '';
  return html`<td class="side" data-v="${s.id}"><code>${s.id}</code><small>${s.amount} ${cur} · ${s.source}</small><small title="${s.file}">${baseName(s.file)}:${s.line}</small></td>`;
}

function row(r: ReportRow): Html {
  return html`<tr class="row"><td class="num" data-v="${r.id}">${r.id}</td><td class="st-${r.status}">${r.status}</td><td class="sev-${r.severity}" data-v="${SEVERITY_RANK[r.severity]}">${r.severity}</td><td class="num" data-v="${r.age_days}">${r.age_days}</td><td class="ref"><code>${r.reference ?? ''}</code></td>${side(r.psp, r.currency)}${side(r.ledger, r.currency)}<td class="num" data-v="${r.difference ?? ''}">${r.difference ?? ''} ${r.difference !== null ? (r.currency ?? '') : ''}</td><td>${r.reason}</td></tr>`;
}

const HEAD = ['ID', 'Status', 'Severity', 'Age (d)', 'Reference', 'PSP side', 'Ledger side', 'Difference', 'Reason'];
const NUMERIC = new Set([0, 3, 7]);

/** All shown rows grouped by kind, one <tbody> per kind so sorting stays within a group. */
export function discrepancyTable(rows: TableRows): Html {
  if (rows.total === 0) return html`<p class="empty">No discrepancies in this run.</p>`;
  const shown = rows.shown();
  const allCount = rows.total;
  const byKind = new Map<string, ReportRow[]>();
  for (const k of DISCREPANCY_KINDS) byKind.set(k, []);
  for (const r of shown) (byKind.get(r.kind) ?? byKind.set(r.kind, []).get(r.kind)!).push(r);
  const totalByKind = rows.totalByKind;
  const head = HEAD.map((h, i) => html`<th data-sort="${i}"${raw(NUMERIC.has(i) ? ' class="num"' : '')}>${h}</th>`);
  const groups = [...byKind]
    .filter(([, rs]) => rs.length > 0)
    .map(([kind, rs]) => {
      const total = totalByKind.get(kind) ?? rs.length;
      const count = total === rs.length ? `${total}` : `${rs.length} of ${total}`;
      return html`<tbody id="kind-${kind}"><tr class="group"><th colspan="${HEAD.length}">${kind.replaceAll('_', ' ')} (${count})</th></tr>${rs.map(row)}</tbody>`;
    });
  const note =
    shown.length < allCount
      ? html`<p class="note">Showing the ${shown.length.toLocaleString('en-US')} most pressing of ${allCount.toLocaleString('en-US')} discrepancies (unresolved first, then by severity and age); the summary above covers all of them. For the complete list export CSV (<code>payrecon report --out discrepancies.csv</code>) or run <code>payrecon discrepancies --json</code>.</p>`
      : raw('');
  return html`${note}<p class="noprint legend">Click a column header to sort within each group.</p><table class="sortable" id="discrepancies"><thead><tr>${head}</tr></thead>${groups}</table>`;
}

/** One table per scan with its findings; paths and reasons escaped, content never shown. */
export function integritySection(scans: ScanDocument[]): Html {
  return html`${scans.map(
    (s) => html`<h3>Baseline <code>${s.baseline}</code> · scan ${s.scan} · exit ${s.exit_code}</h3>
<p class="meta">${s.counts.files} files · ${s.counts.added} added · ${s.counts.removed} removed · ${s.counts.changed} changed · ${s.counts.unreadable} unreadable</p>
${
  s.findings.length === 0
    ? html`<p class="empty">No findings.</p>`
    : html`<table class="findings"><thead><tr><th>Path</th><th>Kind</th><th>Severity</th><th>Attributes</th><th>Reason</th></tr></thead><tbody>${s.findings
        .slice(0, TABLE_LIMIT)
        .map(
          (f) =>
            html`<tr><td><code>${displayPath(f.path)}</code></td><td>${f.kind}</td><td class="sev-${f.severity}">${f.severity}</td><td>${(f.attributes ?? []).join(', ')}</td><td>${f.reason ?? ''}</td></tr>`,
        )}</tbody></table>${s.findings.length > TABLE_LIMIT ? html`<p class="note">Showing ${TABLE_LIMIT} of ${s.findings.length} findings; the CSV or JSON export has all of them.</p>` : raw('')}`
}`,
  )}`;
}
