/** `payrecon resolve --from-file <file.csv> [--partial] [--by]`: apply a sheet written by `discrepancies --out`. */
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { applySheet, staleBy } from '../operations/sheet.js';

/** What `resolve` passes on (its options; anything but --from-file, --partial and --by is refused). */
export interface FromFileOptions {
  fromFile?: string;
  partial?: boolean;
  by?: string;
  status?: string;
  note?: string;
  reason?: string;
  assign?: string;
  kind?: string | readonly string[];
  yes?: boolean;
  dryRun?: boolean;
}

export async function runFromFile(ids: string[], opts: FromFileOptions, ctx: CommandContext): Promise<number> {
  const other = ids.length || opts.status || opts.note || opts.reason || opts.assign !== undefined || opts.kind || opts.yes || opts.dryRun;
  if (other) throw new UsageError('--from-file takes every change from the file: no ids, --status, --note, --reason, --assign, filters, --yes or --dry-run with it');
  const r = applySheet(ctx, opts.fromFile!, { partial: opts.partial, by: opts.by });
  if (ctx.out.json) ctx.out.emitJson(r);
  else {
    ctx.out.info(`${opts.fromFile}: ${r.applied.length} row${r.applied.length === 1 ? '' : 's'} applied by ${r.by}, ${r.unchanged} unchanged`);
    for (const a of r.applied.slice(0, 50)) ctx.out.info(`  discrepancy ${a.id} (line ${a.line}): ${a.changes.join(', ')}`);
    if (r.applied.length > 50) ctx.out.info(`  ... ${r.applied.length - 50} more`);
    for (const s of r.stale) ctx.out.warn(`  refused: discrepancy ${s.id} (line ${s.line}) changed since the export (version ${s.exported} -> ${s.now}${staleBy(s)})`);
  }
  return 0;
}
