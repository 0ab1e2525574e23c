/**
 * `payrecon import bank <file...>`: the bank import operation (src/operations/import-bank.ts),
 * a few lines per file as each one finishes, or one JSON document with --json.
 */
import type { CommandContext } from '../context.js';
import { importBankFiles, type OnBankFile } from '../operations/import-bank.js';

const LISTED = 10;

function fileLines(ctx: CommandContext): OnBankFile {
  return (r, { error, firstImportedAt }) => {
    if (ctx.out.json) return;
    if (error) {
      ctx.out.error(error.message);
      if (error.hint) ctx.out.info(`hint: ${error.hint}`);
      return;
    }
    if (r.status === 'already_imported') {
      ctx.out.info(`${r.file}: already imported (bank import #${r.import_id} at ${firstImportedAt}); nothing to do`);
      return;
    }
    const entries = r.statements.reduce((n, s) => n + s.entries, 0);
    const by = (k: string) => r.statements.filter((s) => s.status === k).length;
    ctx.out.info(
      `${r.file}: ${r.format}, ${r.statements.length} statement${r.statements.length === 1 ? '' : 's'} (${by('new')} new, ${by('restated')} restated, ${by('unchanged')} unchanged), ${entries} entries; every statement balances`,
    );
    for (const s of r.statements.slice(0, LISTED)) {
      const bal = s.opening !== null && s.closing !== null ? `${s.opening} -> ${s.closing} ${s.currency}` : `${s.currency}, no balances to prove`;
      ctx.out.info(`  ${s.account} ${s.statement_id}: ${bal}, ${s.entries} entries (+${s.credits} / -${s.debits})${s.status === 'new' ? '' : `, ${s.status}`}`);
    }
    if (r.statements.length > LISTED) ctx.out.info(`  ... and ${r.statements.length - LISTED} more (see --json)`);
    for (const g of r.gaps) {
      ctx.out.info(
        ctx.out.c.yellow(
          `  gap: ${g.account} ${g.statement} opens at ${g.opening} ${g.currency} but ${g.previous_statement} closed at ${g.previous_closing} (difference ${g.difference})`,
        ),
      );
    }
  };
}

export async function run(files: string[], opts: { format: string; account?: string }, ctx: CommandContext): Promise<number> {
  const summary = await importBankFiles(ctx, { files, format: opts.format, account: opts.account }, fileLines(ctx));
  if (ctx.out.json) ctx.out.emitJson(summary);
  return summary.exit_code;
}
