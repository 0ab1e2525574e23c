/**
 * A terminal for end-to-end TUI tests: a detached tmux session on a private socket, keys sent
 * with send-keys, the screen read with capture-pane. Waits poll the screen up to a deadline
 * (generous: the machine is shared), never sleep a fixed time.
 */
import { spawnSync } from 'node:child_process';
import { storeFor } from './backend.js';
import { BIN, ROOT } from './cli.js';

export const HAS_TMUX = spawnSync('tmux', ['-V']).status === 0;

/** The shell command that runs the CLI as a person at a terminal would: CI unset, no colour. */
export function tuiCommand(args: string[], actor = 'tui-tester'): string {
  // --db on the backend under test (test/helpers/backend.ts), as runCli maps it.
  const quoted = args.map((a, i) => (args[i - 1] === '--db' ? storeFor(a) : a)).map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return `env -u CI NO_COLOR=1 PAYRECON_ACTOR=${actor} '${process.execPath}' '${BIN}' ${quoted}`;
}

export interface Terminal {
  /** Start `cmd` in a terminal of `columns` x `rows`. */
  start(cmd: string, columns: number, rows: number): void;
  /** The screen as text, one line per row. */
  screen(): string;
  /** Wait until the screen satisfies `check`; fail naming `what` and showing the screen. */
  until(check: (screen: string) => boolean, what: string, deadlineMs?: number): Promise<string>;
  /** Keys by tmux name (`j`, `Space`, `Enter`, `PageDown`). */
  keys(...keys: string[]): void;
  /** Text typed literally. */
  type(text: string): void;
  /** Wait for the program to exit; true when it did before the deadline. */
  exited(deadlineMs?: number): Promise<boolean>;
  kill(): void;
}

const pause = () => new Promise((r) => setTimeout(r, 50));

export function terminal(name = 'tui'): Terminal {
  const socket = `payrecon-test-${process.pid}-${name}`;
  const tmux = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-t', name).stdout ?? '';
  const alive = () => tmux('has-session', '-t', name).status === 0;
  return {
    start(cmd, columns, rows) {
      const r = tmux('new-session', '-d', '-s', name, '-x', String(columns), '-y', String(rows), '-c', ROOT, cmd);
      if (r.status !== 0) throw new Error(`tmux new-session failed: ${r.stderr}`);
    },
    screen,
    async until(check, what, deadlineMs = 120_000) {
      const end = Date.now() + deadlineMs;
      while (Date.now() < end) {
        const s = screen();
        if (check(s)) return s;
        if (!alive()) break;
        await pause();
      }
      throw new Error(`the screen never showed ${what}${alive() ? '' : ' (the program exited)'}:\n${screen()}`);
    },
    keys: (...keys) => void tmux('send-keys', '-t', name, ...keys),
    type: (text) => void tmux('send-keys', '-t', name, '-l', text),
    async exited(deadlineMs = 60_000) {
      const end = Date.now() + deadlineMs;
      while (Date.now() < end && alive()) await pause();
      return !alive();
    },
    kill: () => void tmux('kill-server'),
  };
}
