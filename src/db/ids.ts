/**
 * Ids chosen by payrecon rather than by SQLite: signed rows (baselines, scans) are MACed with
 * their id, so the id is known before the row is written. Call inside the write transaction.
 */
import type { DB } from './open.js';

export type IdTable = 'baselines' | 'scans';

export function nextId(db: DB, table: IdTable): number {
  return (db.prepare(`SELECT coalesce(max(id), 0) + 1 AS n FROM ${table}`).get() as { n: number }).n;
}
