/**
 * What the main thread (bridge.ts) and the connection's worker (worker.ts) say to each other.
 * The worker runs requests one after another, in the order sent. A request is either waited on
 * (the worker answers it exactly once, an error being an answer too, never a silence the main
 * thread would wait on forever) or deferred: the main thread goes on while the server works,
 * and the worker keeps the outcome. The first deferred failure is answered to the next `sync`,
 * and every deferred request after a failure is skipped (the transaction is lost anyway).
 */

/** Int32 cells of the shared buffer. */
export const FLAG = 0;
export const HEARTBEAT = 1;
/** FLAG values. */
export const WAITING = 0;
export const REPLIED = 1;
export const DEAD = 2;

/** On a request: run it without the main thread waiting; `keep` keeps its reply for a `result`. */
export interface Deferral {
  deferred?: { keep: boolean };
}

export type Request = Deferral &
  (
    | { id: number; op: 'connect'; url: string }
    | { id: number; op: 'query'; text: string; values: unknown[]; simple?: boolean }
    | { id: number; op: 'copyStart'; text: string }
    | { id: number; op: 'copyData'; chunks: Array<string | Uint8Array> }
    | { id: number; op: 'copyEnd' }
    | { id: number; op: 'copyAbort'; reason: string }
    | { id: number; op: 'close' }
    /** Waited on: the first deferred failure since the last sync (ok when none), then forgotten. */
    | { id: number; op: 'sync' }
    /** Waited on: the kept reply of deferred request `ticket` (after a sync: it ran, and succeeded). */
    | { id: number; op: 'result'; ticket: number }
  );

/** Column type OIDs the main thread converts itself (the rest arrive as the worker parsed them). */
export const OID = { int2: 21, int4: 23, int8: 20, oid: 26, numeric: 1700, float4: 700, float8: 701, bool: 16, bytea: 17 } as const;

export interface QueryResult {
  /** Column names and type OIDs, in order; empty for a statement that returns no rows. */
  fields: Array<[name: string, oid: number]>;
  /** Rows as arrays; int8 and numeric as the server's text, bytea as bytes, bool as 1/0. */
  rows: unknown[][];
  command: string;
  rowCount: number;
}

/** A failure as plain data (an Error does not cross a MessagePort with its fields). */
export interface WireError {
  message: string;
  /** SQLSTATE, or a Node system error code (ECONNREFUSED). */
  code?: string;
  detail?: string;
  hint?: string;
  /** Where in the statement (COPY: "COPY c, line 3, column minor"). */
  where?: string;
  constraint?: string;
  table?: string;
  schema?: string;
  column?: string;
  /** The connection is gone or never came up: the caller gets a DatabaseError (exit 19). */
  connection: boolean;
}

export type Reply = { id: number; tx: 'I' | 'T' | 'E' | null } & (
  | { ok: true; result?: QueryResult; rowCount?: number }
  | { ok: false; error: WireError }
);

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', '57P01', '57P02', '57P03']);

/** A failure of the connection itself (server down, shut down, unreachable), not of a statement. */
export function isConnectionFailure(code: string | undefined, message: string): boolean {
  if (code && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
  return /Connection terminated|not queryable|connection error|Client was closed/i.test(message);
}
