/**
 * What every command receives: how to talk to the user, where the database is, the
 * environment, a clock and an abort signal (SIGINT/SIGTERM). Tests build one directly.
 */
import { resolve } from 'node:path';
import { openDatabase, type DB } from './db/open.js';
import { InterruptedError } from './errors.js';
import { Output, type OutputOptions } from './output.js';

export interface GlobalOptions extends OutputOptions {
  db?: string;
}

export interface CommandContext {
  out: Output;
  dbPath: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal: AbortSignal;
  now(): Date;
  /** The migrated database, opened on first use and closed by the entry point. */
  db(): DB;
  /** Throw InterruptedError if SIGINT/SIGTERM arrived; call between batches. */
  checkInterrupted(): void;
  close(): void;
}

export interface ContextInit {
  global: GlobalOptions;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  signal?: AbortSignal;
  now?: () => Date;
  stdout?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
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
  const dbPath = resolve(cwd, init.global.db ?? env.PAYRECON_DB ?? 'payrecon.db');
  let handle: DB | undefined;
  return {
    out,
    dbPath,
    env,
    cwd,
    signal,
    now: init.now ?? (() => new Date()),
    db() {
      handle ??= openDatabase(dbPath);
      return handle;
    },
    checkInterrupted() {
      if (signal.aborted) throw new InterruptedError();
    },
    close() {
      handle?.close();
      handle = undefined;
    },
  };
}
