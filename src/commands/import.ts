/**
 * `payrecon import psp|ledger <file...>`: the import operation (src/operations/import.ts),
 * with a line per file as each one finishes, or one JSON document with --json.
 */
import { auditAnchor } from '../operations/audit.js';
import type { CommandContext } from '../context.js';
import { importFiles, type ImportRequest, type OnFileImported } from '../operations/import.js';
import { printable } from '../output.js';

const LISTED_REJECTS = 10;

/** The human lines of one file: what it was, its counts, its first rejected rows. */
function fileLines(ctx: CommandContext): OnFileImported {
  return (r, { error, firstImportedAt }) => {
    if (ctx.out.json) return;
    if (error) {
      ctx.out.error(error.message);
      if (error.hint) ctx.out.hint(error.hint);
      return;
    }
    const file = printable(r.file);
    if (r.status === 'already_imported') {
      ctx.out.info(`${file}: already imported (import #${r.import_id} at ${firstImportedAt}); nothing to do`);
      return;
    }
    const { rows } = r;
    const line = `${file}: ${r.format} (${printable(r.source)}), ${rows.total} rows: ${rows.imported} imported, ${rows.skipped} skipped, ${rows.rejected} rejected`;
    ctx.out.info(rows.rejected ? ctx.out.c.yellow(line) : line);
    for (const j of r.rejects.slice(0, LISTED_REJECTS)) {
      ctx.out.info(`  ${file}:${j.line}${j.column ? ` (${printable(j.column)})` : ''}: ${printable(j.reason)}`);
    }
    if (rows.rejected > LISTED_REJECTS) ctx.out.info(`  ... and ${rows.rejected - LISTED_REJECTS} more (see --json or the rejects table)`);
    if (rows.skipped) {
      ctx.out.info(`  ${rows.skipped} rows skipped: their identifier was already imported (from another file or earlier in this one) with identical content`);
    }
  };
}

async function run(ctx: CommandContext, req: ImportRequest): Promise<number> {
  const summary = await importFiles(ctx, req, fileLines(ctx));
  if (ctx.out.json) ctx.out.emitJson({ ...summary, audit: auditAnchor(ctx.db()) });
  return summary.exit_code;
}

export async function runImportPsp(
  files: string[],
  opts: { format: string; source?: string; referenceColumn?: string | readonly string[] },
  ctx: CommandContext,
): Promise<number> {
  return run(ctx, { side: 'psp', files, format: opts.format, source: opts.source, referenceColumn: opts.referenceColumn });
}

export async function runImportLedger(files: string[], opts: { mapping?: string; source?: string }, ctx: CommandContext): Promise<number> {
  return run(ctx, { side: 'ledger', files, mapping: opts.mapping, source: opts.source });
}
