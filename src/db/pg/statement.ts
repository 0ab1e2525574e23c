/**
 * A prepared statement on the PostgreSQL facade, with better-sqlite3's behaviour: run/get/all/
 * iterate, pluck/raw/safeIntegers toggles, the same argument forms and the same errors for
 * missing or surplus values. The SQL was translated once (params.ts); the server parses it per
 * call (unnamed statements: a schema change between calls can never meet a stale plan).
 */
import type { RunResult, Statement } from '../port.js';
import { bindArguments, type Translation } from './params.js';
import type { QueryResult } from './protocol.js';
import { bindable, shaper, type Shape } from './values.js';

/** What a statement needs from its connection (PgDatabase). */
export interface Runner {
  query(text: string, values: unknown[]): QueryResult;
  readonly inTransaction: boolean;
  /** A cursor name unique on this connection. */
  cursorName(): string;
}

/** Rows fetched per round trip while iterating. */
export const FETCH_SIZE = 1000;

const WRITES = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY']);
/** What DECLARE ... CURSOR FOR accepts; anything else (INSERT ... RETURNING) is iterated from all(). */
const CURSOR_ABLE = /^(?:\s+|--[^\n]*\n|\/\*[\s\S]*?\*\/)*(?:\(|SELECT\b|WITH\b|VALUES\b|TABLE\b)/i;

export function runResult(changes: number): RunResult {
  return {
    changes,
    get lastInsertRowid(): number {
      throw new Error('lastInsertRowid does not exist on PostgreSQL: write RETURNING id and read it with get()');
    },
  };
}

export class PgStatement<Row = unknown> implements Statement<Row> {
  private readonly shape: Shape = { pluck: false, raw: false, safe: false };

  constructor(
    private readonly db: Runner,
    readonly source: string,
    private readonly sql: Translation,
  ) {}

  private execute(args: unknown[]): QueryResult {
    return this.db.query(this.sql.text, this.values(args));
  }

  private values(args: unknown[]): unknown[] {
    return bindArguments(this.sql, args).map(bindable);
  }

  /** The server's text of this statement and `args` bound to it (for a deferred run). */
  bound(...args: unknown[]): { text: string; values: unknown[] } {
    return { text: this.sql.text, values: this.values(args) };
  }

  private readerCheck(r: QueryResult): void {
    if (r.fields.length === 0) throw new TypeError('This statement does not return data. Use run() instead');
  }

  run(...args: unknown[]): RunResult {
    const r = this.execute(args);
    return runResult(WRITES.has(r.command) ? r.rowCount : 0);
  }

  get(...args: unknown[]): Row | undefined {
    const r = this.execute(args);
    this.readerCheck(r);
    return r.rows.length ? (shaper(r.fields, this.shape)(r.rows[0]) as Row) : undefined;
  }

  all(...args: unknown[]): Row[] {
    const r = this.execute(args);
    this.readerCheck(r);
    const shape = shaper(r.fields, this.shape);
    return r.rows.map(shape) as Row[];
  }

  /**
   * Streams through a server-side cursor, FETCH_SIZE rows a round trip; other statements may run
   * between two rows. Inside a transaction the cursor lives in it; outside, it is declared WITH
   * HOLD (the server materialises the result once, at the DECLARE's own commit). Leaving the
   * loop early (break, throw) closes the cursor.
   */
  iterate(...args: unknown[]): IterableIterator<Row> {
    const values = this.values(args);
    if (!CURSOR_ABLE.test(this.sql.text)) return this.all(...args)[Symbol.iterator]();
    return this.cursor(values, { ...this.shape });
  }

  private *cursor(values: unknown[], shape: Shape): IterableIterator<Row> {
    const name = this.db.cursorName();
    const hold = !this.db.inTransaction;
    this.db.query(`DECLARE ${name} NO SCROLL CURSOR ${hold ? 'WITH HOLD ' : ''}FOR ${this.sql.text}`, values);
    let finished = false;
    try {
      for (;;) {
        const r = this.db.query(`FETCH ${FETCH_SIZE} FROM ${name}`, []);
        const shape1 = shaper(r.fields, shape);
        for (const row of r.rows) yield shape1(row) as Row;
        if (r.rows.length < FETCH_SIZE) break;
      }
      finished = true;
    } finally {
      try {
        this.db.query(`CLOSE ${name}`, []);
      } catch (e) {
        // Leaving on an error (the transaction is aborted, the connection gone): that error wins.
        if (finished) throw e;
      }
    }
  }

  pluck(toggle = true): this {
    this.shape.pluck = toggle;
    if (toggle) this.shape.raw = false;
    return this;
  }

  raw(toggle = true): this {
    this.shape.raw = toggle;
    if (toggle) this.shape.pluck = false;
    return this;
  }

  safeIntegers(toggle = true): this {
    this.shape.safe = toggle;
    return this;
  }
}
