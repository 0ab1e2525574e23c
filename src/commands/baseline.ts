/**
 * `payrecon baseline init|update|list|show`: the baseline operations (src/operations/baseline.ts),
 * rendered. Exit 8 when something could not be read (the baseline is incomplete), else 0.
 */
import { findingLine } from '../checksums/render.js';
import type { SpecOptions } from '../checksums/profiles.js';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../domain/exit-codes.js';
import { initBaseline, listBaselines, updateBaseline, type BaselineOutcome } from '../operations/baseline.js';
import { showBaseline } from '../operations/baseline-show.js';
import { formatBytes, printable } from '../output.js';
import type { BaselineChange } from '../checksums/approve.js';
import { displayPath } from '../domain/byte-path.js';

export async function runInit(name: string, opts: SpecOptions & { keyFile?: string }, ctx: CommandContext): Promise<number> {
  return render(ctx, await initBaseline(ctx, name, opts));
}

export async function runUpdate(name: string, opts: { keyFile?: string; dryRun?: boolean; path?: string[]; note?: string }, ctx: CommandContext): Promise<number> {
  const o = await updateBaseline(ctx, name, { keyFile: opts.keyFile, dryRun: opts.dryRun, paths: opts.path, note: opts.note });
  if (o.dryRun) return renderPreview(ctx, o);
  const code = render(ctx, o);
  if (!ctx.out.json && o.changes) {
    for (const ch of o.changes.accepted) ctx.out.info(changeLine(ch, ctx.out.c));
    if (o.changes.left.length) ctx.out.info(`${o.changes.left.length} change${o.changes.left.length === 1 ? '' : 's'} not selected by --path: the next scan reports ${o.changes.left.length === 1 ? 'it' : 'them'} again`);
    if (opts.note === undefined && ctx.out.interactive) ctx.out.info(ctx.out.c.dim('(add --note "why" next time: it is kept in the audit log with the approved paths)'));
  }
  return code;
}

/** `baseline update --dry-run`: what would be accepted and what left; nothing written, exit 0. */
function renderPreview(ctx: CommandContext, o: BaselineOutcome): number {
  const { accepted, left } = o.changes!;
  for (const note of o.notes) ctx.out.warn(printable(note));
  if (ctx.out.json) {
    ctx.out.emitJson({ baseline: o.baseline.name, dry_run: true, generation: o.baseline.generation, files: o.baseline.entry_count, exit_code: 0, accepted: o.accepted, changes: accepted, left });
    return ExitCode.OK;
  }
  const c = ctx.out.c;
  const a = o.accepted!;
  ctx.out.info(`${c.bold(`baseline "${printable(o.baseline.name)}"`)} generation ${o.baseline.generation}: would accept ${a.added} added, ${a.removed} removed, ${a.changed} changed`);
  for (const ch of accepted) ctx.out.info(changeLine(ch, c));
  if (left.length) {
    ctx.out.info(`would leave ${left.length} for the next scan (not selected by --path):`);
    for (const ch of left) ctx.out.info(c.dim(changeLine(ch, c)));
  }
  ctx.out.info('dry run: nothing was changed');
  return ExitCode.OK;
}

function changeLine(ch: BaselineChange, c: CommandContext['out']['c']): string {
  const attrs = ch.attributes?.length ? `  [${ch.attributes.map(printable).join(', ')}]` : '';
  const digests = ch.old_sha256 || ch.new_sha256 ? `  sha256 ${ch.old_sha256 ?? '-'} -> ${ch.new_sha256 ?? '-'}` : '';
  const colour = ch.change === 'added' ? c.green : ch.change === 'removed' ? c.red : c.yellow;
  return `  ${colour(ch.change.padEnd(8))} ${printable(displayPath(ch.path))}${attrs}${digests}`;
}

export async function runList(_opts: unknown, ctx: CommandContext): Promise<number> {
  const baselines = listBaselines(ctx);
  if (ctx.out.json) {
    ctx.out.emitJson({ baselines });
    return ExitCode.OK;
  }
  if (baselines.length === 0) ctx.out.info('no baselines yet (payrecon baseline init <name> --path <path>)');
  const c = ctx.out.c;
  for (const b of baselines) {
    const what = [b.profile ? `profile ${b.profile}` : '', ...b.paths].filter(Boolean).join(', ');
    const scan = b.last_scan ? `last scan ${b.last_scan.scan}: exit ${b.last_scan.exit_code}` : 'never scanned';
    ctx.out.info(`${c.bold(printable(b.name))}  ${b.files} files  generation ${b.generation}  updated ${printable(b.updated_at)}  ${scan}`);
    ctx.out.info(c.dim(`  ${printable(what)}${b.sha512 ? '  (+SHA-512)' : ''}`));
  }
  return ExitCode.OK;
}

