/**
 * `payrecon discrepancies`: list discrepancies by status, kind, run and the filters `resolve`
 * shares; --json prints {"discrepancies": [...]}; --out writes the selection as an editable CSV.
 */
import type { CommandContext } from '../context.js';
import { iterateDiscrepancies, type DiscrepancyFilter } from '../db/discrepancies.js';
import { itemLine } from '../reconcile/summary.js';
import { printable } from '../output.js';
import { parseFilterOptions, type FilterOptions } from './filters.js';
import { parseCsvDialect } from './options.js';

export interface DiscrepanciesOptions extends FilterOptions {
  status?: DiscrepancyFilter['status'];
  run?: number;
  out?: string;
  csvDialect?: string;
}

/** `kind` is one of DISCREPANCY_KINDS: commander's .choices() in cli.ts rejects anything else (exit 16). */
export async function run(opts: DiscrepanciesOptions, ctx: CommandContext): Promise<number> {
  const filter: DiscrepancyFilter = { status: opts.status ?? 'open', run: opts.run, ...parseFilterOptions(opts) };
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
  // A line per item as it is read; the count comes last, so no list is kept.
  let count = 0;
  for (const d of iterateDiscrepancies(ctx.db(), filter, ctx.now())) {
    count++;
    const state =
      d.status === 'open'
        ? ''
        : ` (${d.status}${d.reason_code ? ` ${printable(d.reason_code)}` : ''}${d.resolved_by ? ` by ${printable(d.resolved_by)}` : ''}${d.note ? `: ${printable(d.note)}` : ''})`;
    ctx.out.info(`${itemLine(d, ctx.out.c)}${state}${d.assignee ? ` · @${printable(d.assignee)}` : ''} · age ${d.age_days}d, first seen in run ${d.first_seen_run}`);
  }
  if (count === 0) {
    ctx.out.info(`no ${opts.status === 'all' ? '' : `${opts.status ?? 'open'} `}discrepancies${opts.kind ? ` of kind ${opts.kind}` : ''}${opts.run ? ` in run ${opts.run}` : ''}${opts.assignee ? ` assigned to ${opts.assignee}` : ''}`);
    return 0;
  }
  ctx.out.info(`${count} discrepanc${count === 1 ? 'y' : 'ies'}`);
  return 0;
}
