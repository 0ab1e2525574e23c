/** `payrecon scans [<baseline>] [--limit n]`: the history of scans, newest first, as stored. */
import type { CommandContext } from '../context.js';
import { ExitCode } from '../domain/exit-codes.js';
import { scanHistory } from '../operations/baseline-show.js';
import { printable } from '../output.js';

export async function run(name: string | undefined, opts: { limit: number }, ctx: CommandContext): Promise<number> {
  const scans = scanHistory(ctx, name, opts.limit);
  if (ctx.out.json) {
    ctx.out.emitJson({ scans });
    return ExitCode.OK;
  }
  if (scans.length === 0) {
    ctx.out.info(name === undefined ? 'no scans yet (payrecon scan)' : `no scans of baseline "${printable(name)}" yet (payrecon scan ${printable(name)})`);
    return ExitCode.OK;
  }
  const c = ctx.out.c;
  for (const s of scans) {
    const n = s.counts;
    const verdict = s.exit_code ? c.red(`exit ${s.exit_code}`) : c.green('exit 0');
    ctx.out.info(
      `${String(s.scan).padStart(5)}  ${printable(s.finished_at)}  ${printable(s.baseline).padEnd(16)} gen ${String(s.generation).padEnd(3)} ${String(n.files).padStart(6)} files  ` +
        `${n.added} added, ${n.removed} removed, ${n.changed} changed, ${n.unreadable} unreadable, ${s.findings} findings  ${verdict}`,
    );
  }
  return ExitCode.OK;
}
