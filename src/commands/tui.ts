/**
 * `payrecon tui`: interactive triage of open and acknowledged discrepancies. Status changes go
 * through the resolve operation (one audited transaction each), exactly as `payrecon resolve`.
 */
import React from 'react';
import type { CommandContext } from '../context.js';
import { listDiscrepancies } from '../db/discrepancies.js';
import { UsageError } from '../errors.js';
import { changeStatus } from '../operations/resolve.js';

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
  const onChange = (ids: number[], status: 'resolved' | 'acknowledged', note: string) => changeStatus(ctx, ids, { status, note }).views;
  // The alternate screen: quitting gives the user their terminal back as it was.
  ctx.out.stdout.write('\u001b[?1049h\u001b[H');
  const app = render(React.createElement(TriageApp, { items, onChange, colour: ctx.out.color }), {
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
