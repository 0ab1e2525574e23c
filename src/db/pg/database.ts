/**
 * PgDatabase: the storage port (src/db/port.ts) over one PostgreSQL connection, synchronous like
 * better-sqlite3, so the same command code runs on either backend. Each call is a blocking round
 * trip to the connection's worker thread (bridge.ts, worker.ts).
 *
 * Differences a caller must know (docs in port.ts say what the common SQL is):
 * - A statement that fails inside a transaction aborts the whole transaction on PostgreSQL (on
 *   SQLite only the statement fails). To catch an error and carry on, run the statement in a
 *   nested `db.transaction()`: a savepoint on both backends. A transaction whose function
 *   swallowed such an error fails at COMMIT instead of silently rolling back.
 * - `lastInsertRowid` throws: write `RETURNING id`.
 * - `transaction.immediate` takes payrecon's writer lock (a transaction-scoped advisory lock,
 *   WRITER_LOCK) after BEGIN, as SQLite's BEGIN IMMEDIATE takes the file's one write lock:
 *   every write path was written for one writer at a time (ids are max(id) + 1, the audit
 *   chain appends to its head, an import checks for its file before storing it), and so it
 *   stays on a server many hosts share. Readers are never blocked (MVCC). How long a writer
 *   waits is the connection's lock_timeout (src/db/pg/open.ts).
 * - Connection failures (server down, shut down, wrong password) are DatabaseError (exit 19),
 *   naming the server with its password redacted; after one, the connection stays unusable.
 * - The server types parameters from their use: a bare `SELECT ?` comes back as text; cast it
 *   (`?::int8`). SQL errors surface at the first run, not at prepare().
 * - `exec` of several statements outside a transaction is all or nothing (one implicit
 *   transaction); SQLite keeps the statements before a failing one.
 * - While a call is in flight the main thread is blocked: a signal handler (Ctrl-C) runs once
 *   the statement returns.
 */
import { DatabaseError } from '../../errors.js';
import type { Port, Transaction } from '../port.js';
import { Bridge } from './bridge.js';
import { translate, type Translation } from './params.js';
import type { QueryResult, Reply, WireError } from './protocol.js';
import { PgStatement, type Runner } from './statement.js';
import { redactUrl, scrub, secretsOf } from './url.js';

/** A statement the server rejected: its SQLSTATE and the names it reported, as pg gives them. */
export class PgError extends Error {
  readonly code?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly where?: string;
  readonly constraint?: string;
  readonly table?: string;
  readonly schema?: string;
  readonly column?: string;
  constructor(w: WireError) {
    super(w.message);
    this.name = 'PgError';
    Object.assign(this, { code: w.code, detail: w.detail, hint: w.hint, where: w.where, constraint: w.constraint, table: w.table, schema: w.schema, column: w.column });
  }
}

const COPY_BATCH_BYTES = 1 << 20;
const SAVEPOINT = 'payrecon_savepoint';

/** The advisory lock key every payrecon write transaction takes ('payw' in ASCII). */
export const WRITER_LOCK = 0x70617977;


export class PgDatabase implements Port, Runner {
  readonly dialect = 'postgres' as const;
  /** The server as messages name it: the URL with its password redacted. */
  readonly server: string;
  /** The port's name for the store (error messages): the server, password redacted. */
  get name(): string {
    return this.server;
  }
  private readonly secrets: string[];
  private readonly bridge: Bridge;
  private readonly translations = new Map<string, Translation>();
  private tx: Reply['tx'] = null;
  private cursors = 0;
  private closed = false;
  private copying = false;
  /** Deferred requests sent since the last settle. */
  private deferred = 0;

  /** Connects now; a server that cannot be reached is a DatabaseError (exit 19). */
  constructor(url: string) {
    this.server = redactUrl(url);
    this.secrets = secretsOf(url);
    this.bridge = new Bridge(this.server);
    try {
      this.request({ op: 'connect', url });
    } catch (e) {
      this.bridge.terminate();
      throw e;
    }
  }

  private request(body: Parameters<Bridge['call']>[0]): Extract<Reply, { ok: true }> {
    if (this.closed) throw new TypeError('The database connection is not open');
    // The server takes nothing but COPY data until the COPY ends: a statement now would wait forever.
    if (this.copying && body.op === 'query') throw new TypeError('This connection is busy with a COPY: the chunk source cannot run statements on it');
    // What was deferred failed first, if it failed: its error, before anything else runs.
    if (this.deferred > 0 && body.op !== 'sync') this.settle();
    const reply = this.bridge.call(body);
    this.tx = reply.tx;
    if (!reply.ok) throw this.error(reply.error);
    return reply;
  }

