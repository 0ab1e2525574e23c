/**
 * A store's schema read from its catalog into one comparable shape, for SQLite (pragmas and
 * sqlite_master) and PostgreSQL (pg_catalog, information_schema): test/db/pg-schema.test.ts
 * holds the two equal. Types are compared through the mapping src/db/migrations-pg/016-schema.sql
 * states (INTEGER -> bigint, TEXT -> text, BLOB -> bytea, REAL -> double precision); defaults,
 * CHECKs and partial-index predicates through a normal form that drops PostgreSQL's casts.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';

export interface ColumnShape {
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
}

export interface IndexShape {
  columns: string[];
  unique: boolean;
  where: string | null;
}

export interface TableShape {
  columns: ColumnShape[];
  primaryKey: string[];
  /** UNIQUE constraints (not indexes created by name), as column lists. */
  uniques: string[];
  /** Indexes created by name (CREATE INDEX), by name. */
  indexes: Record<string, IndexShape>;
  foreignKeys: string[];
  /** Each CHECK as `column: allowed values`. */
  checks: string[];
}

export type SchemaShape = Record<string, TableShape>;

/** PostgreSQL-only tables: the schema version row (SQLite keeps it in PRAGMA user_version). */
export const PG_ONLY_TABLES = ['payrecon_schema'];

const SQLITE_TYPES: Record<string, string> = { INTEGER: 'bigint', TEXT: 'text', BLOB: 'bytea', REAL: 'double precision' };

/** Casts and parentheses PostgreSQL adds when it prints an expression, and case/spacing. */
export function normalExpr(e: string | null): string | null {
  if (e === null) return null;
  let s = e.replace(/::[a-z ]+(\[\])?/g, '').replace(/\s+/g, ' ').trim();
  while (/^\(.*\)$/.test(s) && balanced(s.slice(1, -1))) s = s.slice(1, -1).trim();
  // Keywords in one case; quoted literals as they are.
  return s.replace(/'(?:[^']|'')*'|[^']+/g, (m) => (m.startsWith("'") ? m : m.toLowerCase()));
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const ch of s) {
    depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0;
}

/** `side IN ('psp','ledger')` and `side = ANY (ARRAY['psp'::text, ...])` both read `side: ledger,psp`. */
export function normalCheck(expr: string): string {
  const column = /[a-z_]+/i.exec(expr.replace(/^\W*CHECK\W*/i, ''))![0];
  const literals = [...expr.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]);
  const values = literals.length ? literals : [...expr.replace(/'[^']*'/g, '').matchAll(/=\s*(-?\d+)/g)].map((m) => m[1]);
  return `${column}: ${values.sort().join(',')}`;
}

function fk(from: string[], table: string, to: string[], onUpdate: string, onDelete: string): string {
  return `(${from.join(', ')}) -> ${table} (${to.join(', ')}) on update ${onUpdate} on delete ${onDelete}`;
}

