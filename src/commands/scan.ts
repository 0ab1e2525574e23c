/**
 * `payrecon scan [<name>...]`: the scan operation (src/operations/scan.ts), rendered as a
 * summary per baseline or one JSON document, optionally with a report.
 */
import { hostname } from 'node:os';
import { systemAccountNames } from '../checksums/accounts.js';
import { eventLine, findingEvent, findingItems } from '../checksums/events.js';
import { UsageError } from '../errors.js';
import { auditAnchor } from '../operations/audit.js';
import { scanLines } from '../checksums/render.js';
import type { CommandContext } from '../context.js';
import { FINDING_KINDS } from '../domain/integrity.js';
import { scanBaselines } from '../operations/scan.js';
import { printable } from '../output.js';
import { csvDialectFor, parseFailOn } from './options.js';

export async function run(
  names: string[],
  opts: { failOn?: string | string[]; keyFile?: string; report?: string; verifyHistory?: boolean; jsonl?: boolean; csvDialect?: string },
  ctx: CommandContext,
): Promise<number> {
  const failOn = parseFailOn(opts.failOn, FINDING_KINDS);
  if (opts.jsonl && ctx.out.json) throw new UsageError('--json and --jsonl are two different outputs', 'choose one: --json for one document, --jsonl for one event per finding');
  const csvDialect = csvDialectFor(opts.report, opts.csvDialect, ctx.env);
  // Loaded only when asked for: the reporters pull in what reconciliation reports need.
  const reports = opts.report ? await import('../operations/report.js') : undefined;
  if (opts.report) reports!.checkReportPath(ctx, opts.report); // a bad report path fails before the work
  const { exitCode, scans, notes, subjects } = await scanBaselines(ctx, {
    names,
    failOn: failOn ? [...failOn] : undefined,
    keyFile: opts.keyFile,
    verifyHistory: opts.verifyHistory,
  });
  for (const note of notes) ctx.out.warn(printable(note));
  if (opts.report) await reports!.writeScanReport(ctx, opts.report, scans, { csvDialect });
  if (opts.jsonl) {
    // One event per finding, nothing else on stdout: a log shipper tails it as it is.
    const names = systemAccountNames();
    const at = ctx.now();
    const host = hostname();
    await ctx.out.emitLines(scans.flatMap((doc, i) => findingItems(doc, subjects[i], names).map((item) => eventLine(findingEvent(item, at, host)))));
    // stdout carries only events: the note goes to stderr.
    if (opts.report && !ctx.out.quiet) ctx.out.stderr.write(`report written to ${printable(opts.report)}\n`);
  } else if (ctx.out.json) {
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
