/** `payrecon resolve <id...> --note <text> [--status acknowledged|resolved] [--by <name>]`: audited, all or nothing. */
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { changeStatus } from '../operations/resolve.js';
import { printable } from '../output.js';

export async function run(ids: string[], opts: { note: string; status?: 'acknowledged' | 'resolved'; by?: string }, ctx: CommandContext): Promise<number> {
  const bad = ids.filter((id) => !/^\d+$/.test(id));
  if (bad.length) throw new UsageError(`discrepancy ids are whole numbers, got ${bad.map((b) => `"${b}"`).join(', ')}`);
  const status = opts.status ?? 'resolved';
  const { by, views } = changeStatus(ctx, ids.map(Number), { status, note: opts.note, by: opts.by });
  if (ctx.out.json) ctx.out.emitJson({ discrepancies: views });
  else for (const v of views) ctx.out.info(`discrepancy ${v.id} (${v.kind}) ${status} by ${printable(by)}: ${printable(opts.note)}`);
  return 0;
}
