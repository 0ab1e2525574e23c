/**
 * `payrecon match --psp <id...> --ledger <id...> --note <text> [--by <name>]` and
 * `payrecon unmatch <match-id> --note <text> [--by <name>]`: pair rows by hand, or undo it.
 */
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors.js';
import { matchRows, unmatch } from '../operations/match.js';

export async function runMatch(opts: { psp?: string[]; ledger?: string[]; note: string; by?: string }, ctx: CommandContext): Promise<number> {
  const r = matchRows(ctx, { psp: opts.psp ?? [], ledger: opts.ledger ?? [], note: opts.note, by: opts.by });
  if (ctx.out.json) ctx.out.emitJson(r);
  else {
    ctx.out.info(`manual match ${r.match} by ${r.by}: PSP ${r.psp.join(', ')} with ledger ${r.ledger.join(', ')} (${r.currency})`);
    if (r.closed.length) ctx.out.info(`  closed discrepanc${r.closed.length === 1 ? 'y' : 'ies'} ${r.closed.join(', ')}`);
    if (r.difference_item !== null) ctx.out.info(`  difference ${r.difference} ${r.currency}: amount_mismatch ${r.difference_item} (write it off or resolve it)`);
  }
  return 0;
}

export async function runUnmatch(id: string, opts: { note: string; by?: string }, ctx: CommandContext): Promise<number> {
  if (!/^\d+$/.test(id)) throw new UsageError(`a match id is a whole number, got "${id}"`);
  const r = unmatch(ctx, Number(id), { note: opts.note, by: opts.by });
  if (ctx.out.json) ctx.out.emitJson(r);
  else {
    ctx.out.info(`manual match ${r.match} undone by ${r.by}; its rows are matched by the rules again from the next run`);
    if (r.reopened.length) ctx.out.info(`  reopened discrepanc${r.reopened.length === 1 ? 'y' : 'ies'} ${r.reopened.join(', ')}`);
    if (r.closed.length) ctx.out.info(`  closed its difference item ${r.closed.join(', ')}`);
  }
  return 0;
}
