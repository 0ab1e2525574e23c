/**
 * The filter options `discrepancies` and `resolve` share (cli.ts registers them on both with
 * addFilterOptions), parsed once into a DiscrepancyFilter. Bad values are usage errors (16).
 */
import type { DiscrepancyFilter } from '../db/discrepancy-filter.js';
import type { DiscrepancyKind } from '../domain/discrepancy.js';
import { UsageError } from '../errors.js';
import { parseDecimalOption, parseWholeOption } from './options.js';

export interface FilterOptions {
  kind?: DiscrepancyKind;
  source?: string;
  currency?: string;
  olderThan?: string;
  maxAmount?: string;
  reference?: string;
  assignee?: string;
}

export function parseFilterOptions(o: FilterOptions): Omit<DiscrepancyFilter, 'status' | 'run'> {
  if (o.currency !== undefined && !/^[A-Za-z]{3}$/.test(o.currency)) throw new UsageError(`--currency is an ISO 4217 code like EUR, got "${o.currency}"`);
  if (o.maxAmount !== undefined) parseDecimalOption('--max-amount', o.maxAmount);
  return {
    kind: o.kind,
    source: o.source,
    currency: o.currency?.toUpperCase(),
    olderThanDays: o.olderThan === undefined ? undefined : parseWholeOption('--older-than', o.olderThan),
    maxAmount: o.maxAmount?.trim(),
    reference: o.reference,
    assignee: o.assignee,
  };
}
