/**
 * Writing reports: pick the format from the file extension (src/report/index.ts), gather the
 * data, render it with the format's pure Reporter and write the file atomically; a run's rows
 * stream from the database through the renderer into the file. Used by `reconcile --report`,
 * `scan --report` and `payrecon report`.
 */
import { resolve } from 'node:path';
import { getRunHeader, iterateRunRows, matchedTotals } from '../db/discrepancies.js';
import { latestScanDocuments } from '../db/integrity-scans.js';
import { writtenOffTotals } from '../db/reason-codes.js';
import type { RunHeader } from '../domain/discrepancy.js';
import type { ScanDocument } from '../domain/integrity.js';
import { reporterFor, type FormatOptions, type ReconcileStreamData, type Reporter } from '../report/index.js';
import { assertWritableDir, writeFileAtomic, writeFileAtomicStream } from '../report/write-atomic.js';
import { cashOverview } from './cash.js';
import { auditAnchor, checkAuditChain } from './audit.js';
import { previousRunStart, resolvedSince } from '../db/triage-history.js';
import { UsageError } from '../errors.js';
import type { OperationContext } from './context.js';

/**
 * Check a report path before doing the work it reports on: known extension (else exit 16) and
 * an existing directory (else exit 18). Returns the absolute path and the reporter.
 */
export function checkReportPath(ctx: OperationContext, path: string): { abs: string; reporter: Reporter } {
  const reporter = reporterFor(path);
  const abs = resolve(ctx.cwd, path);
  assertWritableDir(abs, path);
  return { abs, reporter };
}

/**
 * Write the report of run `runId` (the latest when undefined): the run's header, totals and
 * scans first, then its rows read once, in one query, straight into the format's streaming
 * renderer and the atomic file. One read transaction, so the header's counts and the rows are
 * the same snapshot even while another process writes.
 */
function streamRunReport(ctx: OperationContext, abs: string, path: string, reporter: Reporter, runId: number | undefined, format: FormatOptions, since?: string): RunHeader {
  const db = ctx.db();
  const now = ctx.now();
  return db.transaction(() => {
    const header = getRunHeader(db, runId);
    // Read before the rows: their iteration holds the connection until it ends.
    const resolved = resolvedSince(db, since ?? previousRunStart(db, header.run), now.toISOString(), reporter.documentOnly ? JSON_RESOLVED_LIMIT : RESOLVED_LIMIT);
    const auditChain = checkAuditChain(db);
    const data: ReconcileStreamData = {
      header,
      rows: iterateRunRows(db, header.run, now),
      // The JSON format is the document alone.
      matched: reporter.documentOnly ? [] : matchedTotals(db, header.run),
      writtenOff: writtenOffTotals(db),
      scans: reporter.documentOnly ? [] : latestScanDocuments(db),
      cash: reporter.documentOnly ? undefined : cashOverview(ctx) ?? undefined,
      generatedAt: now.toISOString(),
      audit: auditAnchor(db),
      resolved,
      auditChain,
      ...format,
    };
    ctx.checkInterrupted();
    writeFileAtomicStream(abs, (write) => reporter.streamReconcile(data, write), path);
    return header;
  })();
}

// The newest settlements a report lists (all are counted): a person reads a few hundred; a
// program reading the JSON report gets more, and `payrecon audit log` has every one.
const RESOLVED_LIMIT = 500;
const JSON_RESOLVED_LIMIT = 10_000;

/** `--since`: a date (midnight UTC) or an ISO-8601 time; the start of the report's period. */
export function parseSince(text: string): string {
  const t = text.trim();
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(t) ? Date.parse(`${t}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T/.test(t) ? Date.parse(t) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`--since must be a date (YYYY-MM-DD) or an ISO-8601 time, got "${text}"`);
  return new Date(ms).toISOString();
}

/**
 * Write the report of run `runId` (the latest when undefined) and say which run and format it
 * was. Path problems surface before the database is read.
 */
export async function writeRunReport(
  ctx: OperationContext,
  path: string,
  runId?: number,
  format: FormatOptions = {},
  since?: string,
): Promise<{ run: number; reporter: Reporter }> {
  const { abs, reporter } = checkReportPath(ctx, path);
  const header = streamRunReport(ctx, abs, path, reporter, runId, format, since === undefined ? undefined : parseSince(since));
  return { run: header.run, reporter };
}

/** Write a report of integrity scans to `path` (format from the extension). */
export async function writeScanReport(ctx: OperationContext, path: string, scans: ScanDocument[], format: FormatOptions = {}): Promise<void> {
  const { abs, reporter } = checkReportPath(ctx, path);
  const text = reporter.renderScan({ scans, generatedAt: ctx.now().toISOString(), audit: auditAnchor(ctx.db()), ...format });
  ctx.checkInterrupted();
  writeFileAtomic(abs, text, path);
}
