/**
 * JSON export: for a reconcile run, exactly the document `reconcile --json` printed for it;
 * for scans, what `scan --json` prints: the scan document, or `{"exit_code", "scans": [...]}` for several.
 */
import { jsonWithArrayChunks } from '../output.js';
import { itemOf, type ReconcileStreamData, type Reporter, type Write } from './types.js';

/** The document streamed item by item: the same bytes as `JSON.stringify(document, null, 2)`. */
export function streamReconcileJson(data: ReconcileStreamData, write: Write): void {
  for (const piece of jsonWithArrayChunks(data.header, 'discrepancies', mapRows(data.rows))) write(piece);
}

function* mapRows(rows: ReconcileStreamData['rows']): Generator<ReturnType<typeof itemOf>> {
  for (const r of rows) yield itemOf(r);
}

export const jsonReporter: Reporter = {
  extension: '.json',
  name: 'JSON',
  documentOnly: true,
  renderReconcile: (data) => JSON.stringify(data.document, null, 2) + '\n',
  streamReconcile: streamReconcileJson,
  // As `scan --json` prints it: several scans carry the combined (OR-ed) findings bits.
  renderScan: (data) =>
    JSON.stringify(data.scans.length === 1 ? data.scans[0] : { exit_code: data.scans.reduce((a, s) => a | s.exit_code, 0), scans: data.scans }, null, 2) + '\n',
};
