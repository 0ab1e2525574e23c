/**
 * `payrecon resolve [<id...>] [--status open|acknowledged|resolved|written_off] [--reason <code>]
 * --note <text> [--by] [--max-amount] [filters] [--assign <name>] [--yes | --dry-run]`, and
 * `resolve --from-file <file.csv> [--partial]`: audited, all or nothing.
 */
import type { CommandContext } from '../context.js';
import type { DiscrepancyKind } from '../domain/discrepancy.js';
import { UsageError } from '../errors.js';
import { applyTriage, previewItems, selectItems, type TriageRequest } from '../operations/triage.js';
import { itemLine } from '../reconcile/summary.js';
import { parseFilterOptions, type FilterOptions } from './filters.js';
import { printable } from '../output.js';

export interface ResolveOptions extends FilterOptions {
  note?: string;
  status?: 'open' | 'acknowledged' | 'resolved' | 'written_off';
  reason?: string;
  by?: string;
  currentStatus?: 'open' | 'acknowledged' | Array<'open' | 'acknowledged'>;
  assign?: string;
  yes?: boolean;
  dryRun?: boolean;
  fromFile?: string;
  partial?: boolean;
}

export async function run(ids: string[], opts: ResolveOptions, ctx: CommandContext): Promise<number> {
  if (opts.fromFile) {
    const { runFromFile } = await import('./resolve-file.js');
    return runFromFile(ids, opts, ctx);
  }
  const bad = ids.filter((id) => !/^\d+$/.test(id));
  if (bad.length) throw new UsageError(`discrepancy ids are whole numbers, got ${bad.map((b) => `"${b}"`).join(', ')}`);
  // --max-amount: with named ids a guard (refuse larger items), with filters a filter.
  const filters = parseFilterOptions(ids.length ? { ...opts, maxAmount: undefined } : opts);
  const status = opts.status ?? (opts.assign !== undefined ? undefined : 'resolved');
  if (status && opts.note === undefined) throw new UsageError(`--note is required to ${VERB[status]}`);
  // Reopening undoes a decision someone made about one item: name it, never a filter's worth.
  if (status === 'open' && ids.length === 0) throw new UsageError('--status open reopens the discrepancies you name by id', 'e.g. payrecon resolve 42 --status open --note "resolved by mistake: the refund never arrived"');
  const req: TriageRequest = {
    ids: ids.map(Number),
    filter: { ...filters, status: opts.currentStatus },
    change: status ? { status, note: opts.note!, reason: opts.reason, maxAmount: ids.length ? opts.maxAmount : undefined } : undefined,
    assign: opts.assign,
    by: opts.by,
  };
  const { ids: selected, bulk } = selectItems(ctx, req);
  const what = [status ? (status === 'written_off' ? `written off (${opts.reason ?? '?'})` : status === 'open' ? 'reopened' : status) : null, opts.assign !== undefined ? `assigned to ${opts.assign || 'nobody'}` : null]
    .filter(Boolean)
    .join(' and ');
  if (opts.dryRun) {
    const views = previewItems(ctx, selected);
    if (ctx.out.json) ctx.out.emitJson({ dry_run: true, count: views.length, discrepancies: views });
    else {
      for (const v of views) ctx.out.info(itemLine(v, ctx.out.c));
      ctx.out.info(`dry run: ${views.length} discrepanc${views.length === 1 ? 'y' : 'ies'} would be ${what}; nothing was changed`);
    }
    return 0;
  }
  if (bulk && selected.length === 0) {
    if (ctx.out.json) ctx.out.emitJson({ count: 0, discrepancies: [] });
    else ctx.out.info('no open or acknowledged discrepancies match the filters; nothing was changed');
    return 0;
  }
  if (bulk && !opts.yes) {
    throw new UsageError(`${selected.length} discrepanc${selected.length === 1 ? 'y' : 'ies'} would be ${what}; nothing was changed`, 'add --yes to apply, or --dry-run to list them');
  }
  const r = applyTriage(ctx, selected, req);
  if (ctx.out.json) ctx.out.emitJson({ count: r.views.length, discrepancies: r.views });
  else if (bulk) ctx.out.info(`${r.views.length} discrepanc${r.views.length === 1 ? 'y' : 'ies'} ${what} by ${printable(r.by)}`);
  else {
    for (const v of r.views) {
      const parts = [status ? (status === 'open' ? 'reopened' : `${status}${status === 'written_off' ? ` (${opts.reason})` : ''}`) : null, r.assigned.includes(v.id) ? `assigned to ${v.assignee ?? 'nobody'}` : null].filter(Boolean);
      ctx.out.info(`discrepancy ${v.id} (${v.kind}) ${parts.join(', ') || 'unchanged'} by ${printable(r.by)}${status ? `: ${printable(opts.note)}` : ''}`);
    }
  }
  return 0;
}

const VERB = { open: 'reopen', acknowledged: 'acknowledge', resolved: 'resolve', written_off: 'write off' } as const;

export type { DiscrepancyKind };
