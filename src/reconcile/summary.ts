/**
 * The human summary of a run: counts by kind and currency, then the largest differences
 * first. Pure: a document in, lines out; colour comes from the chalk instance passed in (a
 * no-colour instance in a pipe, so lines stay plain and stable).
 */
import type { ChalkInstance } from 'chalk';
import { Decimal } from 'decimal.js';
import type { DiscrepancyItem, ReconcileResult, Severity } from '../domain/discrepancy.js';
import { DISCREPANCY_KINDS } from '../domain/discrepancy.js';
import { printable } from '../output.js';
import type { CashSection } from '../report/types.js';

const TOP = 10;

export function formatSummary(doc: ReconcileResult, c: ChalkInstance, totals: Array<{ currency: string; count: number; amount: string }> = []): string[] {
  const lines: string[] = [];
  const window = doc.window.from || doc.window.to ? ` ${doc.window.from ?? '…'} to ${doc.window.to ?? '…'}` : '';
  lines.push(
    c.bold(`reconcile run ${doc.run}${window}: `) +
      `${doc.counts.psp} PSP rows, ${doc.counts.ledger} ledger entries, ${doc.counts.matched} matched, ${doc.counts.discrepancies} open discrepancies`,
  );
  if (doc.counts.psp + doc.counts.ledger === 0) {
    // A quiet day: say so plainly, so a nightly log does not read like a failed import.
    lines.push(`${window ? `the window${window}` : 'the scope'} held no PSP rows or ledger entries: nothing new to match`);
  }
  for (const t of totals) lines.push(`  matched ${printable(t.currency)}: ${t.count} row${t.count === 1 ? '' : 's'}, gross ${t.amount}`);
  if (doc.counts.discrepancies === 0) {
    lines.push(c.green('everything in scope matched'));
    return lines;
  }
  lines.push('by kind and currency:');
  // One pass over the items (a run may hold 100,000s): per-currency counts per kind, and the
  // TOP largest differences kept in a small sorted list, each difference parsed once.
  const perKind = new Map<string, Map<string, number>>();
  const largest: Array<{ abs: Decimal; item: DiscrepancyItem }> = [];
  for (const d of doc.discrepancies) {
    let perCurrency = perKind.get(d.kind);
    if (!perCurrency) perKind.set(d.kind, (perCurrency = new Map()));
    const cur = d.currency ?? '-';
    perCurrency.set(cur, (perCurrency.get(cur) ?? 0) + 1);
    if (d.difference !== null) keepLargest(largest, { abs: new Decimal(d.difference).abs(), item: d });
  }
  for (const kind of DISCREPANCY_KINDS) {
    const perCurrency = perKind.get(kind);
    if (!perCurrency) continue;
    let counted = 0;
    for (const n of perCurrency.values()) counted += n;
    const parts = [...perCurrency].sort(([a], [b]) => a.localeCompare(b)).map(([cur, n]) => `${printable(cur)} ${n}`);
    lines.push(`  ${kind.padEnd(19)} ${String(doc.by_kind[kind] ?? counted).padStart(6)}  (${parts.join(', ')})`);
  }
  if (largest.length) {
    lines.push(`largest differences (PSP minus ledger):`);
    for (const { item } of largest) lines.push('  ' + itemLine(item, c));
  }
  const rest = doc.counts.discrepancies - largest.length;
  if (rest > 0) lines.push(`  ... ${rest} more: payrecon discrepancies (or --json)`);
  return lines;
}

/** Insert into `top` (largest |difference| first, ties by id), keeping at most TOP entries. */
function keepLargest(top: Array<{ abs: Decimal; item: DiscrepancyItem }>, e: { abs: Decimal; item: DiscrepancyItem }): void {
  const before = (a: typeof e, b: typeof e) => a.abs.cmp(b.abs) > 0 || (a.abs.eq(b.abs) && a.item.id < b.item.id);
  if (top.length === TOP && !before(e, top[TOP - 1])) return;
  let i = top.length;
  while (i > 0 && before(e, top[i - 1])) i--;
  top.splice(i, 0, e);
  if (top.length > TOP) top.pop();
}

function colourFor(s: Severity, c: ChalkInstance): (t: string) => string {
  return s === 'high' ? c.red : s === 'medium' ? c.yellow : c.dim;
}

export function itemLine(d: DiscrepancyItem, c: ChalkInstance): string {
  // Reference, currency and reason come from files and the database: escaped, one line each.
  const diff = d.difference === null ? '' : `${d.difference} ${printable(d.currency ?? '')}`.trim();
  return `#${d.id} ${colourFor(d.severity, c)(d.kind)} ${diff ? diff + ' ' : ''}${d.reference ? `[${printable(d.reference)}] ` : ''}${printable(d.reason)}`;
}

/** The cash lines after a run's summary: payouts found at the bank, per currency. */
export function formatCash(cash: CashSection): string[] {
  const lines = ['payouts to bank:'];
  for (const p of cash.payouts) {
    lines.push(
      `  ${p.currency}: ${p.payouts} payout${p.payouts === 1 ? '' : 's'} (${p.payouts_amount}): ${p.found} found at the bank (${p.found_amount}), ` +
        `${p.not_deposited} not deposited (${p.not_deposited_amount}), ${p.in_transit} in transit (${p.in_transit_amount})`,
    );
  }
  for (const a of cash.accounts) {
    lines.push(`  bank ${a.account} ${a.currency}: ${a.credits} credits (${a.credits_amount}), ${a.paired} paired with payouts (${a.paired_amount})`);
  }
  return lines;
}
