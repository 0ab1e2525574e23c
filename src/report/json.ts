/**
 * JSON export: for a reconcile run, exactly the document `reconcile --json` printed for it;
 * for scans, what `scan --json` prints: the scan document, or `{"exit_code", "scans": [...]}` for several.
 */
import type { Reporter } from './types.js';

export const jsonReporter: Reporter = {
  extension: '.json',
  name: 'JSON',
  documentOnly: true,
  renderReconcile: (data) => JSON.stringify(data.document, null, 2) + '\n',
  // As `scan --json` prints it: several scans carry the combined (OR-ed) findings bits.
  renderScan: (data) =>
    JSON.stringify(data.scans.length === 1 ? data.scans[0] : { exit_code: data.scans.reduce((a, s) => a | s.exit_code, 0), scans: data.scans }, null, 2) + '\n',
};
