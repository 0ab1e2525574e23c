/**
 * Copying a SQLite store onto a PostgreSQL server, table by table (`payrecon db migrate-to`,
 * issue 16). Both schemas are the same tables with the same columns in the same order
 * (test/db/pg-schema.test.ts holds them equal), so each table streams straight from a SQLite
 * SELECT into a PostgreSQL COPY, in an order where every row a foreign key names is already
 * there. Values keep their exact form: integers as bigint, bytes as bytea, text as text.
 */
import type Database from 'better-sqlite3';
import { copyRow } from './pg/copy-text.js';
import { nameColumn, readStoredName, storedName } from './stored-name.js';
import { PgDatabase } from './pg/database.js';

export interface StoreTable {
  name: string;
  columns: string[];
}

/** The store's tables (no SQLite internals), each after the tables its foreign keys name. */
export function storeTables(db: Database.Database): StoreTable[] {
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  const refs = new Map<string, string[]>();
  for (const n of names) refs.set(n, (db.pragma(`foreign_key_list("${n}")`) as Array<{ table: string }>).map((f) => f.table).filter((t) => t !== n));
  const ordered: string[] = [];
  const visit = (n: string, path: string[]) => {
    if (ordered.includes(n)) return;
    if (path.includes(n)) throw new Error(`foreign keys form a cycle: ${[...path, n].join(' -> ')}`);
    for (const r of refs.get(n) ?? []) visit(r, [...path, n]);
    ordered.push(n);
  };
  for (const n of names) visit(n, []);
  return ordered.map((name) => ({ name, columns: (db.pragma(`table_info("${name}")`) as Array<{ name: string }>).map((c) => c.name) }));
}

const ROWS_PER_CHUNK = 2000;

/**
 * Columns holding names that may not be UTF-8 (monitored paths, link targets): SQLite keeps
 * their bytes as given, PostgreSQL stores such a name as `\x` and hex (src/db/stored-name.ts).
 * Read as bytes here and stored the server's way, so every name arrives exactly.
 */
const NAME_COLUMNS: Record<string, readonly string[]> = {
  baseline_entries: ['path', 'link_target'],
  scan_findings: ['path'],
  scan_changes: ['path'],
  open_findings: ['path'],
};

/** Copy every row of `table` from `source` into the same table of `target`; the rows copied. */
export function copyTable(source: Database.Database, target: PgDatabase, table: StoreTable, onRows?: (n: number) => void): number {
  const cols = table.columns.map((c) => `"${c}"`).join(', ');
  const names = NAME_COLUMNS[table.name] ?? [];
  const nameAt = table.columns.map((c) => names.includes(c));
  const select = table.columns.map((c, i) => (nameAt[i] ? `${nameColumn(source, `"${c}"`)} AS "${c}"` : `"${c}"`)).join(', ');
  const rows = source.prepare(`SELECT ${select} FROM "${table.name}"`).raw(true).safeIntegers(true).iterate() as IterableIterator<unknown[]>;
  const toServer = (r: unknown[]): unknown[] =>
    names.length ? r.map((v, i) => (nameAt[i] && v !== null ? storedName(target, readStoredName(source, v)) : v)) : r;
  function* chunks(): Generator<string> {
    let text = '';
    let n = 0;
    for (const r of rows) {
      text += copyRow(toServer(r));
      if (++n % ROWS_PER_CHUNK === 0) {
        yield text;
        text = '';
        onRows?.(n);
      }
    }
    if (text) yield text;
    onRows?.(n);
  }
  return target.copyFrom(`COPY "${table.name}" (${cols}) FROM STDIN`, chunks());
}

/**
 * After rows arrived with their own ids: move every identity column's sequence past the highest
 * id, so the next row the server numbers does not collide with a copied one.
 */
export function advanceIdentities(target: PgDatabase): void {
  const identities = target
    .prepare(
      `SELECT table_name AS t, column_name AS c FROM information_schema.columns
       WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name`,
    )
    .all() as Array<{ t: string; c: string }>;
  for (const { t, c } of identities) {
    target.prepare(`SELECT setval(pg_get_serial_sequence(CAST(? AS TEXT), CAST(? AS TEXT)), coalesce((SELECT max("${c}") FROM "${t}"), 0) + 1, false)`).get(t, c);
  }
}

/** Rows per table, for the tables given. */
export function countRows(db: { prepare(sql: string): { pluck(): { get(): unknown } } }, tables: StoreTable[]): Map<string, number> {
  return new Map(tables.map((t) => [t.name, Number(db.prepare(`SELECT count(*) FROM "${t.name}"`).pluck().get())]));
}