/** The CHECK clauses of a CREATE TABLE statement, each with its balanced parentheses. */
function checkClauses(sql: string): string[] {
  const out: string[] = [];
  const re = /\bCHECK\s*\(/gi;
  for (let m = re.exec(sql); m; m = re.exec(sql)) {
    let depth = 1;
    let i = m.index + m[0].length;
    for (; i < sql.length && depth > 0; i++) depth += sql[i] === '(' ? 1 : sql[i] === ')' ? -1 : 0;
    out.push(sql.slice(m.index, i));
  }
  return out;
}

export function sqliteShape(db: Database.Database): SchemaShape {
  const shape: SchemaShape = {};
  const tables = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as Array<{ name: string; sql: string }>;
  for (const t of tables) {
    const info = db.prepare(`PRAGMA table_info("${t.name}")`).all() as Array<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>;
    const t2: TableShape = {
      // A primary-key column counts as NOT NULL: PostgreSQL makes it so. (SQLite lets a
      // non-INTEGER key of a rowid table hold NULL, a quirk no payrecon INSERT relies on.)
      columns: info.map((c) => ({ name: c.name, type: SQLITE_TYPES[c.type.toUpperCase()] ?? c.type, notNull: c.notnull === 1 || c.pk > 0, default: normalExpr(c.dflt_value) })),
      primaryKey: info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
      uniques: [],
      indexes: {},
      foreignKeys: [],
      checks: checkClauses(t.sql).map(normalCheck).sort(),
    };
    for (const ix of db.prepare(`PRAGMA index_list("${t.name}")`).all() as Array<{ name: string; unique: number; origin: string }>) {
      const columns = (db.prepare(`PRAGMA index_info("${ix.name}")`).all() as Array<{ seqno: number; name: string }>).sort((a, b) => a.seqno - b.seqno).map((c) => c.name);
      if (ix.origin === 'u') t2.uniques.push(columns.join(', '));
      if (ix.origin !== 'c') continue;
      const sql = (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get(ix.name) as string) ?? '';
      const where = /\bWHERE\b([\s\S]*)$/i.exec(sql);
      t2.indexes[ix.name] = { columns, unique: ix.unique === 1, where: where ? normalExpr(where[1]) : null };
    }
    const refs = db.prepare(`PRAGMA foreign_key_list("${t.name}")`).all() as Array<{ id: number; seq: number; table: string; from: string; to: string; on_update: string; on_delete: string }>;
    for (const id of [...new Set(refs.map((r) => r.id))]) {
      const parts = refs.filter((r) => r.id === id).sort((a, b) => a.seq - b.seq);
      t2.foreignKeys.push(fk(parts.map((p) => p.from), parts[0].table, parts.map((p) => p.to), parts[0].on_update, parts[0].on_delete));
    }
    t2.uniques.sort();
    t2.foreignKeys.sort();
    shape[t.name] = t2;
  }
  return shape;
}

const PG_ACTIONS: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

/** The column names of `attnums` of relation `rel`, in the array's order (SQL fragment). */
const names = (rel: string, attnums: string) =>
  `(SELECT array_agg(a.attname::text ORDER BY k.n) FROM unnest(${attnums}) WITH ORDINALITY k(attnum, n)
     JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.attnum)`;

export async function pgShape(client: pg.Client): Promise<SchemaShape> {
  const shape: SchemaShape = {};
  const q = async <R>(sql: string): Promise<R[]> => (await client.query(sql)).rows as R[];
  const tables = await q<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename');
  for (const { tablename } of tables) {
    if (PG_ONLY_TABLES.includes(tablename)) continue;
    shape[tablename] = { columns: [], primaryKey: [], uniques: [], indexes: {}, foreignKeys: [], checks: [] };
  }
  const cols = await q<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  for (const c of cols) {
    shape[c.table_name]?.columns.push({ name: c.column_name, type: c.data_type, notNull: c.is_nullable === 'NO', default: normalExpr(c.column_default) });
  }
  const cons = await q<{ tbl: string; contype: string; cols: string[]; reftbl: string | null; refcols: string[] | null; upd: string; del: string; def: string }>(
    `SELECT c.relname AS tbl, con.contype, ${names('con.conrelid', 'con.conkey')} AS cols, r.relname AS reftbl,
       ${names('con.confrelid', 'con.confkey')} AS refcols, con.confupdtype AS upd, con.confdeltype AS del,
       pg_get_constraintdef(con.oid) AS def
     FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace ns ON ns.oid = c.relnamespace
     LEFT JOIN pg_class r ON r.oid = con.confrelid
     WHERE ns.nspname = current_schema() ORDER BY c.relname, con.conname`,
  );
  for (const k of cons) {
    const t = shape[k.tbl];
    if (!t) continue;
    if (k.contype === 'p') t.primaryKey = k.cols;
    else if (k.contype === 'u') t.uniques.push(k.cols.join(', '));
    else if (k.contype === 'f') t.foreignKeys.push(fk(k.cols, k.reftbl!, k.refcols!, PG_ACTIONS[k.upd], PG_ACTIONS[k.del]));
    else if (k.contype === 'c') t.checks.push(normalCheck(k.def));
  }
  const idx = await q<{ tbl: string; name: string; unique: boolean; cols: string[]; predicate: string | null }>(
    `SELECT c.relname AS tbl, i.relname AS name, ix.indisunique AS unique, ${names('ix.indrelid', 'ix.indkey')} AS cols,
       pg_get_expr(ix.indpred, ix.indrelid) AS predicate
     FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class c ON c.oid = ix.indrelid
     JOIN pg_namespace ns ON ns.oid = c.relnamespace
     WHERE ns.nspname = current_schema()
       AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid AND con.contype IN ('p', 'u'))`,
  );
  for (const ix of idx) {
    const t = shape[ix.tbl];
    if (t) t.indexes[ix.name] = { columns: ix.cols ?? [], unique: ix.unique, where: normalExpr(ix.predicate) };
  }
  for (const t of Object.values(shape)) {
    t.uniques.sort();
    t.foreignKeys.sort();
    t.checks.sort();
  }
  return shape;
}

/** Tables whose id PostgreSQL assigns (GENERATED ... AS IDENTITY), by name. */
export async function pgIdentityTables(client: pg.Client): Promise<string[]> {
  const rows = await client.query(
    `SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name`,
  );
  return rows.rows.map((r: { table_name: string }) => r.table_name);
}
