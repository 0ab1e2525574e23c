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
  const pieces = [...jsonWithArrayChunks(head, 'discrepancies', mapRows(data.rows))];
  // Write-offs to date, when there are any, as one more key after the items: without them the
  // file is byte for byte what `reconcile --json` printed.
  const totals = data.writtenOff ?? [];
  if (totals.length) {
    const last = pieces.pop()!; // "\n}\n": the document's closing brace
    pieces.push(last.replace(/\n\}\n$/, `,\n  "written_off": ${JSON.stringify(totals, null, 2).replaceAll('\n', '\n  ')}\n}\n`));
  }
  for (const piece of pieces) write(piece);
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
    const doc = data.audit ? { ...head, audit: data.audit, discrepancies } : data.document;
    return JSON.stringify(data.writtenOff?.length ? { ...doc, written_off: data.writtenOff } : doc, null, 2) + '\n';
  },
  streamReconcile: streamReconcileJson,
  // As `scan --json` prints it: one envelope, the combined (OR-ed) findings bits on top.
  renderScan: (data) => {
    const audit = data.audit ? { audit: data.audit } : {};
    const doc = { exit_code: data.scans.reduce((a, s) => a | s.exit_code, 0), scans: data.scans, ...audit };
    return JSON.stringify(doc, null, 2) + '\n';
  },
};
