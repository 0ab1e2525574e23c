/**
 * Writing reports: pick the format from the file extension, gather the data, render it with
 * the format's pure Reporter and write the file atomically. Used by `reconcile --report`,
 * `scan --report` and `payrecon report`.
 */
import { extname, resolve } from 'node:path';
import type { CommandContext } from '../context.js';
import { getRunDocument, listDiscrepancies, matchedTotals } from '../db/discrepancies.js';
import { latestScanDocuments } from '../db/integrity.js';
import type { DB } from '../db/open.js';
import type { DiscrepancyView, ReconcileDocument } from '../domain/discrepancy.js';
import type { ScanDocument } from '../domain/integrity.js';
import { UsageError } from '../errors.js';
import { csvReporter } from './csv.js';
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import type { ReconcileReportData, Reporter, ReportRow } from './types.js';
import { assertWritableDir, writeFileAtomic } from './write-atomic.js';

export type { ReconcileReportData, Reporter, ScanReportData } from './types.js';

export const REPORTERS: readonly Reporter[] = [htmlReporter, csvReporter, jsonReporter, junitReporter];

/** The reporter for `path`'s extension, or a UsageError (exit 16) listing the known ones. */
export function reporterFor(path: string): Reporter {
  const ext = extname(path).toLowerCase();
  const hit = REPORTERS.find((r) => r.extension === ext);
  if (hit) return hit;
  const known = REPORTERS.map((r) => `${r.extension} (${r.name})`).join(', ');
  throw new UsageError(
    `cannot tell the report format of ${path}: ${ext ? `unknown extension "${ext}"` : 'no extension'}`,
    `use one of ${known}`,
  );
}

/**
 * Check a report path before doing the work it reports on: known extension (else exit 16) and
 * an existing directory (else exit 18). Returns the absolute path and the reporter.
 */
export function checkReportPath(ctx: CommandContext, path: string): { abs: string; reporter: Reporter } {
  const reporter = reporterFor(path);
  const abs = resolve(ctx.cwd, path);
  assertWritableDir(abs, path);
  return { abs, reporter };
}

/** Document items joined with their workflow state; an item without a state counts as open. */
export function joinRows(doc: ReconcileDocument, views: DiscrepancyView[]): ReportRow[] {
  const byId = new Map(views.map((v) => [v.id, v]));
  return doc.discrepancies.map(
    (item) =>
      byId.get(item.id) ?? {
        ...item,
        status: 'open',
        note: null,
        resolved_by: null,
        resolved_at: null,
        first_seen_run: doc.run,
        age_days: 0,
      },
  );
}

/**
 * Everything a report of run `runId` shows (UsageError, exit 16, when there is no such run).
 * With `documentOnly` the rows, totals and scans are left empty: the JSON format needs only
 * the document, and reading 100,000 discrepancies twice is what a large report costs most.
 */
export function gatherReconcileData(db: DB, runId: number | undefined, now: Date, documentOnly = false): ReconcileReportData {
  const document = getRunDocument(db, runId);
  const generatedAt = now.toISOString();
  if (documentOnly) return { document, rows: [], matched: [], scans: [], generatedAt };
  const views = listDiscrepancies(db, { status: 'all', run: document.run }, now);
  return {
    document,
    rows: joinRows(document, views),
    matched: matchedTotals(db, document.run),
    scans: latestScanDocuments(db),
    generatedAt,
  };
}

/** Write the report of reconcile run `runId` to `path` (format from the extension). */
export async function writeReport(ctx: CommandContext, path: string, runId: number): Promise<void> {
  await writeRunReport(ctx, path, runId);
}

/**
 * Write the report of run `runId` (the latest when undefined) and say which run and format it
 * was. Path problems surface before the database is read.
 */
export async function writeRunReport(ctx: CommandContext, path: string, runId?: number): Promise<{ run: number; reporter: Reporter }> {
  const { abs, reporter } = checkReportPath(ctx, path);
  const data = gatherReconcileData(ctx.db(), runId, ctx.now(), reporter.documentOnly);
  ctx.checkInterrupted();
  const text = reporter.renderReconcile(data);
  ctx.checkInterrupted();
  writeFileAtomic(abs, text, path);
  return { run: data.document.run, reporter };
}

/** Write a report of integrity scans to `path` (format from the extension). */
export async function writeScanReport(ctx: CommandContext, path: string, scans: ScanDocument[]): Promise<void> {
  const { abs, reporter } = checkReportPath(ctx, path);
  const text = reporter.renderScan({ scans, generatedAt: ctx.now().toISOString() });
  ctx.checkInterrupted();
  writeFileAtomic(abs, text, path);
}
