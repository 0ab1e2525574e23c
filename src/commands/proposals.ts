/**
 * `payrecon proposals [--status ...] [--accept <id...> | --reject <id...>] [--note] [--by]`:
 * list the pairings the engine proposed instead of making (below --auto-confirm), or decide
 * them. --json prints {"proposals": [...]} or {"decisions": [...]}.
 */
import type { CommandContext } from '../context.js';
import type { ProposalStatus } from '../db/proposals.js';
import { UsageError } from '../errors.js';
import { decideProposals, listProposalViews, type ProposalView } from '../operations/proposals.js';

export interface ProposalsOptions {
  status?: ProposalStatus | 'all';
  accept?: string[];
  reject?: string[];
  note?: string;
  by?: string;
}

function ids(name: string, values: string[]): number[] {
  const bad = values.filter((v) => !/^\d+$/.test(v));
  if (bad.length) throw new UsageError(`${name} takes proposal ids (whole numbers), got ${bad.map((b) => `"${b}"`).join(', ')}`);
  return values.map(Number);
}

const sideText = (s: ProposalView['psp']) => `${s.id} ${s.amount ?? '?'} ${s.currency ?? ''} ${s.booked_at?.slice(0, 10) ?? ''}`.trim();

export async function run(opts: ProposalsOptions, ctx: CommandContext): Promise<number> {
  if (opts.accept && opts.reject) throw new UsageError('--accept and --reject in one call: decide one way at a time');
  const chosen = opts.accept ? { decision: 'accepted' as const, list: ids('--accept', opts.accept) } : opts.reject ? { decision: 'rejected' as const, list: ids('--reject', opts.reject) } : null;
  if (chosen) {
    const { by, decisions } = decideProposals(ctx, chosen.list, { decision: chosen.decision, note: opts.note, by: opts.by });
    if (ctx.out.json) ctx.out.emitJson({ decisions });
    else {
      for (const d of decisions) {
        ctx.out.info(
          d.decision === 'accepted'
            ? `proposal ${d.id} accepted by ${by}: manual match ${d.match}, closed discrepanc${d.closed.length === 1 ? 'y' : 'ies'} ${d.closed.join(', ') || '(none open)'}`
            : `proposal ${d.id} rejected by ${by}: the pair will not be proposed again`,
        );
      }
    }
    return 0;
  }
  const views = listProposalViews(ctx, opts.status ?? 'open');
  if (ctx.out.json) {
    ctx.out.emitJson({ proposals: views });
    return 0;
  }
  for (const p of views) {
    const state = p.status === 'open' ? '' : ` (${p.status}${p.decided_by ? ` by ${p.decided_by}` : ''}${p.match ? `, manual match ${p.match}` : ''})`;
    const items = [p.psp.discrepancy, p.ledger.discrepancy].filter((x) => x !== null).map((x) => `#${x}`).join(', ');
    ctx.out.info(`proposal ${p.id}: PSP ${sideText(p.psp)} <-> ledger ${sideText(p.ledger)} · ${p.rule}, confidence ${p.confidence}${items ? ` · items ${items}` : ''}${state}`);
  }
  if (views.length === 0) ctx.out.info(`no ${opts.status === 'all' ? '' : `${opts.status ?? 'open'} `}proposals`);
  else ctx.out.info(`${views.length} proposal${views.length === 1 ? '' : 's'}${(opts.status ?? 'open') === 'open' ? ': payrecon proposals --accept <id...> or --reject <id...>' : ''}`);
  return 0;
}
