/** `payrecon report [--run N] [--since <date>] --out <path>`: write a report of a reconcile run (format from the extension). */
import type { CommandContext } from '../context.js';
import { writeRunReport } from '../operations/report.js';
import { csvDialectFor } from './options.js';

export async function run(opts: { run?: number; since?: string; out: string; csvDialect?: string }, ctx: CommandContext): Promise<number> {
  const csvDialect = csvDialectFor(opts.out, opts.csvDialect, ctx.env);
  // Unknown extension (16) and a missing directory (18) are reported before the database is
  // read; a run that does not exist is a UsageError (16) from getRunHeader.
  const { run: runId, reporter } = await writeRunReport(ctx, opts.out, opts.run, { csvDialect }, opts.since);
  if (ctx.out.json) ctx.out.emitJson({ run: runId, format: reporter.extension.slice(1), path: opts.out });
  else ctx.out.info(`wrote ${reporter.name} report of run ${runId} to ${opts.out}`);
  return 0;
}
