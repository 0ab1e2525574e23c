/**
 * The columns of the triage list, kept once as data: what each shows, how it sorts, and how
 * wide it is. Widths come from the content of every listed item (not only the rows on screen,
 * so columns do not jump while scrolling) and shrink, then drop, to fit the terminal; the
 * reason takes what is left of the line.
 */
import { Decimal } from 'decimal.js';
import type { DiscrepancyView } from '../domain/discrepancy.js';
import { cells, printable } from './terminal-text.js';

export const COLUMN_IDS = ['id', 'kind', 'reference', 'difference', 'age', 'status', 'owner', 'reason'] as const;
export type ColumnId = (typeof COLUMN_IDS)[number];
export type SortDir = 'asc' | 'desc';
export interface SortOrder {
  column: ColumnId;
  dir: SortDir;
}
export const DEFAULT_SORT: SortOrder = { column: 'id', dir: 'asc' };

type Key = number | string | Decimal | null;

interface Column {
  id: ColumnId;
  header: string;
  align: 'left' | 'right';
  text(d: DiscrepancyView): string;
  /** What the column sorts by; null sorts last in either direction. */
  key(d: DiscrepancyView): Key;
  /** Groups sorted A to Z in either direction, before the key (amounts of one currency together). */
  group?(d: DiscrepancyView): string;
  /** The direction `s` picks first: the oldest and the largest first, text A to Z. */
  firstDir: SortDir;
  /** Narrowest width before the column is dropped (the header always fits). */
  min: number;
  /** Shown only when some listed item has a value (an owner column of blanks is noise). */
  optional?: boolean;
}

/** A difference exists only when both sides are in one currency: a currency mismatch shows none, as the CLI. */
function differenceText(d: DiscrepancyView): string {
  return d.difference === null ? '' : `${d.difference} ${printable(d.currency ?? '')}`.trim();
}

function referenceText(d: DiscrepancyView): string {
  return printable(d.reference ?? d.psp?.id ?? d.ledger?.id ?? d.bank?.id ?? '');
}

const COLUMNS: readonly Column[] = [
  { id: 'id', header: 'ID', align: 'right', text: (d) => String(d.id), key: (d) => d.id, firstDir: 'asc', min: 2 },
  { id: 'kind', header: 'KIND', align: 'left', text: (d) => d.kind, key: (d) => d.kind, firstDir: 'asc', min: 8 },
  { id: 'reference', header: 'REFERENCE', align: 'left', text: referenceText, key: (d) => referenceText(d) || null, firstDir: 'asc', min: 9 },
  {
    id: 'difference',
    header: 'DIFFERENCE',
    align: 'right',
    text: differenceText,
    // Largest first, whatever the sign: the items worth a look. Money stays decimal, and
    // amounts compare only within a currency (100 JPY is not more than 1.00 EUR).
    key: (d) => (d.difference === null ? null : new Decimal(d.difference).abs()),
    group: (d) => d.currency ?? '',
    firstDir: 'desc',
    min: 10,
  },
  { id: 'age', header: 'AGE', align: 'right', text: (d) => `${d.age_days}d`, key: (d) => d.age_days, firstDir: 'desc', min: 3 },
  {
    id: 'status',
    header: 'STATUS',
    align: 'left',
    text: (d) => `${d.status === 'acknowledged' ? 'ack' : 'open'}${d.proposal ? ' prop' : ''}`,
    key: (d) => `${d.status === 'acknowledged' ? 1 : 0}${d.proposal ? 0 : 1}`,
    firstDir: 'asc',
    min: 6,
  },
  { id: 'owner', header: 'OWNER', align: 'left', text: (d) => printable(d.assignee ?? ''), key: (d) => d.assignee?.toLowerCase() ?? null, firstDir: 'asc', min: 5, optional: true },
  { id: 'reason', header: 'REASON', align: 'left', text: (d) => printable(d.reason), key: (d) => d.reason, firstDir: 'asc', min: 10 },
];

