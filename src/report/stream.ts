/**
 * The bridge between the two ways a renderer is driven: whole data in, one string out (tests,
 * small callers) and rows read once, text written in pieces (reports of large runs). Each
 * format implements the streaming form once; the string form collects its pieces, so both
 * produce the same text by construction.
 */
import type { ReconcileReportData, ReconcileStreamData, Write } from './types.js';

/** The streaming view of whole report data. */
export function streamDataOf(data: ReconcileReportData): ReconcileStreamData {
  const { discrepancies: _items, ...header } = data.document;
  return {
    header,
    rows: data.rows, matched: data.matched, writtenOff: data.writtenOff, scans: data.scans, cash: data.cash,
    generatedAt: data.generatedAt,
    audit: data.audit,
    resolved: data.resolved,
    auditChain: data.auditChain,
    csvDialect: data.csvDialect,
  };
}

/** Run a streaming renderer over whole data and return its text. */
export function collect(render: (data: ReconcileStreamData, write: Write) => void, data: ReconcileReportData): string {
  const pieces: string[] = [];
  render(streamDataOf(data), (text) => pieces.push(text));
  return pieces.join('');
}
