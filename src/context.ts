/**
 * What every command receives: an operation context (src/operations/context.ts) plus how to
 * talk to the user, with progress bars drawn on stderr when a person watches. Tests build one
 * directly.
 */
import type { DB } from './db/open.js';
import { openStore, storeDisplay, storeTarget } from './db/store.js';
import { InterruptedError } from './errors.js';
import { attachAuditKey } from './operations/audit.js';
import type { OperationContext } from './operations/context.js';
import { openProgress } from './ui/open-progress.js';
import { Output, type OutputOptions } from './output.js';

export interface GlobalOptions extends OutputOptions {
  db?: string;
}

export interface CommandContext extends OperationContext {
  out: Output;
  /** What to say when a second signal forces an exit (by default one plain line on stderr). */
  setForcedExitNote?(note: () => void): void;
  close(): void;
}

export interface ContextInit {
  global: GlobalOptions;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  signal?: AbortSignal;
  setForcedExitNote?(note: () => void): void;
  now?: () => Date;
  stdout?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** May this command create the database (import, baseline init, schedule)? Default yes. */
  createDb?: boolean;
}

export function createContext(init: ContextInit): CommandContext {
  const env = init.env ?? process.env;
  const cwd = init.cwd ?? process.cwd();
  const signal = init.signal ?? new AbortController().signal;
  const out = new Output(init.global, {
    stdout: init.stdout ?? process.stdout,
    stderr: init.stderr ?? process.stderr,
    env,
  });
  const dbTarget = storeTarget(init.global.db ?? env.PAYRECON_DB ?? 'payrecon.db', cwd);
  const dbPath = storeDisplay(dbTarget);
  let handle: DB | undefined;
  return {
    out,
    dbPath,
    dbTarget,
    env,
    cwd,
    signal,
    setForcedExitNote: init.setForcedExitNote,
    now: init.now ?? (() => new Date()),
    db() {
      if (!handle) {
        handle = openStore(dbTarget, { create: init.createDb ?? true });
        // Audit entries are sealed with $PAYRECON_KEY_FILE when set (commands with --key-file
        // replace this with the key they loaded).
        attachAuditKey(handle, env, cwd);
      }
      return handle;
    },
    checkInterrupted() {
      if (signal.aborted) throw new InterruptedError();
    },
    progress: (opts) => openProgress(out, opts),
    close() {
      handle?.close();
      handle = undefined;
    },
  };
}
