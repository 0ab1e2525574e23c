/** Hand-built report data for renderer tests: a small run with hostile references. */
import type { DiscrepancyView, ReconcileDocument } from '../../src/domain/discrepancy.js';
import type { ScanDocument } from '../../src/domain/integrity.js';
import type { ReconcileReportData } from '../../src/report/types.js';

export const HOSTILE_HTML = '<script>alert(1)</script>';
export const HOSTILE_ATTR = '" onmouseover="alert(2)';
export const HOSTILE_CSV = '=HYPERLINK("http://evil.example","click")';

let nextId = 1;
export function view(over: Partial<DiscrepancyView> = {}): DiscrepancyView {
  const id = over.id ?? nextId++;
  return {
    id,
    kind: 'amount_mismatch',
    severity: 'medium',
    reason: 'amounts differ',
    currency: 'EUR',
    reference: `ORD-${id}`,
    psp: { id: `psp-${id}`, amount: '57.28', source: 'adyen', file: '/in/adyen.csv', line: 3 },
    ledger: { id: `L-${id}`, amount: '57.20', source: 'ledger', file: '/in/ledger.csv', line: 88 },
    difference: '0.08',
    status: 'open',
    note: null,
    resolved_by: null,
    resolved_at: null,
    first_seen_run: 1,
    age_days: 0,
    reason_code: null,
    assignee: null,
    version: 1,
    proposal: null,
    ...over,
  };
}

export function documentFor(rows: DiscrepancyView[], run = 7): ReconcileDocument {
  const by_kind: ReconcileDocument['by_kind'] = {};
  for (const r of rows) by_kind[r.kind] = (by_kind[r.kind] ?? 0) + 1;
  return {
    run,
    exit_code: 5,
    window: { from: '2025-03-01', to: '2025-03-31' },
    counts: { psp: 120, ledger: 118, matched: 110, discrepancies: rows.length },
    by_kind,
    discrepancies: rows.map(({ status, note, resolved_by, resolved_at, first_seen_run, age_days, proposal, reason_code, assignee, version, ...item }) => item),
  };
}

export function dataFor(rows: DiscrepancyView[], scans: ScanDocument[] = []): ReconcileReportData {
  return {
    document: documentFor(rows),
    rows,
    matched: [
      { currency: 'EUR', count: 100, amount: '12345.67' },
      { currency: 'JPY', count: 10, amount: '50000' },
    ],
    scans,
    generatedAt: '2025-04-01T00:00:00.000Z',
  };
}

/** A varied run: every field a renderer shows, including hostile text. */
export function sampleRows(): DiscrepancyView[] {
  return [
    view({ id: 41, reference: HOSTILE_HTML, reason: HOSTILE_ATTR }),
    view({ id: 42, kind: 'missing_in_ledger', severity: 'high', reference: HOSTILE_CSV, ledger: null, difference: null, age_days: 12,
      psp: { id: 'ch_1', amount: '-12.30', source: 'stripe', file: '/in/stripe.csv', line: 9, currency: 'USD' }, currency: 'USD' }),
    view({ id: 43, kind: 'missing_in_psp', severity: 'low', psp: null, difference: null, currency: 'JPY', age_days: 100,
      ledger: { id: 'L-43', amount: '1000', source: 'ledger', file: '/in/ledger.csv', line: 5 } }),
    view({ id: 44, status: 'resolved', note: 'booked late', resolved_by: 'ann', resolved_at: '2025-03-30T10:00:00Z' }),
    view({ id: 45, kind: 'rejected_row', severity: 'high', currency: null, reference: null, psp: null, ledger: null, difference: null,
      reason: 'line 7: expected an amount', status: 'acknowledged', age_days: 3 }),
  ];
}

export const SCAN: ScanDocument = {
  scan: 3,
  baseline: 'keys',
  exit_code: 4,
  counts: { files: 12, added: 0, removed: 0, changed: 1, unreadable: 0 },
  findings: [{ path: `/etc/keys/${HOSTILE_HTML}.pem`, kind: 'changed', attributes: ['sha256', 'mode'], severity: 'high' }],
};
