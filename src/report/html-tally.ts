/**
 * Everything the HTML report shows about a run's rows, gathered in one pass as the rows are
 * read: the headline counts, the four charts' figures and the table's most pressing rows.
 * Only aggregates and at most twice TABLE_LIMIT rows are kept, whatever the run's size.
 */
import type { DiscrepancyKind, Severity } from '../domain/discrepancy.js';
import { TableRows } from './html-table.js';
import { AGE_BUCKETS, addAge, addOpenBySeverity, addRisk, addSplit, isUnresolved, sourceOf, type CurrencyRisk, type SplitCount } from './summary.js';
import type { ReportRow } from './types.js';

export class HtmlTally {
  unresolved = 0;
  readonly byKind = new Map<string, SplitCount>();
  readonly bySource = new Map<string, SplitCount>();
  readonly risk = new Map<string, CurrencyRisk>();
  readonly ages = AGE_BUCKETS.map((b) => ({ label: b.label, count: 0 }));
  readonly openBySeverity = new Map<DiscrepancyKind, Record<Severity, number>>();
  readonly table = new TableRows();

  add(r: ReportRow): void {
    if (isUnresolved(r)) this.unresolved++;
    addSplit(this.byKind, r.kind, r);
    addSplit(this.bySource, sourceOf(r), r);
    addRisk(this.risk, r);
    addAge(this.ages, r);
    addOpenBySeverity(this.openBySeverity, r);
    this.table.add(r);
  }
}