  private error(w: WireError): Error {
    const clean = { ...w, message: scrub(w.message, this.secrets) };
    if (!clean.connection) return new PgError(clean);
    const e = new DatabaseError(`PostgreSQL at ${this.server}: ${clean.message}`, 'check that the server is running and that the URL, user and password are right');
    (e as { code?: string }).code = clean.code;
    return e;
  }

  get inTransaction(): boolean {
    return this.tx === 'T' || this.tx === 'E';
  }

  get open(): boolean {
    return !this.closed;
  }

  query(text: string, values: unknown[]): QueryResult {
    return this.request({ op: 'query', text, values }).result!;
  }

  cursorName(): string {
    return `payrecon_cursor_${++this.cursors}`;
  }

  prepare<Row = unknown>(sql: string): PgStatement<Row> {
    let t = this.translations.get(sql);
    if (!t) this.translations.set(sql, (t = translate(sql)));
    return new PgStatement<Row>(this, sql, t);
  }

  /** BEGIN with the writer lock, as `transaction(fn).immediate` does (src/db/open.ts beginWrite). */
  beginWrite(): void {
    this.exec('BEGIN');
    try {
      this.exec(`SELECT pg_advisory_xact_lock(${WRITER_LOCK})`);
    } catch (e) {
      // Not granted within lock_timeout (or the connection went): leave no transaction behind.
      if (this.inTransaction && !this.closed) {
        try {
          this.exec('ROLLBACK');
        } catch {
          /* the connection went away: the original error says more */
        }
      }
      throw e;
    }
  }

  /** Several statements in one text (the simple query protocol), no parameters. */
  exec(sql: string): this {
    // A COMMIT the server answers with ROLLBACK (a statement in the transaction failed and was
    // caught) is an error, as in transaction(): withWriteTransaction commits through here, and
    // a caller must never report as written what the server threw away.
    if (/^\s*(COMMIT|END)\s*;?\s*$/i.test(sql)) {
      this.commit();
      return this;
    }
    this.request({ op: 'query', text: sql, values: [], simple: true });
    return this;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the port's (better-sqlite3's) signature
  transaction<F extends (...params: any[]) => unknown>(fn: F): Transaction<F> {
    const db = this;
    const run = (self: unknown, args: unknown[], write: boolean): ReturnType<F> => {
      const nested = db.inTransaction;
      if (nested) db.exec(`SAVEPOINT ${SAVEPOINT}`);
      else if (write) db.beginWrite();
      else db.exec('BEGIN');
      try {
        const result = fn.apply(self, args) as ReturnType<F>;
        if (result && typeof (result as { then?: unknown }).then === 'function') throw new TypeError('Transaction function cannot return a promise');
        if (nested) db.exec(`RELEASE ${SAVEPOINT}`);
        else db.commit();
        return result;
      } catch (e) {
        // Deferred statements that failed too: the error being thrown already says what went wrong.
        db.settleQuietly();
        if (db.inTransaction && !db.closed) {
          try {
            db.exec(nested ? `ROLLBACK TO ${SAVEPOINT}; RELEASE ${SAVEPOINT}` : 'ROLLBACK');
          } catch {
            /* the connection went away: the original error says more */
          }
        }
        throw e;
      }
    };
    const wrapper = function (this: unknown, ...args: unknown[]) {
      return run(this, args, false);
    } as unknown as Transaction<F>;
    wrapper.immediate = function (this: unknown, ...args: unknown[]) {
      return run(this, args, true);
    } as Transaction<F>['immediate'];
    return wrapper;
  }

  /** COMMIT, refusing the silent ROLLBACK PostgreSQL answers for a transaction an error aborted. */
  private commit(): void {
    const r = this.request({ op: 'query', text: 'COMMIT', values: [], simple: true }).result!;
    if (r.command === 'ROLLBACK') {
      throw new PgError({ code: '25P02', message: 'the transaction was rolled back: a statement in it failed and the error was caught inside the transaction (use a nested transaction to recover from an error)', connection: false });
    }
  }

