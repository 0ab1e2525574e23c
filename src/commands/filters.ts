/**
 * The filter options `discrepancies` and `resolve` share (cli.ts registers them on both with
 * addFilterOptions), parsed once into a DiscrepancyFilter. Bad values are usage errors (16).
 */
import type { DiscrepancyFilter, OneOrMore } from '../db/discrepancy-filter.js';
import type { DiscrepancyKind } from '../domain/discrepancy.js';
import { UsageError } from '../errors.js';
import { parseDecimalOption, parseWholeOption } from './options.js';

export interface FilterOptions {
  /** Lists come from `--kind a --kind b` or `--kind a,b` (cli.ts listOption). */
  kind?: OneOrMore<DiscrepancyKind>;
  source?: OneOrMore<string>;
  currency?: OneOrMore<string>;
  olderThan?: string;
  maxAmount?: string;
  reference?: string;
  assignee?: string;
}

export function parseFilterOptions(o: FilterOptions): Omit<DiscrepancyFilter, 'status' | 'run'> {
  const currencies = o.currency === undefined ? undefined : [o.currency].flat();
  for (const c of currencies ?? []) if (!/^[A-Za-z]{3}$/.test(c)) throw new UsageError(`--currency is an ISO 4217 code like EUR, got "${c}"`);
  if (o.maxAmount !== undefined) parseDecimalOption('--max-amount', o.maxAmount);
  return {
    kind: o.kind,
    source: o.source,
    currency: currencies?.map((c) => c.toUpperCase()),
    olderThanDays: o.olderThan === undefined ? undefined : parseWholeOption('--older-than', o.olderThan),
    maxAmount: o.maxAmount?.trim(),
    reference: o.reference,
    assignee: o.assignee,
  };
}
