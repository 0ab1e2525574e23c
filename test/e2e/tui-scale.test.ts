/**
 * `payrecon tui` at scale, in a real pseudo-terminal (tmux): three items selected with space
 * and resolved with one note, checked through `discrepancies --json` and the audit log; and a
 * list of 500 items scrolled page by page to the last one.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJson, runCli, useTempDb } from '../helpers/cli.js';
import { seedReconciled } from '../helpers/report-setup.js';
import { HAS_TMUX, terminal, tuiCommand } from '../helpers/tmux.js';

let dir: string;
let db: string;
useTempDb((t) => ({ dir, db } = t));

if (!HAS_TMUX) console.warn('skipping the pseudo-terminal TUI tests: tmux not found (apt-get install -y tmux)');

interface Item {
  id: number;
  status: string;
  note: string | null;
  resolved_by: string | null;
  reference: string | null;
}
const all = (): Item[] => parseJson(runCli(['--db', db, 'discrepancies', '--status', 'all', '--json'])).discrepancies;

describe.skipIf(!HAS_TMUX)('payrecon tui at scale, in a pseudo-terminal', () => {
  const term = terminal();
  afterEach(() => term.kill());

  it('space selects 3 of N; r resolves exactly those 3 with the note, audited', { timeout: 300_000 }, async () => {
    seedReconciled(dir, db);
    const before = all().sort((a, b) => a.id - b.id);
    const n = before.length;
    expect(n).toBeGreaterThanOrEqual(5);
    // The list starts in id order; select the 2nd, 4th and 5th.
    const chosen = [before[1], before[3], before[4]].map((d) => d.id);

    term.start(tuiCommand(['--db', db, 'tui']), 120, 30);
    await term.until((s) => s.includes(`[1/${n}]`), 'the triage list');
    term.keys('j');
    await term.until((s) => s.includes(`[2/${n}]`), 'the second item under the cursor');
    term.keys('Space');
    await term.until((s) => s.includes('1 selected') && s.includes(`[3/${n}]`), 'one item selected, the cursor moved on');
    term.keys('j');
    await term.until((s) => s.includes(`[4/${n}]`), 'the fourth item under the cursor');
    term.keys('Space');
    await term.until((s) => s.includes('2 selected'), 'two selected');
    term.keys('Space');
    await term.until((s) => s.includes('3 selected'), 'three selected');
    term.keys('r');
    await term.until((s) => s.includes(`Resolve 3 selected (${chosen.map((id) => `#${id}`).join(' ')}) note`), 'the note prompt naming the three');
    term.type('settled in one bank transfer');
    // Text and Enter sent at once may reach ink as one chunk (a paste): wait for the text first.
    await term.until((s) => s.includes('note › settled in one bank transfer'), 'the typed note');
    term.keys('Enter');
    await term.until((s) => s.includes(`resolved ${chosen.map((id) => `#${id}`).join(', ')}`), 'the confirmation');
    await term.until((s) => s.includes(`${n - 3} open`), 'the three gone from the list');
    term.keys('q');
    expect(await term.exited()).toBe(true);

    const after = all();
    const resolved = after.filter((d) => d.status === 'resolved');
    expect(resolved.map((d) => d.id).sort((a, b) => a - b)).toEqual([...chosen].sort((a, b) => a - b));
    for (const d of resolved) expect(d).toMatchObject({ note: 'settled in one bank transfer', resolved_by: 'tui-tester' });
    expect(after.filter((d) => d.status === 'open')).toHaveLength(n - 3);
    const audit = parseJson(runCli(['--db', db, '--json', 'audit', 'log'])).entries as Array<{ action: string; subject: string; actor: string }>;
    const resolves = audit.filter((e) => e.action === 'resolve');
    expect(resolves.map((e) => e.subject).sort()).toEqual(chosen.map((id) => `discrepancy ${id}`).sort());
    expect(resolves.every((e) => e.actor === 'tui-tester')).toBe(true);
    expect(runCli(['--db', db, 'audit', 'verify']).code).toBe(0);
  });

  it('500 items: the screen stays one screen, and PageDown scrolls to the last item', { timeout: 300_000 }, async () => {
    // 500 ledger entries no PSP row explains: 500 missing_in_psp items.
    const lines = ['entry_id,booked_at,reference,psp_reference,type,amount,currency,fee,description'];
    for (let i = 1; i <= 500; i++) lines.push(`L-${i},2025-03-${String(1 + (i % 28)).padStart(2, '0')},ORD-${i},,charge,${(1000 + i) / 100},EUR,,tui scale`);
    writeFileSync(join(dir, 'ledger.csv'), lines.join('\n') + '\n');
    expect(runCli(['--db', db, 'import', 'ledger', join(dir, 'ledger.csv')]).code).toBe(0);
    expect(runCli(['--db', db, 'reconcile']).code).toBeLessThan(16);
    const items = all().sort((a, b) => a.id - b.id);
    expect(items).toHaveLength(500);
    const last = items[499];

    const rows = 30;
    term.start(tuiCommand(['--db', db, 'tui']), 120, rows);
    let s = await term.until((x) => x.includes('[1/500]'), 'the first of 500');
    // One screen: the title is still the first line (500 rows printed would have scrolled it away).
    expect(s.split('\n')[0]).toContain('payrecon triage  500 open');
    let at = 1;
    while (at < 500) {
      term.keys('PageDown');
      s = await term.until((x) => {
        const m = /\[(\d+)\/500\]/.exec(x);
        return m !== null && Number(m[1]) > at;
      }, `the cursor past item ${at}`);
      at = Number(/\[(\d+)\/500\]/.exec(s)![1]);
    }
    const cursorRow = s.split('\n').find((l) => l.startsWith('›')) ?? '';
    expect(cursorRow).toMatch(new RegExp(`^›\\s+${last.id} missing_in_psp\\s+${last.reference} `));
    expect(s.split('\n')[0]).toContain('[500/500]');
    expect(s).not.toMatch(new RegExp(` ${items[0].reference} `));
    term.keys('q');
    expect(await term.exited()).toBe(true);
  });
});