  /**
   * Run `sql` (one statement, `?` or `@name` parameters as in prepare) without waiting for it:
   * the call returns at once and the server works while this thread goes on (an import parses
   * its next rows meanwhile). Deferred statements run in the order sent, before anything sent
   * after them. Their failure is thrown by the next statement waited on (or `settle`), and
   * nothing deferred after a failure runs. With `keep`, `result(ticket)` gives the outcome.
   */
  defer(sql: string, params: unknown[] | Record<string, unknown> = [], keep = false): number {
    if (this.closed) throw new TypeError('The database connection is not open');
    const { text, values } = this.prepare(sql).bound(params);
    this.deferred++;
    return this.bridge.post({ op: 'query', text, values }, keep);
  }

  /** As copyFrom, deferred (see defer); the ticket's result has the rows copied as its rowCount. */
  deferCopy(sql: string, chunks: Iterable<string | Buffer>, keep = false): number {
    if (this.closed) throw new TypeError('The database connection is not open');
    this.bridge.post({ op: 'copyStart', text: sql }, false);
    for (const batch of copyBatches(chunks)) this.bridge.post({ op: 'copyData', chunks: batch }, false);
    this.deferred += 2;
    return this.bridge.post({ op: 'copyEnd' }, keep);
  }

  /** Wait for everything deferred; throw the first failure among it. */
  settle(): void {
    if (this.deferred === 0) return;
    this.deferred = 0;
    this.request({ op: 'sync' });
  }

  /** Wait for everything deferred, forgetting a failure (on the way to a rollback). */
  settleQuietly(): void {
    try {
      this.settle();
    } catch {
      /* the caller is already failing with its own error */
    }
  }

  /** The outcome of deferred statement `ticket` (sent with keep): waits for it, throws what failed before it. */
  result(ticket: number): { rowCount: number; result?: QueryResult } {
    this.settle();
    const reply = this.request({ op: 'result', ticket });
    return { rowCount: reply.rowCount ?? reply.result?.rowCount ?? 0, result: reply.result };
  }

  /**
   * `COPY table (cols) FROM STDIN` fed from `chunks` (text or bytes in COPY's format), sent in
   * batches of about 1 MiB; the number of rows copied. A failure cancels the COPY (nothing of it
   * stays) and is thrown.
   */
  copyFrom(sql: string, chunks: Iterable<string | Buffer>): number {
    this.request({ op: 'copyStart', text: sql });
    this.copying = true;
    try {
      for (const batch of copyBatches(chunks)) this.request({ op: 'copyData', chunks: batch });
      return this.request({ op: 'copyEnd' }).rowCount ?? 0;
    } catch (e) {
      this.copying = false;
      if (!(e instanceof DatabaseError)) {
        try {
          this.request({ op: 'copyAbort', reason: e instanceof Error ? e.message : String(e) });
        } catch {
          /* the COPY's own error is the one to report */
        }
      }
      throw e;
    } finally {
      this.copying = false;
    }
  }

  close(): this {
    if (this.closed) return this;
    try {
      this.bridge.call({ op: 'close' });
    } catch {
      /* a dead connection is closed too */
    } finally {
      this.closed = true;
      this.tx = null;
      this.bridge.terminate();
    }
    return this;
  }
}

/** `chunks` in batches of about COPY_BATCH_BYTES, each coalesced. */
function* copyBatches(chunks: Iterable<string | Buffer>): Generator<Array<string | Buffer>> {
  let batch: Array<string | Buffer> = [];
  let bytes = 0;
  for (const ch of chunks) {
    batch.push(ch);
    bytes += ch.length;
    if (bytes >= COPY_BATCH_BYTES) {
      yield coalesce(batch);
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length) yield coalesce(batch);
}

/**
 * Runs of text chunks joined into one string, runs of bytes into one Buffer: the worker writes
 * each chunk to the socket as its own CopyData message, and a message per row made a 200k-row
 * COPY spend seconds in writes (measured: docs/benchmarks.md, "PostgreSQL").
 */
function coalesce(batch: Array<string | Buffer>): Array<string | Buffer> {
  const out: Array<string | Buffer> = [];
  let i = 0;
  while (i < batch.length) {
    let j = i + 1;
    const text = typeof batch[i] === 'string';
    while (j < batch.length && (typeof batch[j] === 'string') === text) j++;
    if (j - i === 1) out.push(batch[i]);
    else out.push(text ? (batch.slice(i, j) as string[]).join('') : Buffer.concat(batch.slice(i, j) as Buffer[]));
    i = j;
  }
  return out;
}
