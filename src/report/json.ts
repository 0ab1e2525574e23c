/**
 * JSON export: for a reconcile run, exactly the document `reconcile --json` printed for it (then
 * `written_off` to date and `resolved` this period, when there are any);
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
  // And what was settled or reopened in the report's period, when anything was.
  const tail: Record<string, unknown> = {};
  const totals = data.writtenOff ?? [];
  if (totals.length) tail.written_off = totals;
  if (data.resolved?.total) tail.resolved = data.resolved;
  if (Object.keys(tail).length) {
    const last = pieces.pop()!; // "\n}\n": the document's closing brace
    const keys = Object.entries(tail).map(([k, v]) => `,\n  ${JSON.stringify(k)}: ${JSON.stringify(v, null, 2).replaceAll('\n', '\n  ')}`);
    pieces.push(last.replace(/\n\}\n$/, () => `${keys.join('')}\n}\n`));
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
    return JSON.stringify({ ...doc, ...(data.writtenOff?.length ? { written_off: data.writtenOff } : {}), ...(data.resolved?.total ? { resolved: data.resolved } : {}) }, null, 2) + '\n';
  },
  streamReconcile: streamReconcileJson,
  // As `scan --json` prints it: one envelope, the combined (OR-ed) findings bits on top.
  renderScan: (data) => {
    const audit = data.audit ? { audit: data.audit } : {};
    const doc = { exit_code: data.scans.reduce((a, s) => a | s.exit_code, 0), scans: data.scans, ...audit };
    return JSON.stringify(doc, null, 2) + '\n';
  },
};
