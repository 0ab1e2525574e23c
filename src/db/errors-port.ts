/**
 * The database errors a caller branches on, the same question for either backend (issue 16):
 * better-sqlite3's SqliteError carries an SQLITE_* code, the PostgreSQL facade's PgError
 * (src/db/pg/database.ts) an SQLSTATE. Callers ask these predicates, never the codes.
 */

interface CodedError {
  code?: unknown;
  message?: unknown;
  constraint?: unknown;
  table?: unknown;
}

function codeOf(err: unknown): string | undefined {
  const c = (err as CodedError | null)?.code;
  return typeof c === 'string' ? c : undefined;
}

const UNIQUE = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', '23505']);

/** A row collided with a UNIQUE or PRIMARY KEY constraint. */
export function isUniqueViolation(err: unknown): boolean {
  const code = codeOf(err);
  return code !== undefined && UNIQUE.has(code);
}

export interface ViolatedKey {
  /** PostgreSQL: the constraint's name (imports_sha256_key). */
  constraint?: string;
  table?: string;
  /** SQLite: the columns it names ("sha256"); PostgreSQL names the constraint instead. */
  columns?: string[];
}

/** Which key a unique violation hit, as far as the backend says; undefined for any other error. */
export function violatedKey(err: unknown): ViolatedKey | undefined {
  if (!isUniqueViolation(err)) return undefined;
  const e = err as CodedError;
  if (codeOf(err) === '23505') {
    return { constraint: typeof e.constraint === 'string' ? e.constraint : undefined, table: typeof e.table === 'string' ? e.table : undefined };
  }
  // SQLite: "UNIQUE constraint failed: imports.sha256, imports.source"
  const m = /constraint failed: (.+)$/.exec(String(e.message ?? ''));
  if (!m) return {};
  const cols = m[1].split(',').map((s) => s.trim());
  const table = cols[0]?.includes('.') ? cols[0].split('.')[0] : undefined;
  return { table, columns: cols.map((c) => c.slice(c.indexOf('.') + 1)) };
}

const BUSY = new Set(['40001', '40P01', '55P03']);

/**
 * Another connection holds what this one needs: SQLite BUSY/LOCKED, PostgreSQL serialization
 * failure, deadlock, lock not available. Retrying the whole transaction may succeed.
 */
export function isBusy(err: unknown): boolean {
  const code = codeOf(err);
  if (code === undefined) return false;
  return BUSY.has(code) || /^SQLITE_(BUSY|LOCKED)(_|$)/.test(code);
}
