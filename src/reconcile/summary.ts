/**
 * The human summary of a run: counts by kind and currency, then the largest differences
 * first. Pure: a document in, lines out; colour comes from the chalk instance passed in (a
 * no-colour instance in a pipe, so lines stay plain and stable).
 */
import type { ChalkInstance } from 'chalk';
import { Decimal } from 'decimal.js';
import type { DiscrepancyItem, ReconcileDocument, Severity } from '../domain/discrepancy.js';
import { DISCREPANCY_KINDS } from '../domain/discrepancy.js';

const TOP = 10;

export function formatSummary(doc: ReconcileDocument, c: ChalkInstance, totals: Array<{ currency: string; count: number; amount: string }> = []): string[] {
  const lines: string[] = [];
  const window = doc.window.from || doc.window.to ? ` ${doc.window.from ?? '…'} to ${doc.window.to ?? '…'}` : '';
  lines.push(
    c.bold(`reconcile run ${doc.run}${window}: `) +
      `${doc.counts.psp} PSP rows, ${doc.counts.ledger} ledger entries, ${doc.counts.matched} matched, ${doc.counts.discrepancies} open discrepancies`,
  );
  for (const t of totals) lines.push(`  matched ${t.currency}: ${t.count} row${t.count === 1 ? '' : 's'}, gross ${t.amount}`);
  if (doc.discrepancies.length === 0) {
    lines.push(c.green('everything in scope matched'));
    return lines;
  }
  lines.push('by kind and currency:');
  for (const kind of DISCREPANCY_KINDS) {
    const items = doc.discrepancies.filter((d) => d.kind === kind);
    if (items.length === 0) continue;
    const perCurrency = new Map<string, number>();
    for (const d of items) perCurrency.set(d.currency ?? '-', (perCurrency.get(d.currency ?? '-') ?? 0) + 1);
    const parts = [...perCurrency].sort(([a], [b]) => a.localeCompare(b)).map(([cur, n]) => `${cur} ${n}`);
    lines.push(`  ${kind.padEnd(19)} ${String(items.length).padStart(6)}  (${parts.join(', ')})`);
  }
  const largest = [...doc.discrepancies]
    .filter((d) => d.difference !== null)
    .sort((a, b) => new Decimal(b.difference!).abs().cmp(new Decimal(a.difference!).abs()) || a.id - b.id)
    .slice(0, TOP);
  if (largest.length) {
    lines.push(`largest differences (PSP minus ledger):`);
    for (const d of largest) lines.push('  ' + itemLine(d, c));
  }
  const rest = doc.discrepancies.length - largest.length;
  if (rest > 0) lines.push(`  ... ${rest} more: payrecon discrepancies (or --json)`);
  return lines;
}

function colourFor(s: Severity, c: ChalkInstance): (t: string) => string {
  return s === 'high' ? c.red : s === 'medium' ? c.yellow : c.dim;
}

export function itemLine(d: DiscrepancyItem, c: ChalkInstance): string {
  const diff = d.difference === null ? '' : `${d.difference} ${d.currency ?? ''}`.trim();
  return `#${d.id} ${colourFor(d.severity, c)(d.kind)} ${diff ? diff + ' ' : ''}${d.reference ? `[${d.reference}] ` : ''}${d.reason}`;
}
