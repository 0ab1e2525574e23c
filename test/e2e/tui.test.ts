/**
 * `payrecon tui` end to end: refused without a terminal, and one real run in a pseudo-terminal
 * (tmux) that resolves a discrepancy through keys and checks the database afterwards.
 */
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, ROOT, parseJson, runCli, useTempDb } from '../helpers/cli.js';
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
    const cmd = `env -u CI NO_COLOR=1 PAYRECON_ACTOR=tui-tester '${process.execPath}' '${BIN}' --db '${db}' tui`;
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
    const h = new Database(db, { readonly: true });
    try {
      const entry = h.prepare("SELECT actor, subject FROM audit_log WHERE action = 'resolve'").get();
      expect(entry).toEqual({ actor: 'tui-tester', subject: `discrepancy ${target.id}` });
    } finally {
      h.close();
    }
    expect(runCli(['--db', db, 'audit', 'verify']).code).toBe(0);
  });

  it('shows a message, not a garbled screen, when the terminal is too small', async () => {
    seedReconciled(dir, db);
    const cmd = `env -u CI '${process.execPath}' '${BIN}' --db '${db}' tui`;
    expect(tmux('new-session', '-d', '-s', 'tui', '-x', '40', '-y', '8', '-c', ROOT, cmd).status).toBe(0);
    const s = await until((x) => x.includes('too small'), 'the too-small message');
    expect(s).toContain('40x8');
    tmux('send-keys', '-t', 'tui', 'q');
  });
});