/** `baseline show <name>`: what it covers, the attributes it records, its key id and its files. */
export async function runShow(name: string, opts: { keyFile?: string }, ctx: CommandContext): Promise<number> {
  const b = showBaseline(ctx, name, opts);
  if (ctx.out.json) {
    ctx.out.emitJson(b);
    return ExitCode.OK;
  }
  const c = ctx.out.c;
  const scan = b.last_scan ? `last scan ${b.last_scan.scan}: exit ${b.last_scan.exit_code}` : 'never scanned';
  ctx.out.info(`${c.bold(`baseline "${printable(b.name)}"`)}  generation ${b.generation}  ${b.files} files  key id ${b.key_id}  ${scan}`);
  ctx.out.info(`created ${printable(b.created_at)}  updated ${printable(b.updated_at)}`);
  ctx.out.info(`covers${b.profile ? ` (profile ${b.profile} expanded)` : ''}:`);
  for (const r of b.roots) {
    const where = printable(displayPath(r.pattern ? `${r.path}/${r.pattern}` : r.path));
    ctx.out.info(`  ${where}  ${c.dim(r.from === 'profile' ? `profile${r.exists ? '' : ', absent'}` : r.exists ? 'path' : 'path, absent now')}`);
  }
  if (b.excludes.length) ctx.out.info(`excludes: ${b.excludes.map((e) => printable(e)).join(', ')}`);
  ctx.out.info(`attributes: ${b.attributes.join(', ')}`);
  ctx.out.info(b.verified ? 'files (signatures verified):' : c.yellow('files (NOT verified: no key given; pass --key-file or set PAYRECON_KEY_FILE):'));
  for (const e of b.entries) ctx.out.info(`  ${e.type.padEnd(8)} ${printable(displayPath(e.path))}`);
  return ExitCode.OK;
}

function render(ctx: CommandContext, o: BaselineOutcome): number {
  const b = o.baseline;
  for (const note of o.notes) ctx.out.warn(printable(note));
  if (ctx.out.json) {
    ctx.out.emitJson({
      baseline: b.name,
      generation: b.generation,
      files: b.entry_count,
      exit_code: o.exitCode,
      ...(o.accepted ? { accepted: o.accepted } : {}),
      ...(o.changes ? { changes: o.changes.accepted, left: o.changes.left } : {}),
      findings: o.findings,
    });
    return o.exitCode;
  }
  const c = ctx.out.c;
  const a = o.accepted;
  const verb = a ? `updated to generation ${b.generation}` : 'recorded';
  const extra = a ? ` (accepted ${a.added} added, ${a.removed} removed, ${a.changed} changed)` : '';
  ctx.out.info(`${c.bold(`baseline "${printable(b.name)}"`)} ${verb}: ${b.entry_count} files, ${formatBytes(o.bytes)} hashed${extra}`);
  for (const f of o.findings) ctx.out.info(findingLine(f, c));
  if (o.exitCode) ctx.out.info(c.red('some files could not be read: the baseline does not cover their content'));
  return o.exitCode;
}

export async function runPrune(name: string, opts: { keep: string; keyFile?: string }, ctx: CommandContext): Promise<number> {
  const { parseKeep, pruneBaselines } = await import('../operations/prune.js');
  const [r] = await pruneBaselines(ctx, { names: [name], keep: parseKeep(opts.keep), keyFile: opts.keyFile });
  if (ctx.out.json) {
    ctx.out.emitJson({ ...r, exit_code: ExitCode.OK });
    return ExitCode.OK;
  }
  const behind = r.checkpoint === null ? '' : ` behind checkpoint ${r.checkpoint}`;
  ctx.out.info(`baseline "${printable(r.baseline)}": ${r.dropped} scans dropped${behind}, ${r.kept} kept${r.oldest_kept === null ? '' : ` (from scan ${r.oldest_kept})`}`);
  return ExitCode.OK;
}
