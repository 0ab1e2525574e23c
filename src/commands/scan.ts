/**
 * `payrecon scan [<name>...]`: the scan operation (src/operations/scan.ts), rendered as a
 * summary per baseline or one JSON document, optionally with a report.
 */
import { auditAnchor } from '../operations/audit.js';
import { scanLines } from '../checksums/render.js';
import type { CommandContext } from '../context.js';
import { FINDING_KINDS } from '../domain/integrity.js';
import { scanBaselines } from '../operations/scan.js';
import { printable } from '../output.js';
import { parseFailOn } from './options.js';

export async function run(
  names: string[],
  opts: { failOn?: string | string[]; keyFile?: string; report?: string },
  ctx: CommandContext,
): Promise<number> {
  const failOn = parseFailOn(opts.failOn, FINDING_KINDS);
  // Loaded only when asked for: the reporters pull in what reconciliation reports need.
  const reports = opts.report ? await import('../operations/report.js') : undefined;
  if (opts.report) reports!.checkReportPath(ctx, opts.report); // a bad report path fails before the work
  const { exitCode, scans, notes } = await scanBaselines(ctx, {
    names,
    failOn: failOn ? [...failOn] : undefined,
    keyFile: opts.keyFile,
  });
  for (const note of notes) ctx.out.warn(printable(note));
  if (opts.report) await reports!.writeScanReport(ctx, opts.report, scans);
  if (ctx.out.json) {
    const audit = auditAnchor(ctx.db());
    // One shape whatever the number of baselines (README, "--json shapes"): a script reads
    // `scans` and the top-level `exit_code` without first counting what it asked for.
    ctx.out.emitJson({ exit_code: exitCode, scans, audit });
  } else {
    for (const doc of scans) for (const line of scanLines(doc, ctx.out.c)) ctx.out.info(line);
    if (opts.report) ctx.out.info(`report written to ${opts.report}`);
  }
  return exitCode;
}
