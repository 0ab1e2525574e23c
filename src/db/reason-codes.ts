/**
 * Write-off reason codes a team defines (`payrecon reasons add`), with a few defaults from
 * migration 008. A write-off names one; reports total written-off amounts per code.
 */
import { appendAudit } from './audit.js';
import { formatMinor } from '../domain/money.js';
import type { DB } from './open.js';
import type { WrittenOffTotal } from '../domain/discrepancy.js';

export interface ReasonCode {
  code: string;
  description: string;
  created_by: string;
  created_at: string;
}

/** Lower-case letters, digits and underscores, starting with a letter: safe in CSV, URLs and shells. */
export const REASON_CODE_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;

export function listReasonCodes(db: DB): ReasonCode[] {
  return db.prepare('SELECT code, description, created_by, created_at FROM reason_codes ORDER BY code').all() as ReasonCode[];
}

export function reasonCodeExists(db: DB, code: string): boolean {
  return db.prepare('SELECT 1 FROM reason_codes WHERE code = ?').get(code) !== undefined;
}

/** Add a code (audited `reason_add`); false when it already exists (nothing written). */
export function addReasonCode(db: DB, r: { code: string; description: string; by: string; at: string }): boolean {
  return db.transaction(() => {
    if (reasonCodeExists(db, r.code)) return false;
    db.prepare('INSERT INTO reason_codes (code, description, created_by, created_at) VALUES (?, ?, ?, ?)').run(r.code, r.description, r.by, r.at);
    appendAudit(db, { action: 'reason_add', subject: `reason ${r.code}`, details: { description: r.description }, actor: r.by, at: r.at });
    return true;
  }).immediate();
}


/** Written-off items to date per reason and currency (reports show them whatever run they report). */
export function writtenOffTotals(db: DB): WrittenOffTotal[] {
  const rows = db
    .prepare(
      `SELECT coalesce(reason_code, '') AS reason, coalesce(currency, '') AS currency, count(*) AS n, coalesce(sum(difference_minor), 0) AS amt
       FROM discrepancies WHERE status = 'written_off' GROUP BY 1, 2 ORDER BY 1, 2`,
    )
    .safeIntegers(true)
    .all() as Array<{ reason: string; currency: string; n: bigint; amt: bigint }>;
  return rows.map((r) => ({ reason: r.reason, currency: r.currency, count: Number(r.n), amount: r.currency ? formatMinor(r.amt, r.currency) : '' }));
}
