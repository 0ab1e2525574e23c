/**
 * `payrecon tui`: interactive triage of open and acknowledged discrepancies. Status changes go
 * through the resolve operation (one audited transaction each), exactly as `payrecon resolve`.
 */
import React from 'react';
import type { CommandContext } from '../context.js';
import { getDiscrepancyViews, listDiscrepancies } from '../db/discrepancies.js';
import { decideProposals, listProposalViews } from '../operations/proposals.js';
import { UsageError } from '../errors.js';
import { changeStatus } from '../operations/resolve.js';
import { applyTriage } from '../operations/triage.js';
import { matchRows } from '../operations/match.js';

export async function run(_opts: Record<string, never>, ctx: CommandContext): Promise<number> {
  if (!ctx.out.interactive || !process.stdin.isTTY) {
    throw new UsageError(
      'payrecon tui needs an interactive terminal (stdin and stdout a TTY, CI unset, no --json)',
      'in scripts use `payrecon discrepancies --json` to list and `payrecon resolve <id> --note <text>` to resolve',
    );
  }
  const db = ctx.db();
  const now = ctx.now();
  const items = [...listDiscrepancies(db, { status: 'open' }, now), ...listDiscrepancies(db, { status: 'acknowledged' }, now)].sort(
    (a, b) => a.id - b.id,
  );
  // ink and the screen load only when a person is there to see them.
  const [{ render }, { TriageApp }] = await Promise.all([import('ink'), import('../ui/triage-app.js')]);
  const onChange = (ids: number[], status: 'resolved' | 'acknowledged' | 'written_off', note: string, reason?: string) =>
    changeStatus(ctx, ids, { status, note, reason }).views;
  const onMatch = (psp: string[], ledger: string[], note: string) => {
    const r = matchRows(ctx, { psp, ledger, note });
    return getDiscrepancyViews(db, [...r.closed, ...(r.difference_item === null ? [] : [r.difference_item])], ctx.now());
  };
  const onAssign = (ids: number[], assignee: string | null) => applyTriage(ctx, ids, { ids, assign: assignee ?? '' }).views;
  // y / n on a proposal: the same operation as `payrecon proposals --accept/--reject`; the
  // screen then shows both of its items as they are now (closed ones leave the list).
  const onProposal = (id: number, decision: 'accepted' | 'rejected') => {
    const before = listProposalViews(ctx, 'open').find((p) => p.id === id);
    decideProposals(ctx, [id], { decision, note: `proposal ${decision} in payrecon tui` });
    const ids = [before?.psp.discrepancy, before?.ledger.discrepancy].filter((x): x is number => typeof x === 'number');
    return getDiscrepancyViews(db, ids, ctx.now());
  };
  // The alternate screen: quitting gives the user their terminal back as it was.
  ctx.out.stdout.write('\u001b[?1049h\u001b[H');
  const app = render(React.createElement(TriageApp, { items, onChange, onAssign, onMatch, onProposal, colour: ctx.out.color }), {
    stdout: ctx.out.stdout as NodeJS.WriteStream,
    stdin: process.stdin,
    exitOnCtrlC: true,
    patchConsole: false,
  });
  const onAbort = () => app.unmount();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await app.waitUntilExit();
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    ctx.out.stdout.write('\u001b[?1049l');
  }
  return 0;
}
