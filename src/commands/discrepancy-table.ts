/**
 * The human table of `payrecon discrepancies`: aligned columns that fit the terminal (the
 * reason, then the reference, are cut with `…`; `--wide` or a pipe cuts nothing), amounts
 * with thousands separators (human output only: --json and CSV keep plain decimals), and the
 * largest differences per currency. Pure: rows in, lines out.
 */
import { Decimal } from 'decimal.js';
import type { DiscrepancyView } from '../domain/discrepancy.js';
import { printable } from '../output.js';

/** `-1234567.50` -> `-1,234,567.50`; the digits themselves are never changed. */
export function groupThousands(decimal: string): string {
  const m = /^([-+]?)(\d+)(\.\d+)?$/.exec(decimal);
  if (!m) return decimal;
  return `${m[1]}${m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${m[3] ?? ''}`;
}

/** `text` in at most `width` characters, an ellipsis marking the cut. */
export function cut(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`;
}

export interface Table {
  headers: string[];
  /** Columns aligned right (amounts). */
  right: ReadonlySet<number>;
  /** Columns that may be cut to fit, in the order they give way, each with the width it keeps at least. */
  shrink: ReadonlyArray<{ column: number; min: number }>;
}

const GAP = '  ';

/** Column widths for `rows`, shrunk (only the `shrink` columns) to fit `width` when one is given. */
export function columnWidths(table: Table, rows: readonly string[][], width?: number): number[] {
  const widths = table.headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  if (width === undefined) return widths;
  let excess = widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1) - width;
  for (const { column, min } of table.shrink) {
    if (excess <= 0) break;
    const give = Math.max(0, Math.min(excess, widths[column] - min));
    widths[column] -= give;
    excess -= give;
  }
  return widths;
}

/** One line: each cell cut to its width and padded; `paint` colours a padded cell (never its width). */
export function renderRow(table: Table, row: readonly string[], widths: readonly number[], paint?: (column: number, text: string) => string): string {
  const cells = row.map((cell, i) => {
    const text = cut(cell, widths[i]);
    const padded = table.right.has(i) ? text.padStart(widths[i]) : text.padEnd(widths[i]);
    return paint ? paint(i, padded) : padded;
  });
  return cells.join(GAP).trimEnd();
}

const amount = (d: DiscrepancyView) => (d.difference === null ? '-' : `${groupThousands(d.difference)} ${printable(d.currency ?? '')}`.trim());

/** The columns of the list; `wide` adds owner, first run and the resolution. */
export function discrepancyTable(wide: boolean): Table {
  const headers = ['ID', 'KIND', 'STATUS', 'AGE', 'REFERENCE', 'DIFFERENCE', 'REASON'];
  return {
    headers: wide ? [...headers, 'ASSIGNEE', 'FIRST RUN', 'RESOLUTION'] : headers,
    right: new Set([0, 3, 5]),
    shrink: wide ? [] : [{ column: 6, min: 12 }, { column: 4, min: 10 }],
  };
}

export function discrepancyRow(d: DiscrepancyView, wide: boolean): string[] {
  const row = [String(d.id), d.kind, d.status, `${d.age_days}d`, d.reference === null ? '-' : printable(d.reference), amount(d), printable(d.reason)];
  if (!wide) return row;
  const resolution = [d.reason_code ? printable(d.reason_code) : '', d.resolved_by ? `by ${printable(d.resolved_by)}` : '', d.note ? printable(d.note) : ''].filter(Boolean).join(' ');
  return [...row, d.assignee ? printable(d.assignee) : '-', String(d.first_seen_run), resolution || '-'];
}

/** The `top` largest |difference| per currency, kept while the rows stream past. */
export class LargestByCurrency {
  private readonly byCurrency = new Map<string, Array<{ abs: Decimal; d: DiscrepancyView }>>();
  constructor(private readonly top = 3) {}

  add(d: DiscrepancyView): void {
    if (d.difference === null || d.currency === null) return;
    const abs = new Decimal(d.difference).abs();
    if (abs.isZero()) return;
    let list = this.byCurrency.get(d.currency);
    if (!list) this.byCurrency.set(d.currency, (list = []));
    if (list.length === this.top && abs.lte(list[list.length - 1].abs)) return;
    list.push({ abs, d });
    list.sort((a, b) => b.abs.cmp(a.abs) || a.d.id - b.d.id);
    if (list.length > this.top) list.pop();
  }

  /** Lines for after the list: per currency (alphabetical), largest first. */
  lines(): string[] {
    if (this.byCurrency.size === 0) return [];
    const rows = [...this.byCurrency]
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([currency, list]) => list.map(({ d }) => [printable(currency), groupThousands(d.difference!), `#${d.id}`, d.kind, d.reference === null ? '' : printable(d.reference)]));
    const table: Table = { headers: ['', '', '', '', ''], right: new Set([1]), shrink: [] };
    const widths = columnWidths(table, rows);
    return [`largest differences per currency (PSP minus ledger; top ${this.top}):`, ...rows.map((r) => `  ${renderRow(table, r, widths)}`)];
  }
}
