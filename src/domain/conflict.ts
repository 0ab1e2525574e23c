/**
 * Conflicts (issue 16): an analyst acts on an item someone else (or a reconcile run) already
 * changed. The refusal names who changed it and when, so two people on one queue know whom to
 * talk to, and nothing is overwritten. Pure: the callers read the item and hand its state here;
 * the wording lives once, for resolve, --from-file, match, unmatch and proposals.
 */
import { ConflictError, InputError, UsageError, type PayreconError } from '../errors.js';

/** Who changed something and when; either may be unknown. */
export interface Changer {
  by?: string | null;
  at?: string | null;
}

/** "by ana at 2026-03-04T10:00:00.000Z", or as much of it as is known ('' for nothing). */
export function whoWhen(c: Changer): string {
  return [c.by ? `by ${c.by}` : '', c.at ? `at ${c.at}` : ''].filter(Boolean).join(' ');
}

/** " (by ana at 2026-03-04T10:00:00.000Z)": what a conflict appends to the item it names. */
export function byWhom(c: Changer): string {
  const w = whoWhen(c);
  return w ? ` (${w})` : '';
}

/** An item's workflow state as stored, and the manual match that closed it, if one did. */
export interface ItemState {
  status: 'open' | 'acknowledged' | 'resolved' | 'written_off' | 'closed';
  resolved_by: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  closed_run: number | null;
  closedByMatch?: { id: number; by: string; at: string } | null;
}

/**
 * Why setting `want` on item `id` conflicts with what happened to it, or undefined when it
 * does not: a settled item (resolved, written off, closed) takes no new status, and an
 * acknowledged one is not acknowledged twice.
 */
export function statusConflict(id: number, s: ItemState, want: 'acknowledged' | 'resolved' | 'written_off'): string | undefined {
  if (s.status === 'closed') {
    const m = s.closedByMatch;
    if (m) return `discrepancy ${id} is already closed by manual match ${m.id}${byWhom(m)}`;
    const run = s.closed_run !== null ? `reconcile run ${s.closed_run}` : 'a reconcile run';
    return `discrepancy ${id} is already closed (by ${run}${s.closed_at ? ` at ${s.closed_at}` : ''})`;
  }
  if (s.status === 'resolved' || s.status === 'written_off' || (s.status === 'acknowledged' && want === 'acknowledged')) {
    return `discrepancy ${id} is already ${s.status}${byWhom({ by: s.resolved_by, at: s.resolved_at })}`;
  }
  return undefined;
}

/** "manual match 4 (by ana at ...)", ", from an accepted proposal" when one: who made the match a row is in. */
export function matchMaker(m: { id: number; origin: string; created_by: string; created_at: string }): string {
  return `manual match ${m.id}${byWhom({ by: m.created_by, at: m.created_at })}${m.origin === 'proposal' ? ', from an accepted proposal' : ''}`;
}

/** Why a proposal cannot be decided any more, or undefined while it is open. */
export function proposalConflict(id: number, p: { status: string; decided_by: string | null; decided_at: string | null; last_run: number }): string | undefined {
  if (p.status === 'open') return undefined;
  if (p.status === 'gone') return `proposal ${id} is gone (no run proposed it after run ${p.last_run}, and its items are no longer open)`;
  return `proposal ${id} is already ${p.status}${byWhom({ by: p.decided_by, at: p.decided_at })}`;
}

/**
 * The one error for a list of problems found before changing anything. A problem with the
 * command line itself (`wrong`: an id that does not exist, a bad argument) comes first: the
 * user must fix the command whatever else happened, so the error is that kind (UsageError 16
 * by default) and lists the conflicts after. Only conflicts: ConflictError (17). None: undefined.
 */
export function refusal(
  wrong: string[],
  conflicts: string[],
  o: { tail: string; hint?: string; conflictHint?: string; wrongIs?: 'usage' | 'input' },
): PayreconError | undefined {
  if (wrong.length === 0 && conflicts.length === 0) return undefined;
  const message = `${[...wrong, ...conflicts].join('; ')}; ${o.tail}`;
  if (wrong.length) return o.wrongIs === 'input' ? new InputError(message, undefined, o.hint) : new UsageError(message, o.hint);
  return new ConflictError(message, o.conflictHint ?? o.hint);
}
