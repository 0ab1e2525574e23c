/**
 * `payrecon discrepancies`: list discrepancies by status, kind, run and the filters `resolve`
 * shares; --json prints {"discrepancies": [...]}; --out writes the selection as an editable CSV.
 */
import type { CommandContext } from '../context.js';
import { iterateDiscrepancies, type DiscrepancyFilter } from '../db/discrepancies.js';
import type { DiscrepancyView } from '../domain/discrepancy.js';
import { PERIOD_FORMS, parsePeriod } from '../domain/period.js';
import { UsageError } from '../errors.js';
import { columnWidths, discrepancyRow, discrepancyTable, LargestByCurrency, renderRow } from './discrepancy-table.js';
import { parseFilterOptions, type FilterOptions } from './filters.js';
import { parseCsvDialect, parseDateOption } from './options.js';

export interface DiscrepanciesOptions extends FilterOptions {
  status?: DiscrepancyFilter['status'];
  run?: number;
  out?: string;
  csvDialect?: string;
  from?: string;
  to?: string;
  period?: string;
  wide?: boolean;
}

/** Rows read before the column widths are fixed: enough for any screen, and a long history is not held in memory. */
const WIDTH_SAMPLE = 2000;

/** --period, or --from/--to: the booking dates (scope_date) in view; both at once is a usage error. */
function dateRange(opts: DiscrepanciesOptions): { from?: string; to?: string } {
  if (opts.period !== undefined) {
    if (opts.from !== undefined || opts.to !== undefined) throw new UsageError('--period cannot be combined with --from or --to: give one or the other');
    const range = parsePeriod(opts.period);
    if (!range) throw new UsageError(`--period is ${PERIOD_FORMS}, got "${opts.period}"`);
    return range;
  }
  const from = parseDateOption('--from', opts.from);
  const to = parseDateOption('--to', opts.to);
  if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  return { from, to };
}

/** `kind` is one of DISCREPANCY_KINDS: commander's .choices() in cli.ts rejects anything else (exit 16). */
export async function run(opts: DiscrepanciesOptions, ctx: CommandContext): Promise<number> {
  const filter: DiscrepancyFilter = { status: opts.status ?? 'open', run: opts.run, ...parseFilterOptions(opts), ...dateRange(opts) };
  if (opts.out) {
    const { exportQueue } = await import('../operations/sheet.js');
    const r = exportQueue(ctx, opts.out, filter, parseCsvDialect(opts.csvDialect, ctx.env));
    if (ctx.out.json) ctx.out.emitJson({ file: opts.out, rows: r.rows });
    else ctx.out.info(`${r.rows} discrepanc${r.rows === 1 ? 'y' : 'ies'} written to ${opts.out}: edit status, reason, note, assignee; apply with payrecon resolve --from-file ${opts.out}`);
    return 0;
  }
  if (ctx.out.json) {
    // Printed as read: `--status all` of a large history never sits in memory as one list.
    await ctx.out.emitJsonStream({}, 'discrepancies', iterateDiscrepancies(ctx.db(), filter, ctx.now()));
    return 0;
  }
  // Aligned columns: widths from the first rows, fitted to a terminal (a pipe or --wide cuts
  // nothing); then the count and the largest differences per currency.
  const wide = opts.wide === true;
  const table = discrepancyTable(wide);
  const stdout = ctx.out.stdout;
  const fit = !wide && stdout.isTTY && (stdout.columns ?? 0) > 0 ? stdout.columns : undefined;
  const c = ctx.out.c;
  const severity = { high: c.red, medium: c.yellow, low: c.dim } as const;
  const largest = new LargestByCurrency();
  let pending: DiscrepancyView[] | undefined = [];
  let widths: number[] = [];
  let count = 0;
  const flush = () => {
    widths = columnWidths(table, pending!.map((d) => discrepancyRow(d, wide)), fit);
    ctx.out.info(c.bold(renderRow(table, table.headers, widths)));
    for (const d of pending!) print(d);
    pending = undefined;
  };
  const print = (d: DiscrepancyView) => ctx.out.info(renderRow(table, discrepancyRow(d, wide), widths, (col, text) => (col === 1 ? severity[d.severity](text) : text)));
  for (const d of iterateDiscrepancies(ctx.db(), filter, ctx.now())) {
    count++;
    largest.add(d);
    if (pending) {
      pending.push(d);
      if (pending.length === WIDTH_SAMPLE) flush();
    } else print(d);
  }
  if (count === 0) {
    const status = [opts.status ?? 'open'].flat().join(' or ');
    const range = filter.from || filter.to ? ` booked ${filter.from ?? '…'} to ${filter.to ?? '…'}` : '';
    ctx.out.info(`no ${status === 'all' ? '' : `${status} `}discrepancies${opts.kind ? ` of kind ${[opts.kind].flat().join(' or ')}` : ''}${range}${opts.run ? ` in run ${opts.run}` : ''}${opts.assignee ? ` assigned to ${opts.assignee}` : ''}`);
    return 0;
  }
  if (pending) flush();
  ctx.out.info(`${count} discrepanc${count === 1 ? 'y' : 'ies'}`);
  for (const line of largest.lines()) ctx.out.info(line);
  return 0;
}
