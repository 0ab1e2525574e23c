/**
 * `payrecon tui` end to end: refused without a terminal, and one real run in a pseudo-terminal
 * (tmux) that resolves a discrepancy through keys and checks the database afterwards.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openTestStore, storeFor } from '../helpers/backend.js';
import { BIN, FIXTURES, ROOT, parseJson, runCli, useTempDb } from '../helpers/cli.js';
import { seedReconciled } from '../helpers/report-setup.js';

let dir: string;
let db: string;
useTempDb((t) => ({ dir, db } = t));

const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;
if (!HAS_TMUX) console.warn('skipping the pseudo-terminal TUI test: tmux not found (apt-get install -y tmux)');

describe('payrecon tui without a terminal', () => {
  it('refuses politely with exit 16 and points to the scriptable commands', () => {
    seedReconciled(dir, db);
    const r = runCli(['--db', db, 'tui']);
    expect(r.code).toBe(16);
    expect(r.stderr).toMatch(/needs an interactive terminal/);
    expect(r.stderr).toMatch(/payrecon discrepancies --json.*payrecon resolve/);
    expect(r.stdout).toBe('');
  });
});

describe.skipIf(!HAS_TMUX)('payrecon tui in a pseudo-terminal', () => {
  const socket = `payrecon-test-${process.pid}`;
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-t', 'tui').stdout ?? '';

  async function until(check: (s: string) => boolean, what: string): Promise<string> {
    for (let i = 0; i < 600; i++) {
      const s = screen();
      if (check(s)) return s;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the screen never showed ${what}:\n${screen()}`);
  }

  afterEach(() => {
    tmux('kill-server');
  });

  it('resolves a discrepancy through keys; the change is in the database and the audit log', async () => {
    const doc = seedReconciled(dir, db);
    const target = doc.discrepancies[1];
    // A person at a terminal: CI unset, a TTY from tmux.
    const cmd = `env -u CI NO_COLOR=1 PAYRECON_ACTOR=tui-tester '${process.execPath}' '${BIN}' --db '${storeFor(db)}' tui`;
    expect(tmux('new-session', '-d', '-s', 'tui', '-x', '120', '-y', '30', '-c', ROOT, cmd).status).toBe(0);
    await until((s) => s.includes('payrecon triage'), 'the triage screen');
    tmux('send-keys', '-t', 'tui', 'j');
    await until((s) => s.includes(`[2/${doc.discrepancies.length}]`), 'the second item selected');
    tmux('send-keys', '-t', 'tui', 'Enter');
    await until((s) => s.includes(`#${target.id}  ${target.kind}`), 'the details');
    tmux('send-keys', '-t', 'tui', 'r');
    await until((s) => s.includes(`Resolve #${target.id} note`), 'the note prompt');
    tmux('send-keys', '-t', 'tui', '-l', 'booked in April');
    // On a busy machine text and Enter sent at once reach ink as one chunk, which the prompt
    // takes as pasted text (controls dropped): wait for the text before confirming.
    await until((s) => s.includes('note › booked in April'), 'the typed note');
    tmux('send-keys', '-t', 'tui', 'Enter');
    await until((s) => s.includes(`resolved #${target.id}`), 'the confirmation');
    tmux('send-keys', '-t', 'tui', 'q');
    for (let i = 0; i < 400 && tmux('has-session', '-t', 'tui').status === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(tmux('has-session', '-t', 'tui').status).not.toBe(0);

    const all = parseJson(runCli(['--db', db, 'discrepancies', '--status', 'all', '--json'])).discrepancies;
    const resolved = all.find((d: { id: number }) => d.id === target.id);
    expect(resolved).toMatchObject({ status: 'resolved', note: 'booked in April', resolved_by: 'tui-tester' });
    expect(all.filter((d: { status: string }) => d.status === 'open')).toHaveLength(doc.discrepancies.length - 1);
    const h = openTestStore(db);
    try {
      const entry = h.prepare("SELECT actor, subject FROM audit_log WHERE action = 'resolve'").get();
      expect(entry).toEqual({ actor: 'tui-tester', subject: `discrepancy ${target.id}` });
    } finally {
      h.close();
    }
    expect(runCli(['--db', db, 'audit', 'verify']).code).toBe(0);
  });

  it('y accepts and n rejects the pairing proposed for the selected item, through the same audited operation', async () => {
    // The demo month with the default --auto-confirm: two amount + date pairings are proposals.
    const demo = join(FIXTURES, 'demo');
    const psp = ['stripe-balance-report-2025-03.csv', 'settlement_detail_report_batch_118.csv', 'STL-20250310.01.009.CSV', 'checkout-settlement-breakdown-2025-03.csv'];
    runCli(['--db', db, 'import', 'psp', ...psp], { cwd: demo });
    runCli(['--db', db, 'import', 'ledger', 'ledger.csv'], { cwd: demo });
    expect(runCli(['--db', db, 'reconcile']).code).toBe(15);
    const proposals = () => parseJson(runCli(['--db', db, 'proposals', '--status', 'all', '--json'])).proposals;
    const [fee, payout] = proposals();
    expect(payout).toMatchObject({ status: 'open', ledger: { id: 'L-2009' } });

    const cmd = `env -u CI NO_COLOR=1 PAYRECON_ACTOR=tui-tester '${process.execPath}' '${BIN}' --db '${storeFor(db)}' tui`;
    expect(tmux('new-session', '-d', '-s', 'tui', '-x', '140', '-y', '30', '-c', ROOT, cmd).status).toBe(0);
    await until((s) => s.includes('payrecon triage'), 'the triage screen');
    // Narrow the list to the payout's items, open the first, and accept its proposal.
    tmux('send-keys', '-t', 'tui', '/');
    await until((s) => s.includes('Enter keeps'), 'the filter prompt');
    tmux('send-keys', '-t', 'tui', '-l', 'L-2009');
    await until((s) => s.includes('L-2009') && /\[1\/2\]/.test(s), 'two items for L-2009');
    tmux('send-keys', '-t', 'tui', 'Enter');
    await until((s) => !s.includes('Enter keeps'), 'the list again');
    tmux('send-keys', '-t', 'tui', 'Enter');
    await until((s) => s.includes('proposed:') && s.includes('y accept'), 'the proposal in the details');
    tmux('send-keys', '-t', 'tui', 'y');
    await until((s) => s.includes(`proposal ${payout.id} accepted`), 'the acceptance');
    // The fee's proposal: reject it from the list.
    tmux('send-keys', '-t', 'tui', 'Escape');
    await until((s) => /ID\S* KIND/.test(s), 'the list');
    tmux('send-keys', '-t', 'tui', '/');
    await until((s) => s.includes('Enter keeps'), 'the filter prompt');
    tmux('send-keys', '-t', 'tui', '-l', 'L-2006');
    await until((s) => /\[1\/2\]/.test(s) && s.includes('prop'), 'two items for L-2006, marked as proposed');
    tmux('send-keys', '-t', 'tui', 'Enter');
    await until((s) => !s.includes('Enter keeps'), 'the list again');
    tmux('send-keys', '-t', 'tui', 'n');
    await until((s) => s.includes(`proposal ${fee.id} rejected`), 'the rejection');
    tmux('send-keys', '-t', 'tui', 'q');
    for (let i = 0; i < 400 && tmux('has-session', '-t', 'tui').status === 0; i++) await new Promise((r) => setTimeout(r, 50));

    const after = proposals();
    expect(after.find((p: { id: number }) => p.id === payout.id)).toMatchObject({ status: 'accepted', decided_by: 'tui-tester', match: 1 });
    expect(after.find((p: { id: number }) => p.id === fee.id)).toMatchObject({ status: 'rejected', decided_by: 'tui-tester' });
    const all = parseJson(runCli(['--db', db, 'discrepancies', '--status', 'all', '--json'])).discrepancies;
    const status = (id: number) => all.find((d: { id: number }) => d.id === id).status;
    expect([status(payout.psp.discrepancy), status(payout.ledger.discrepancy)]).toEqual(['closed', 'closed']);
    expect([status(fee.psp.discrepancy), status(fee.ledger.discrepancy)]).toEqual(['open', 'open']);
    expect(runCli(['--db', db, 'audit', 'verify']).code).toBe(0);
  });

  it('m selects items and M pairs their rows as one manual match, closing them and listing the difference', async () => {
    const demo = join(FIXTURES, 'demo');
    const psp = ['stripe-balance-report-2025-03.csv', 'settlement_detail_report_batch_118.csv', 'STL-20250310.01.009.CSV', 'checkout-settlement-breakdown-2025-03.csv'];
    runCli(['--db', db, 'import', 'psp', ...psp], { cwd: demo });
    runCli(['--db', db, 'import', 'ledger', 'ledger.csv'], { cwd: demo });
    runCli(['--db', db, 'reconcile']);
    const open = () => parseJson(runCli(['--db', db, 'discrepancies', '--json'])).discrepancies as Array<{ id: number; kind: string; psp: { id: string } | null; ledger: { id: string } | null; difference: string }>;
    // The PayPal charge of 42.00 USD and the two ledger entries of 42.00 USD it was ambiguous between.
    const targets = open().filter((d) => d.psp?.id === '7KM23456CD7890123:T0006' || ['L-3002', 'L-3003'].includes(d.ledger?.id ?? ''));
    expect(targets).toHaveLength(3);

    const cmd = `env -u CI NO_COLOR=1 PAYRECON_ACTOR=tui-tester '${process.execPath}' '${BIN}' --db '${storeFor(db)}' tui`;
    expect(tmux('new-session', '-d', '-s', 'tui', '-x', '140', '-y', '30', '-c', ROOT, cmd).status).toBe(0);
    await until((s) => s.includes('payrecon triage'), 'the triage screen');
    tmux('send-keys', '-t', 'tui', '/');
    await until((s) => s.includes('Enter keeps'), 'the filter prompt');
    tmux('send-keys', '-t', 'tui', '-l', '42.00 USD');
    await until((s) => /\[1\/3\]/.test(s), 'the three 42.00 USD items');
    tmux('send-keys', '-t', 'tui', 'Enter');
    await until((s) => !s.includes('Enter keeps'), 'the list again');
    for (const [i, key] of ['m', 'j', 'm', 'j', 'm'].entries()) {
      tmux('send-keys', '-t', 'tui', key);
      if (key === 'm') await until((s) => s.includes(`${Math.ceil((i + 1) / 2)} selected`), `${Math.ceil((i + 1) / 2)} selected`);
      else await until((s) => s.includes(`[${(i + 1) / 2 + 1}/3]`), 'the next item');
    }
    tmux('send-keys', '-t', 'tui', 'M');
    await until((s) => s.includes('Match #'), 'the match prompt');
    tmux('send-keys', '-t', 'tui', '-l', 'one payment for both orders');
    await until((s) => s.includes('› one payment for both orders'), 'the typed note');
    tmux('send-keys', '-t', 'tui', 'Enter');
    await until((s) => s.includes('matched: #'), 'the confirmation');
    tmux('send-keys', '-t', 'tui', 'q');
    for (let i = 0; i < 400 && tmux('has-session', '-t', 'tui').status === 0; i++) await new Promise((r) => setTimeout(r, 50));

    const now = open();
    for (const t of targets) expect(now.map((d) => d.id)).not.toContain(t.id);
    const diff = now.find((d) => d.kind === 'amount_mismatch' && d.psp?.id === '7KM23456CD7890123:T0006');
    expect(diff).toMatchObject({ difference: '-42.00' });
    expect(runCli(['--db', db, 'audit', 'verify']).code).toBe(0);
  });

  it('shows a message, not a garbled screen, when the terminal is too small', async () => {
    seedReconciled(dir, db);
    const cmd = `env -u CI '${process.execPath}' '${BIN}' --db '${storeFor(db)}' tui`;
    expect(tmux('new-session', '-d', '-s', 'tui', '-x', '40', '-y', '8', '-c', ROOT, cmd).status).toBe(0);
    const s = await until((x) => x.includes('too small'), 'the too-small message');
    expect(s).toContain('40x8');
    tmux('send-keys', '-t', 'tui', 'q');
  });
});
