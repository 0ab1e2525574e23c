/**
 * What every operation receives: where the database is, the environment, a clock, an abort
 * signal, and a way to show progress. Commands (src/context.ts builds theirs), the scheduler
 * and tests hand one in; an operation never prints, it returns what happened.
 */
import type { DB } from '../db/open.js';
import type { Progress, ProgressOptions } from '../domain/progress.js';

export interface OperationContext {
  /** How messages name the store: its file path, or its PostgreSQL URL without the password. */
  dbPath: string;
  /** What opens it again (src/db/store.ts): the path, or the URL as given. Never print it. */
  dbTarget: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal: AbortSignal;
  now(): Date;
  /** The migrated database, opened on first use and closed by whoever made the context. */
  db(): DB;
  /** Throw InterruptedError if SIGINT/SIGTERM arrived; call between batches. */
  checkInterrupted(): void;
  /** A progress bar when a person is watching, else NO_PROGRESS. */
  progress(opts: ProgressOptions): Promise<Progress>;
}
