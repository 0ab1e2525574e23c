/**
 * `payrecon reconcile`: parse the options, run the reconcile operation (src/operations/
 * reconcile.ts), print the document (--json) or a summary, optionally write a report, return
 * the findings bitmask.
 */
import { auditAnchor } from '../operations/audit.js';
import type { CommandContext } from '../context.js';
import { matchedTotals } from '../db/discrepancies.js';
import { countProposals } from '../db/proposals.js';
import { DISCREPANCY_KINDS, RECONCILE_DEFAULTS } from '../domain/discrepancy.js';
import { InterruptedError, UsageError } from '../errors.js';
import { reconcile, type ReconcileParams } from '../operations/reconcile.js';
import { cashOverview } from '../operations/cash.js';
import { requireClean } from '../operations/require-clean.js';
import { formatCash, formatSummary } from '../reconcile/summary.js';
import { csvDialectFor, parseDateOption, parseDecimalOption, parseFailOn, parseWholeOption } from './options.js';

/** The options as commander gives them (strings; defaults from RECONCILE_DEFAULTS). */
export interface ReconcileOptions {
  from?: string;
  to?: string;
  amountTolerance?: string;
  dateWindow?: string;
  depositWindow?: string;
  /** Comma-separated kinds, or a list of them. */
  failOn?: string | string[];
  report?: string;
  csvDialect?: string;
  autoConfirm?: string;
  dryRun?: boolean;
  /** Baselines that must scan clean before anything is reconciled (exit 20 otherwise). */
  requireClean?: string[];
  keyFile?: string;
}

/** Every option checked once, here: a wrong value is exit 16 before anything is written. */
export function parseReconcileOptions(opts: ReconcileOptions): ReconcileParams {
  const from = parseDateOption('--from', opts.from);
  const to = parseDateOption('--to', opts.to);
  if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  const amountTolerance = (opts.amountTolerance ?? RECONCILE_DEFAULTS.amountTolerance).trim();
  parseDecimalOption('--amount-tolerance', amountTolerance);
  const dateWindow = opts.dateWindow === undefined ? RECONCILE_DEFAULTS.dateWindow : parseWholeOption('--date-window', opts.dateWindow);
  const depositWindow = opts.depositWindow === undefined ? RECONCILE_DEFAULTS.depositWindow : parseWholeOption('--deposit-window', opts.depositWindow);
  const failOn = parseFailOn(opts.failOn, DISCREPANCY_KINDS);
  const autoConfirm = opts.autoConfirm === undefined ? RECONCILE_DEFAULTS.autoConfirm : parseWholeOption('--auto-confirm', opts.autoConfirm);
  if (autoConfirm > 100) throw new UsageError(`--auto-confirm is a confidence from 0 to 100, got ${autoConfirm}`);
  return { from, to, amountTolerance, dateWindow, depositWindow, failOn: failOn && [...failOn], autoConfirm, dryRun: opts.dryRun === true };
}

export async function run(opts: ReconcileOptions, ctx: CommandContext): Promise<number> {
  const params = parseReconcileOptions(opts);
  // Checked only when a CSV report is written: a bad $PAYRECON_CSV_DIALECT stops no other run.
  const csvDialect = csvDialectFor(opts.report, opts.csvDialect, ctx.env);
  // Loaded on demand: the renderers (HTML, JUnit, ...) are only needed with --report. The path
  // is checked before the run, so a typo costs nothing and records no run.
  if (opts.dryRun && opts.report) throw new UsageError('--dry-run records no run, so there is nothing to --report', 'drop one of them');
  const reports = opts.report ? await import('../operations/report.js') : undefined;
  if (opts.report) reports!.checkReportPath(ctx, opts.report);
  if (opts.requireClean?.length) await requireClean(ctx, { baselines: opts.requireClean, keyFile: opts.keyFile });
  const doc = await reconcile(ctx, params);
  if (opts.report) await reports!.writeRunReport(ctx, opts.report, doc.run, { csvDialect });
  if (ctx.out.json) {
    // Item by item, read from the database as the reader takes them: the same bytes as
    // emitJson(doc), with neither the items nor their text ever held at once. The audit anchor
    // is read first: the items' query keeps the connection busy until the last one is printed.
    const { discrepancies, ...head } = doc;
    const stopped = doc.dry_run
      ? 'interrupted while printing a dry run; nothing was recorded'
      : `interrupted while printing; run ${doc.run} is recorded: payrecon report --run ${doc.run} --out <file.json> writes its document`;
    await ctx.out.emitJsonStream({ ...head, audit: auditAnchor(ctx.db()) }, 'discrepancies', untilInterrupted(ctx, discrepancies, stopped));
  } else {
    if (doc.dry_run) ctx.out.info(`dry run: nothing was recorded; this is what run ${doc.run} would record`);
    for (const line of formatSummary(doc, ctx.out.c, doc.dry_run ? [] : matchedTotals(ctx.db(), doc.run))) ctx.out.info(line);
    const cash = doc.dry_run ? undefined : cashOverview(ctx);
    if (cash) for (const line of formatCash(cash)) ctx.out.info(line);
    const waiting = doc.dry_run ? 0 : countProposals(ctx.db(), 'open');
    if (waiting > 0) ctx.out.info(`${waiting} proposed pairing${waiting === 1 ? '' : 's'} await a decision: payrecon proposals`);
    if (opts.report) ctx.out.info(`report written to ${opts.report}`);
  }
  return doc.exit_code;
}

/**
 * The items, stopping at Ctrl-C / SIGTERM: the run is already committed, and printing a million
 * items takes long enough that an interrupt must not wait for the last one (exit 130).
 */
function* untilInterrupted<T>(ctx: CommandContext, items: Iterable<T>, why: string): Generator<T> {
  for (const item of items) {
    if (ctx.signal.aborted) throw new InterruptedError(why);
    yield item;
  }
}
