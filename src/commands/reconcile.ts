/**
 * `payrecon reconcile`: validate the options, run the engine (src/reconcile/engine.ts), print
 * the document (--json) or a summary, optionally write a report, return the findings bitmask.
 */
import type { CommandContext } from '../context.js';
import { matchedTotals } from '../db/discrepancies.js';
import { DISCREPANCY_KINDS, type DiscrepancyKind, type ReconcileDocument } from '../domain/discrepancy.js';
import { UsageError } from '../errors.js';
import { runReconcile } from '../reconcile/engine.js';
import { formatSummary } from '../reconcile/summary.js';
import { openProgress } from '../ui/open-progress.js';
import { parseDateOption, parseDecimalOption, parseFailOn, parseWholeOption } from './options.js';

export interface ReconcileParams {
  from?: string;
  to?: string;
  amountTolerance?: string;
  dateWindow?: number;
  failOn?: DiscrepancyKind[];
}

/** Validate and reconcile; throws UsageError (16) before anything is written when a value is wrong. */
export async function reconcile(ctx: CommandContext, params: ReconcileParams): Promise<ReconcileDocument> {
  const from = parseDateOption('--from', params.from);
  const to = parseDateOption('--to', params.to);
  if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  const toleranceText = (params.amountTolerance ?? '0').trim();
  const tolerance = parseDecimalOption('--amount-tolerance', toleranceText);
  const dateWindow = params.dateWindow ?? 3;
  if (!Number.isInteger(dateWindow) || dateWindow < 0) throw new UsageError(`--date-window must be a whole number of days, got ${dateWindow}`);
  const failOn = params.failOn ? [...parseFailOn(params.failOn.join(','), DISCREPANCY_KINDS)!] : undefined;
  // A bar on a terminal (a no-op in a pipe, in CI and with --json): a million rows take seconds.
  const progress = await openProgress(ctx.out, { label: 'reconcile', total: 0, unit: 'rows' });
  try {
    return await runReconcile(ctx, {
      from,
      to,
      tolerance,
      toleranceText,
      dateWindow,
      failOn,
      onStage: (name, done, total) => progress.update(done, `${name} of ${total.toLocaleString('en-US')} rows`),
    });
  } finally {
    progress.finish();
  }
}

export async function run(
  opts: { from?: string; to?: string; amountTolerance: string; dateWindow: string; failOn?: string; report?: string },
  ctx: CommandContext,
): Promise<number> {
  const failOn = parseFailOn(opts.failOn, DISCREPANCY_KINDS);
  // Loaded on demand: the report renderers (HTML, JUnit, ...) are only needed with --report.
  // The path is checked before the run, so a typo costs nothing and records no run.
  const report = opts.report ? await import('../report/index.js') : undefined;
  if (report && opts.report) report.checkReportPath(ctx, opts.report);
  const doc = await reconcile(ctx, {
    from: opts.from,
    to: opts.to,
    amountTolerance: opts.amountTolerance,
    dateWindow: parseWholeOption('--date-window', opts.dateWindow),
    failOn: failOn ? [...failOn] : undefined,
  });
  if (report && opts.report) await report.writeReport(ctx, opts.report, doc.run);
  if (ctx.out.json) {
    // Item by item: the same bytes as emitJson(doc), without a second copy of 100,000 items as text.
    const { discrepancies, ...head } = doc;
    await ctx.out.emitJsonStream(head, 'discrepancies', discrepancies);
  } else {
    for (const line of formatSummary(doc, ctx.out.c, matchedTotals(ctx.db(), doc.run))) ctx.out.info(line);
    if (opts.report) ctx.out.info(`report written to ${opts.report}`);
  }
  return doc.exit_code;
}