export function column(id: ColumnId): Column {
  return COLUMNS.find((c) => c.id === id)!;
}

export function columnHeader(id: ColumnId): string {
  return column(id).header;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function compareKeys(a: Key, b: Key): number {
  if (a instanceof Decimal && b instanceof Decimal) return a.cmp(b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

/**
 * `items` in `order`, ties by id (so a sort is stable and repeatable). Blank values go last in
 * both directions: reversing puts the largest first, not the blanks. Keys are computed once per
 * item, not once per comparison.
 */
export function sortItems(items: DiscrepancyView[], order: SortOrder): DiscrepancyView[] {
  const col = column(order.column);
  const sign = order.dir === 'asc' ? 1 : -1;
  const keyed = items.map((item) => ({ item, key: col.key(item), group: col.group?.(item) ?? '' }));
  keyed.sort((x, y) => {
    if (x.key === null || y.key === null) {
      if (x.key !== y.key) return x.key === null ? 1 : -1;
    } else {
      if (x.group !== y.group) return x.group < y.group ? -1 : 1;
      const c = compareKeys(x.key, y.key);
      if (c !== 0) return sign * c;
    }
    return x.item.id - y.item.id;
  });
  return keyed.map((k) => k.item);
}

/** The next sort `s` picks: the next shown column, in its first direction. */
export function nextSort(order: SortOrder, shown: ColumnId[]): SortOrder {
  const at = shown.indexOf(order.column);
  const next = shown[(at + 1) % shown.length] ?? 'id';
  return { column: next, dir: column(next).firstDir };
}

export interface PlacedColumn {
  id: ColumnId;
  header: string;
  align: 'left' | 'right';
  width: number;
  text(d: DiscrepancyView): string;
}

/** Cells before the first column: the cursor mark and the selection mark. */
export const ROW_PREFIX = 2;

// Shrunk in this order when the line is too long, then dropped in this order.
const SHRINK: ColumnId[] = ['reference', 'kind', 'owner'];
const DROP: ColumnId[] = ['reason', 'owner', 'status', 'age'];

const natural = new WeakMap<DiscrepancyView[], Map<ColumnId, number>>();

/** The widest cell of each column over `items`; 0 for an optional column nobody fills. Cached per list. */
function contentWidths(items: DiscrepancyView[]): Map<ColumnId, number> {
  let widths = natural.get(items);
  if (!widths) {
    widths = new Map(COLUMNS.map((c) => [c.id, 0]));
    for (const d of items) {
      for (const c of COLUMNS) {
        if (c.id === 'reason') continue; // takes the rest of the line, whatever its length
        const w = cells(c.text(d));
        if (w > widths.get(c.id)!) widths.set(c.id, w);
      }
    }
    natural.set(items, widths);
  }
  return widths;
}

/** Columns for `items` on a line of `width` cells (the row prefix included). */
export function layoutColumns(items: DiscrepancyView[], width: number): PlacedColumn[] {
  const content = contentWidths(items);
  // A header has room for its sort arrow, so sorting never moves a column.
  let cols = COLUMNS.filter((c) => !c.optional || content.get(c.id)! > 0).map((c) => ({
    col: c,
    width: Math.max(cells(c.header) + 1, content.get(c.id)!),
  }));
  const used = () => ROW_PREFIX + cols.filter((c) => c.col.id !== 'reason').reduce((n, c) => n + c.width + 1, 0);
  for (const id of SHRINK) {
    const c = cols.find((x) => x.col.id === id);
    if (c && used() > width) c.width = Math.max(c.col.min, c.width - (used() - width));
  }
  for (const id of DROP) {
    const reason = width - used();
    if (id === 'reason' ? reason >= column('reason').min : used() <= width) continue;
    cols = cols.filter((c) => c.col.id !== id);
  }
  const reason = cols.find((c) => c.col.id === 'reason');
  if (reason) reason.width = width - used();
  return cols.map(({ col, width: w }) => ({ id: col.id, header: col.header, align: col.align, width: w, text: col.text }));
}
