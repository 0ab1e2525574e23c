/**
 * The real jobs: the operations the `import`, `reconcile` and `scan` commands call
 * (src/operations/). A reconcile job imports what its globs match (files already imported are
 * skipped by the importer's content hash), then reconciles; a scan job scans its baselines.
 */
import { glob } from 'tinyglobby';
import { systemAccountNames } from '../checksums/accounts.js';
import { findingItems } from '../checksums/events.js';
import { baselineNames } from '../db/integrity.js';
import { combineExitCodes } from '../domain/exit-codes.js';
import type { OperationContext } from '../operations/context.js';
import { auditAnchor } from '../operations/audit.js';
import { importFiles } from '../operations/import.js';
import { formatLocation, type InputError, IoError } from '../errors.js';
import { printable } from '../output.js';
import { RECONCILE_DEFAULTS, type DiscrepancyItem } from '../domain/discrepancy.js';
import { reconcile } from '../operations/reconcile.js';
import { requireClean } from '../operations/require-clean.js';
import { scanBaselines } from '../operations/scan.js';
import { parseKeep, pruneBaselines } from '../operations/prune.js';
import type { JobConfig, ScheduleConfig } from './config.js';
import type { JobOutcome, RunJob } from './scheduler.js';

/** `ctx` is the jobs' own context (scheduler-chosen db and output); `keyFile` the effective key file. */
export function createRunJob(ctx: OperationContext, keyFile: string | undefined, retention?: ScheduleConfig['retention']): RunJob {
  return (job) => (job.reconcile ? runReconcileJob(ctx, job, keyFile) : runScanJob(ctx, job, keyFile, retention?.scans));
}

/** Sorted, so files import in a stable order (names usually carry dates). */
async function expand(globs: string[] | undefined): Promise<string[]> {
  if (!globs?.length) return [];
  const files = await glob(globs, { absolute: true, onlyFiles: true, expandDirectories: false });
  return files.sort();
}

async function runReconcileJob(ctx: OperationContext, job: JobConfig, keyFile: string | undefined): Promise<JobOutcome> {
  const spec = job.reconcile!;
  // Before anything is imported: a changed mapping must not shape this night's data. A refusal
  // throws TamperError (20), which the scheduler reports as a failed run and alerts.
  if (spec.requireClean) await requireClean(ctx, { baselines: spec.requireClean, keyFile });
  const codes: number[] = [];
  const problems: string[] = [];
  const imported = { files: 0, already: 0, rows: 0, rejected: 0 };
  for (const side of ['psp', 'ledger'] as const) {
    const files = await expand(spec.import?.[side]);
    if (!files.length) continue;
    const summary = await importFiles(
      ctx,
      {
        side,
        files,
        format: side === 'psp' ? spec.import?.format : undefined,
        mapping: side === 'ledger' ? spec.import?.mapping : undefined,
        source: spec.import?.source,
      },
      (_, { error }) => {
        if (error) problems.push(failureWithoutContent(error));
      },
    );
    for (const f of summary.files) {
      if (f.status === 'imported') imported.files++;
      if (f.status === 'already_imported') imported.already++;
      imported.rows += f.rows.imported;
      imported.rejected += f.rows.rejected;
    }
    codes.push(summary.exit_code);
  }
  const doc = await reconcile(ctx, {
    dateWindow: spec.dateWindow ?? RECONCILE_DEFAULTS.dateWindow,
    depositWindow: spec.depositWindow ?? RECONCILE_DEFAULTS.depositWindow,
    amountTolerance: spec.amountTolerance ?? RECONCILE_DEFAULTS.amountTolerance,
    failOn: spec.failOn,
  });
  codes.push(doc.exit_code);
  const kinds = spec.failOn ? new Set<string>(spec.failOn) : undefined;
  const items: DiscrepancyItem[] = [];
  for (const d of doc.discrepancies) if (!kinds || kinds.has(d.kind)) items.push(d);
  return {
    exitCode: combineExitCodes(codes),
    counts: { import: imported, run: doc.run, ...doc.counts, by_kind: doc.by_kind },
    items,
    error: problems.length ? `import failed for ${problems.length} file(s): ${problems.join('; ')}` : undefined,
    audit: auditAnchor(ctx.db()),
  };
}

/**
 * Why a file failed, for an alert and the run log: they leave the machine (webhooks, pagers),
 * so they carry nothing read from the file, only its name, the line and the exit code (or the
 * error's own content-free summary). `payrecon import` on the file shows the whole message.
 */
function failureWithoutContent(error: InputError | IoError): string {
  if (error instanceof IoError) return error.message;
  if (error.summary) return error.summary;
  const where = error.location ? printable(formatLocation({ file: error.location.file, line: error.location.line })) : '';
  return `${where ? `${where}: ` : ''}cannot be imported (exit ${error.exitCode}); run payrecon import on it to see why`;
}

async function runScanJob(ctx: OperationContext, job: JobConfig, keyFile: string | undefined, keep: string | number | undefined): Promise<JobOutcome> {
  const spec = job.scan!;
  const result = await scanBaselines(ctx, { names: spec.baselines, failOn: spec.failOn, keyFile });
  // Retention: the scans just recorded are kept; older ones go behind a signed checkpoint.
  if (keep !== undefined) await pruneBaselines(ctx, { names: spec.baselines, keep: parseKeep(String(keep)), keyFile });
  const kinds = spec.failOn ? new Set<string>(spec.failOn) : undefined;
  const counts = { scans: [] as number[], files: 0, added: 0, removed: 0, changed: 0, unreadable: 0 };
  const items: unknown[] = [];
  const names = systemAccountNames();
  result.scans.forEach((s, i) => {
    counts.scans.push(s.scan);
    for (const k of ['files', 'added', 'removed', 'changed', 'unreadable'] as const) counts[k] += s.counts[k];
    // Which baseline a finding belongs to matters when one job scans several; the scan id and
    // the file's attributes (mode, owner...) are what the jsonl and syslog sinks' events carry.
    for (const f of findingItems(s, result.subjects[i], names)) if (!kinds || kinds.has(f.kind)) items.push(f);
  });
  // scanBaselines throws on every error (16 and above), so this is an OR of finding bits only;
  // a thrown error is the scheduler's to report as a failed run.
  return { exitCode: result.exitCode, counts, items, audit: auditAnchor(ctx.db()) };
}

/** Baselines named by scan jobs that the database does not hold (checked before starting). */
export function missingBaselines(ctx: OperationContext, jobs: JobConfig[]): Array<{ path: string; name: string }> {
  const known = baselineNames(ctx.db());
  const missing: Array<{ path: string; name: string }> = [];
  jobs.forEach((j, i) => {
    j.scan?.baselines.forEach((name, k) => {
      if (!known.has(name)) missing.push({ path: `jobs[${i}].scan.baselines[${k}]`, name });
    });
    j.reconcile?.requireClean?.forEach((name, k) => {
      if (!known.has(name)) missing.push({ path: `jobs[${i}].reconcile.requireClean[${k}]`, name });
    });
  });
  return missing;
}
