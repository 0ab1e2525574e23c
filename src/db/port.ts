/**
 * The storage port: the one shape of a database connection every floor above db/ is written
 * against (issue 16). SQLite (better-sqlite3's Database, unchanged and unwrapped: the embedded
 * path pays nothing for the port) and PostgreSQL (src/db/pg/, a synchronous facade over a
 * server connection) both satisfy it, so a command runs the same statements on either, and the
 * two backends differ only inside db/.
 *
 * The port is deliberately better-sqlite3's own surface, narrowed to what payrecon uses:
 * synchronous statements, `?` or `@name` parameters, numbers unless `safeIntegers()` asks for
 * bigint (money), `transaction(fn)` with savepoints when nested. SQL written for the port keeps
 * to what both engines accept (`INSERT ... ON CONFLICT DO NOTHING`, `RETURNING id` instead of
 * `lastInsertRowid`, no rowid, no PRAGMA); what cannot be common branches on `dialectOf(db)`.
 */

export type Dialect = 'sqlite' | 'postgres';

export interface RunResult {
  changes: number;
  /** SQLite only: the PostgreSQL backend throws on reading it; write `RETURNING id` instead. */
  lastInsertRowid: number | bigint;
}

export interface Statement<Row = unknown> {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): Row | undefined;
  all(...params: unknown[]): Row[];
  iterate(...params: unknown[]): IterableIterator<Row>;
  /** Return the first column's value instead of a row object. */
  pluck(toggle?: boolean): this;
  /** Return rows as arrays instead of objects. */
  raw(toggle?: boolean): this;
  /** Return integers as bigint (money) instead of number. */
  safeIntegers(toggle?: boolean): this;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as better-sqlite3 declares it
type AnyFunction = (...params: any[]) => unknown;
type ArgumentTypes<F extends AnyFunction> = F extends (...args: infer A) => unknown ? A : never;

export interface Transaction<F extends AnyFunction> {
  (...args: ArgumentTypes<F>): ReturnType<F>;
  /** SQLite: BEGIN IMMEDIATE, taking the write lock before reading. */
  immediate(...args: ArgumentTypes<F>): ReturnType<F>;
}

/** Only what payrecon calls; better-sqlite3's Database satisfies it as it is. */
export interface Port {
  prepare<Row = unknown>(sql: string): Statement<Row>;
  exec(sql: string): unknown;
  transaction<F extends AnyFunction>(fn: F): Transaction<F>;
  readonly inTransaction: boolean;
  /** What error messages call the store: its file path, or its URL without the password. */
  readonly name: string;
  close(): unknown;
}
