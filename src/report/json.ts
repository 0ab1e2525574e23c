/**
 * JSON export: for a reconcile run, exactly the document `reconcile --json` printed for it;
 * for scans, what `scan --json` prints: the scan document, or `{"exit_code", "scans": [...]}` for several.
 */
import type { DiscrepancyItem } from '../domain/discrepancy.js';
import { jsonWithArrayChunks } from '../output.js';
import type { ReconcileStreamData, Reporter, ReportRow, Write } from './types.js';

/** A document item: a report row without its workflow state. */
function itemOf(r: ReportRow): DiscrepancyItem {
  return {
    id: r.id,
    kind: r.kind,
    severity: r.severity,
    reason: r.reason,
    currency: r.currency,
    reference: r.reference,
    psp: r.psp,
    ledger: r.ledger,
    difference: r.difference,
  };
}

/** The document streamed item by item: the same bytes as `JSON.stringify(document, null, 2)`. */
export function streamReconcileJson(data: ReconcileStreamData, write: Write): void {
  const head = data.audit ? { ...data.header, audit: data.audit } : data.header;
  for (const piece of jsonWithArrayChunks(head, 'discrepancies', mapRows(data.rows))) write(piece);
}

function* mapRows(rows: ReconcileStreamData['rows']): Generator<DiscrepancyItem> {
  for (const r of rows) yield itemOf(r);
}

export const jsonReporter: Reporter = {
  extension: '.json',
  name: 'JSON',
  documentOnly: true,
  renderReconcile: (data) => {
    const { discrepancies, ...head } = data.document;
    return JSON.stringify(data.audit ? { ...head, audit: data.audit, discrepancies } : data.document, null, 2) + '\n';
  },
  streamReconcile: streamReconcileJson,
  // As `scan --json` prints it: several scans carry the combined (OR-ed) findings bits.
  renderScan: (data) => {
    const audit = data.audit ? { audit: data.audit } : {};
    const doc = data.scans.length === 1 ? { ...data.scans[0], ...audit } : { exit_code: data.scans.reduce((a, s) => a | s.exit_code, 0), scans: data.scans, ...audit };
    return JSON.stringify(doc, null, 2) + '\n';
  },
};
