/**
 * `payrecon show psp|ledger <id> [--source <name>] [--raw]`: one stored row, its normalised
 * values beside the record its file had. `--raw` prints only that record, exactly as in the
 * file (escaped on a terminal); --json prints the row with `original: {header, fields, text}`.
 */
import type { CommandContext } from '../context.js';
import { ExitCode } from '../domain/exit-codes.js';
import type { Side } from '../domain/transaction.js';
import { showRow } from '../operations/show-row.js';
import { printable } from '../output.js';

export async function run(side: Side, id: string, opts: { source?: string; raw?: boolean }, ctx: CommandContext): Promise<number> {
  const row = showRow(ctx, side, id, opts.source);
  if (ctx.out.json) {
    ctx.out.emitJson(row);
    return ExitCode.OK;
  }
  if (opts.raw) {
    const text = row.original.text ?? row.original.fields.join(',');
    // Exact into a pipe or file; a terminal gets it escaped, as every other value it is shown.
    ctx.out.stdout.write((ctx.out.stdout.isTTY ? printable(text) : text) + '\n');
    return ExitCode.OK;
  }
  const c = ctx.out.c;
  const fee = row.fee === null ? '' : `  fee ${row.fee}`;
  const net = row.net === null ? '' : `  net ${row.net}${row.settlement_currency ? ` ${row.settlement_currency}` : ''}`;
  ctx.out.info(`${c.bold(`${side === 'psp' ? 'PSP' : 'ledger'} row ${printable(row.id)}`)}  source ${printable(row.source)} (${row.format})  ${printable(row.file)}:${row.line}`);
  ctx.out.info(`${printable(row.type)}  ${row.amount} ${row.currency}${fee}${net}  booked ${row.booked_at}`);
  const refs = [
    ['reference', row.reference],
    ['psp reference', row.psp_reference],
    ['payout', row.payout_id],
    ['exchange rate', row.exchange_rate],
    ['description', row.description],
  ].filter(([, v]) => v !== null && v !== '');
  for (const [k, v] of refs) ctx.out.info(`${k}: ${printable(v)}`);
  ctx.out.info(c.dim(`original record (line ${row.line}${row.original.text === null ? ', fields as stored with the row' : ', read back from the stored file'}):`));
  const header = row.original.header ?? [];
  const width = Math.min(32, Math.max(0, ...header.map((h) => printable(h).length)));
  row.original.fields.forEach((f, i) => {
    const name = header[i] !== undefined ? printable(header[i]) : `column ${i + 1}`;
    ctx.out.info(`  ${name.padEnd(width)}  ${printable(f)}`);
  });
  return ExitCode.OK;
}
