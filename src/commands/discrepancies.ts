/** `payrecon discrepancies`: list discrepancies by status, kind and run; --json prints {"discrepancies": [...]}. */
import type { CommandContext } from '../context.js';
import { iterateDiscrepancies, type DiscrepancyFilter } from '../db/discrepancies.js';
import type { DiscrepancyKind } from '../domain/discrepancy.js';
import { itemLine } from '../reconcile/summary.js';
import { printable } from '../output.js';

/** `kind` is one of DISCREPANCY_KINDS: commander's .choices() in cli.ts rejects anything else (exit 16). */
export async function run(opts: { status?: DiscrepancyFilter['status']; kind?: DiscrepancyKind; run?: number }, ctx: CommandContext): Promise<number> {
  const filter: DiscrepancyFilter = { status: opts.status ?? 'open', kind: opts.kind, run: opts.run };
  if (ctx.out.json) {
    // Printed as read: `--status all` of a large history never sits in memory as one list.
    await ctx.out.emitJsonStream({}, 'discrepancies', iterateDiscrepancies(ctx.db(), filter, ctx.now()));
    return 0;
  }
  // A line per item as it is read; the count comes last, so no list is kept.
  let count = 0;
  for (const d of iterateDiscrepancies(ctx.db(), filter, ctx.now())) {
    count++;
    const state = d.status === 'open' ? '' : ` (${d.status}${d.resolved_by ? ` by ${printable(d.resolved_by)}` : ''}${d.note ? `: ${printable(d.note)}` : ''})`;
    ctx.out.info(`${itemLine(d, ctx.out.c)}${state} · age ${d.age_days}d, first seen in run ${d.first_seen_run}`);
  }
  if (count === 0) {
    ctx.out.info(`no ${opts.status === 'all' ? '' : `${opts.status ?? 'open'} `}discrepancies${opts.kind ? ` of kind ${opts.kind}` : ''}${opts.run ? ` in run ${opts.run}` : ''}`);
    return 0;
  }
  ctx.out.info(`${count} discrepanc${count === 1 ? 'y' : 'ies'}`);
  return 0;
}
