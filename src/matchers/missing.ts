/**
 * What is left after every stage: rows only one side knows, and rows an importer could not
 * read. Their reasons say what was looked for, and why a candidate was not taken.
 */
import { formatMinor } from '../domain/money.js';
import { rowKey, severityOf } from './facts.js';
import type { Finding, MatchOptions, MatchRow } from './types.js';

export function missingFinding(row: MatchRow, opts: MatchOptions, notes: string[] = []): Finding {
  const inLedger = row.side === 'psp';
  const kind = inLedger ? 'missing_in_ledger' : 'missing_in_psp';
  const amount = `${formatMinor(row.amountMinor, row.currency)} ${row.currency}`;
  const looked = inLedger
    ? `no ledger entry books ${row.externalId} (${row.type} ${amount}${row.reference ? `, reference ${row.reference}` : ''}) by PSP reference, reference, or amount within ${opts.dateWindowDays} days`
    : `no PSP row matches ledger ${row.externalId} (${row.type} ${amount}${row.pspReference ? `, PSP reference ${row.pspReference}` : ''}${row.reference ? `, reference ${row.reference}` : ''})`;
  return {
    kind,
    severity: severityOf(kind),
    reason: [looked, ...notes].join('; '),
    currency: row.currency,
    reference: row.reference ?? row.pspReference,
    psp: inLedger ? [row] : [],
    ledger: inLedger ? [] : [row],
    differenceMinor: inLedger ? row.amountMinor : -row.amountMinor,
    fingerprint: `${kind}|${row.side}:${rowKey(row)}|${row.currency}:${row.amountMinor}`,
    scopeDate: row.bookedAt.slice(0, 10),
  };
}

/** A row rejected at import, as stored in the rejects table. */
export interface RejectRow {
  id: number;
  side: string;
  source: string;
  file: string;
  line: number;
  column: string | null;
  reason: string;
}

export function rejectedFinding(r: RejectRow): Finding {
  return {
    kind: 'rejected_row',
    severity: severityOf('rejected_row'),
    reason: `${r.side} row ${r.file}:${r.line}${r.column ? ` (column ${r.column})` : ''} was rejected at import and cannot be reconciled: ${r.reason}`,
    currency: null,
    reference: null,
    psp: [],
    ledger: [],
    differenceMinor: null,
    fingerprint: `rejected_row|reject:${r.id}`,
    scopeDate: null,
    rejectId: r.id,
  };
}
