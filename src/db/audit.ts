/**
 * Storage of the audit log: entries, the head record, and the table state the log is replayed
 * against. Only storage: the chain and MAC rules are src/checksums/audit-chain.ts's; which key
 * seals a database's entries is decided by src/operations/audit.ts, which registers a key source
 * here (`setAuditKeySource`) when it opens the database. Without one, entries are unkeyed, and a
 * log that is already keyed refuses them.
 */
import { userInfo } from 'node:os';
import { sealEntry, type AuditEntry, type AuditHead } from '../checksums/audit-chain.js';
import type { StoredState, WorkflowRow } from '../checksums/audit-projection.js';
import type { SigningKey } from '../checksums/signing.js';
import type { DB } from './open.js';

export type { AuditEntry, AuditHead } from '../checksums/audit-chain.js';

export interface AuditEntryInput {
  action: string; // e.g. import, reconcile, resolve, auto_close, baseline_init, baseline_update
  subject: string; // what it acted on: a file, a run id, a discrepancy id, a baseline name
  details?: unknown; // small JSON: counts, notes; never secrets or monitored content
  actor?: string;
  at?: string;
}

export function defaultActor(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PAYRECON_ACTOR) return env.PAYRECON_ACTOR;
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? 'unknown';
  }
}

/** Where a connection's audit key comes from; called at each append (may throw: bad key file). */
export type AuditKeySource = () => SigningKey | null;
const keySources = new WeakMap<DB, AuditKeySource>();

export function setAuditKeySource(db: DB, source: AuditKeySource): void {
  keySources.set(db, source);
}

export function readAuditHead(db: DB): AuditHead | undefined {
  return db.prepare('SELECT entries, hash, key_id, mac FROM audit_head WHERE id = 1').get() as AuditHead | undefined;
}

/** Append one entry; call inside the transaction that did the audited work. */
export function appendAudit(db: DB, input: AuditEntryInput): AuditEntry {
  const key = keySources.get(db)?.() ?? null;
  const { entry, head } = sealEntry(
    key,
    {
      at: input.at ?? new Date().toISOString(),
      actor: input.actor ?? defaultActor(),
      action: input.action,
      subject: input.subject,
      details: JSON.stringify(input.details ?? {}),
    },
    readAuditHead(db),
  );
  db.prepare(
    `INSERT INTO audit_log (id, at, actor, action, subject, details, prev_hash, hash, key_id, mac)
     VALUES (@id, @at, @actor, @action, @subject, @details, @prev_hash, @hash, @key_id, @mac)`,
  ).run(entry);
  db.prepare(
    `INSERT INTO audit_head (id, entries, hash, key_id, mac) VALUES (1, @entries, @hash, @key_id, @mac)
     ON CONFLICT (id) DO UPDATE SET entries = @entries, hash = @hash, key_id = @key_id, mac = @mac`,
  ).run(head);
  return entry;
}

const ENTRY_COLUMNS = 'id, at, actor, action, subject, details, prev_hash, hash, key_id, mac';

/** Every entry, oldest first, row by row (the connection is busy until the iteration ends). */
export function iterateAudit(db: DB): IterableIterator<AuditEntry> {
  return db.prepare(`SELECT ${ENTRY_COLUMNS} FROM audit_log ORDER BY id`).iterate() as IterableIterator<AuditEntry>;
}

export function latestAudit(db: DB, limit: number): AuditEntry[] {
  return db.prepare(`SELECT * FROM (SELECT ${ENTRY_COLUMNS} FROM audit_log ORDER BY id DESC LIMIT ?) AS recent ORDER BY id`).all(limit) as AuditEntry[];
}

/** Whether any entry records a baseline (then "no baselines" means they were deleted). */
export function auditRecordsBaseline(db: DB, name?: string): boolean {
  const sql = `SELECT 1 FROM audit_log WHERE action = 'baseline_init'${name === undefined ? '' : ' AND subject = ?'} LIMIT 1`;
  return (name === undefined ? db.prepare(sql).get() : db.prepare(sql).get(name)) !== undefined;
}

/** The table state the log is replayed against. */
export function readStoredState(db: DB): StoredState {
  return {
    discrepancies: db.prepare('SELECT id, status, note, resolved_by, resolved_at FROM discrepancies ORDER BY id').all() as WorkflowRow[],
    baselines: db.prepare('SELECT name, generation FROM baselines ORDER BY name').all() as Array<{ name: string; generation: number }>,
    importIds: db.prepare('SELECT id FROM imports ORDER BY id').pluck().all() as number[],
    runIds: db.prepare('SELECT id FROM recon_runs ORDER BY id').pluck().all() as number[],
  };
}
