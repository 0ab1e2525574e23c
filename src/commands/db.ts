/** `payrecon db migrate-to <postgres-url>`: copy a SQLite store onto a PostgreSQL server, verified on arrival. */
import type { CommandContext } from '../context.js';
import { ExitCode } from '../domain/exit-codes.js';
import { migrateTo } from '../operations/migrate-to.js';

export async function runMigrateTo(url: string, opts: { keyFile?: string }, ctx: CommandContext): Promise<number> {
  const r = migrateTo(ctx, url, {
    keyFile: opts.keyFile,
    // A person watching sees each table arrive; a pipe, CI or --json gets only the summary.
    onTable: (name, rows) => ctx.out.showsProgress && ctx.out.stderr.write(`  ${name}: ${rows} rows\n`),
  });
  if (ctx.out.json) {
    ctx.out.emitJson(r);
    return ExitCode.OK;
  }
  const rows = r.tables.reduce((n, t) => n + t.rows, 0);
  ctx.out.info(`${r.source} copied to ${r.target}: ${r.tables.length} tables, ${rows} rows`);
  ctx.out.info(`audit chain verified on arrival: ${r.audit.entries} entries, head ${r.audit.head ?? '(empty)'}${r.audit.macs_checked ? ', every MAC checked' : ''}`);
  ctx.out.info(
    r.baselines === null
      ? 'baseline signatures NOT checked: no key given (pass --key-file or set PAYRECON_KEY_FILE)'
      : `baseline signatures verified on arrival: ${r.baselines.length ? r.baselines.join(', ') : 'no baselines'}`,
  );
  ctx.out.info(`use it with --db ${r.target} (or PAYRECON_DB); the SQLite file is unchanged`);
  return ExitCode.OK;
}
