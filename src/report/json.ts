/**
 * JSON export: for a reconcile run, exactly the document `reconcile --json` printed for it;
 * for scans, the document `scan --json` prints (one scan) or `{"scans": [...]}` (several).
 */
import type { Reporter } from './types.js';

export const jsonReporter: Reporter = {
  extension: '.json',
  name: 'JSON',
  documentOnly: true,
  renderReconcile: (data) => JSON.stringify(data.document, null, 2) + '\n',
  renderScan: (data) => JSON.stringify(data.scans.length === 1 ? data.scans[0] : { scans: data.scans }, null, 2) + '\n',
};
