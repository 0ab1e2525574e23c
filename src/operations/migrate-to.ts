/**
 * `payrecon db migrate-to postgres://...` (issue 16): a team moving its SQLite store onto a
 * server. The copy is one transaction on the server, checked before it commits: the source must
 * verify first (its audit chain, its tables against the log, and with a key its MACs and every
 * baseline's signatures), then every table is copied, and the copy must verify the same way,
 * with the same head and the same row counts. Anything less rolls back: the server is as it
 * was, and the SQLite file is never written.
 */
import { loadKeyFile, keyFilePath } from '../checksums/key-file.js';
import { advanceIdentities, copyTable, countRows, storeTables } from '../db/copy-store.js';
import { beginWrite, sqliteOf } from '../db/open.js';
import { PgDatabase } from '../db/pg/database.js';
import { isPostgresTarget, openStore, storeDisplay } from '../db/store.js';
import { TamperError, UsageError, DatabaseError } from '../errors.js';
import { verifyAuditStore, type AuditVerifyResult } from './audit.js';
import type { OperationContext } from './context.js';

export interface MigrateToResult {
  source: string;
  target: string;
  tables: Array<{ name: string; rows: number }>;
  audit: { entries: number; head: string | null; macs_checked: boolean };
  /** Baselines whose signatures verified on arrival; null when no key was given. */
  baselines: string[] | null;
}

function failure(what: string, v: AuditVerifyResult): string {
  if (!v.chain.ok) return `${what}: audit chain broken at entry ${v.chain.broken?.id}: ${v.chain.broken?.reason}`;
  if (v.differences.length) return `${what}: the tables differ from the audit log: ${v.differences.slice(0, 3).join('; ')}`;
  const b = (v.baselines ?? []).find((x) => !x.ok);
  return b ? `${what}: baseline ${b.name} does not verify: ${b.failure}` : `${what} does not verify`;
}

export function migrateTo(ctx: OperationContext, url: string, opts: { keyFile?: string; onTable?: (name: string, rows: number) => void }): MigrateToResult {
  if (!isPostgresTarget(url)) throw new UsageError(`db migrate-to: ${storeDisplay(url)} is not a postgres:// URL`, 'give the server as postgres://user@host:5432/dbname');
  const source = sqliteOf(ctx.db());
  if (!source) throw new UsageError(`db migrate-to copies a SQLite store; --db ${ctx.dbPath} is already on PostgreSQL`);
  const key = opts.keyFile !== undefined || ctx.env.PAYRECON_KEY_FILE ? loadKeyFile(keyFilePath(opts.keyFile, ctx.env, ctx.cwd)) : null;
  const tables = storeTables(source);
  // The source, as one snapshot: verified, counted, then read table by table.
  source.exec('BEGIN');
  try {
    const before = verifyAuditStore(source, key);
    if (!before.ok) throw new TamperError(failure(`${ctx.dbPath}`, before), 'nothing was copied: find out who changed the store before moving it');
    const counts = countRows(source, tables);
    const target = openStore(url) as PgDatabase;
    try {
      return copyInto(target, source, tables, counts, before, key, ctx, opts);
    } finally {
      target.close();
    }
  } finally {
    source.exec('ROLLBACK');
  }
}

function copyInto(
  target: PgDatabase,
  source: NonNullable<ReturnType<typeof sqliteOf>>,
  tables: ReturnType<typeof storeTables>,
  counts: Map<string, number>,
  before: AuditVerifyResult,
  key: Parameters<typeof verifyAuditStore>[1],
  ctx: OperationContext,
  opts: { onTable?: (name: string, rows: number) => void },
): MigrateToResult {
  beginWrite(target);
  try {
    // A fresh schema holds only the reason codes every store starts with; anything else means
    // the server already has a store of its own, which a copy must not merge into.
    const occupied = [...countRows(target, tables)].filter(([t, n]) => n > 0 && t !== 'reason_codes' && t !== 'payrecon_schema');
    if (occupied.length) {
      throw new DatabaseError(
        `${target.server} already holds a payrecon store (${occupied.map(([t, n]) => `${t}: ${n} rows`).slice(0, 3).join(', ')})`,
        'migrate into a new, empty database (createdb), never into one in use',
      );
    }
    target.exec('DELETE FROM reason_codes');
    const copied: MigrateToResult['tables'] = [];
    for (const t of tables) {
      ctx.checkInterrupted();
      const rows = copyTable(source, target, t);
      opts.onTable?.(t.name, rows);
      copied.push({ name: t.name, rows });
    }
    advanceIdentities(target);
    const arrived = countRows(target, tables);
    const short = tables.filter((t) => arrived.get(t.name) !== counts.get(t.name));
    if (short.length) {
      throw new DatabaseError(`the copy is incomplete: ${short.map((t) => `${t.name} ${arrived.get(t.name)} of ${counts.get(t.name)} rows`).join(', ')}; nothing was kept`);
    }
    const after = verifyAuditStore(target, key, before.chain.head || undefined);
    if (!after.ok || after.chain.head !== before.chain.head) {
      throw new TamperError(failure(`the copy on ${target.server}`, after), 'nothing was kept on the server; the SQLite store is unchanged');
    }
    target.exec('COMMIT');
    return {
      source: ctx.dbPath,
      target: target.server,
      tables: copied,
      audit: { entries: after.chain.entries, head: after.chain.head || null, macs_checked: after.chain.macsChecked },
      baselines: after.baselines ? after.baselines.map((b) => b.name) : null,
    };
  } catch (err) {
    if (target.inTransaction) target.exec('ROLLBACK');
    throw err;
  }
}
