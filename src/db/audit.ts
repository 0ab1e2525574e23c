/**
 * The append-only audit log. Each entry's hash covers its own fields and the previous entry's
 * hash, so an entry edited, inserted or deleted directly in SQLite breaks the chain at that
 * point and `payrecon audit verify` names it.
 */
import { createHash } from 'node:crypto';
import { userInfo } from 'node:os';
import type { DB } from './open.js';

export interface AuditEntryInput {
  action: string; // e.g. import, reconcile, resolve, auto_close, baseline_init, baseline_update
  subject: string; // what it acted on: a file, a run id, a discrepancy id, a baseline name
  details?: unknown; // small JSON: counts, notes; never secrets or monitored content
  actor?: string;
  at?: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  details: string;
  prev_hash: string;
  hash: string;
}

const GENESIS = '0'.repeat(64);

export function defaultActor(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PAYRECON_ACTOR) return env.PAYRECON_ACTOR;
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? 'unknown';
  }
}

function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  const canonical = JSON.stringify([e.id, e.at, e.actor, e.action, e.subject, e.details, e.prev_hash]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** Append one entry; call inside the transaction that did the audited work. */
export function appendAudit(db: DB, input: AuditEntryInput): AuditEntry {
  const last = db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as
    | { id: number; hash: string }
    | undefined;
  const entry: Omit<AuditEntry, 'hash'> = {
    id: (last?.id ?? 0) + 1,
    at: input.at ?? new Date().toISOString(),
    actor: input.actor ?? defaultActor(),
    action: input.action,
    subject: input.subject,
    details: JSON.stringify(input.details ?? {}),
    prev_hash: last?.hash ?? GENESIS,
  };
  const full: AuditEntry = { ...entry, hash: entryHash(entry) };
  db.prepare(
    'INSERT INTO audit_log (id, at, actor, action, subject, details, prev_hash, hash) VALUES (@id, @at, @actor, @action, @subject, @details, @prev_hash, @hash)',
  ).run(full);
  return full;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** The first entry that does not verify, and why. */
  broken?: { id: number; reason: string };
}

/** Walk the chain from the first entry; stop at the first that does not verify. */
export function verifyAudit(db: DB): AuditVerification {
  let prev = GENESIS;
  let expectedId = 1;
  let n = 0;
  for (const row of db.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as Iterable<AuditEntry>) {
    n++;
    if (row.id !== expectedId) {
      return { ok: false, entries: n, broken: { id: row.id, reason: `entry ${expectedId} is missing (deleted?)` } };
    }
    if (row.prev_hash !== prev) {
      return { ok: false, entries: n, broken: { id: row.id, reason: 'its link to the previous entry does not match' } };
    }
    const { hash, ...rest } = row;
    if (entryHash(rest) !== hash) {
      return { ok: false, entries: n, broken: { id: row.id, reason: 'its content was altered after it was written' } };
    }
    prev = hash;
    expectedId++;
  }
  return { ok: true, entries: n };
}
