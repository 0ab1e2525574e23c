/**
 * `payrecon baseline init|update|list`: the baseline operations (src/operations/baseline.ts),
 * rendered. Exit 8 when something could not be read (the baseline is incomplete), else 0.
 */
import { findingLine } from '../checksums/render.js';
import type { SpecOptions } from '../checksums/profiles.js';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../domain/exit-codes.js';
import { initBaseline, listBaselines, updateBaseline, type BaselineOutcome } from '../operations/baseline.js';
import { formatBytes, printable } from '../output.js';

export async function runInit(name: string, opts: SpecOptions & { keyFile?: string }, ctx: CommandContext): Promise<number> {
  return render(ctx, await initBaseline(ctx, name, opts));
}

export async function runUpdate(name: string, opts: { keyFile?: string }, ctx: CommandContext): Promise<number> {
  return render(ctx, await updateBaseline(ctx, name, opts));
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
