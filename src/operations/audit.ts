/**
 * The audit log as evidence, composed: which key seals a database's entries, the anchor printed
 * with every result, and `audit verify` (chain, MACs, head, expected head, and the replay of the
 * log against the tables). Rules: src/checksums/audit-chain.ts and audit-projection.ts; storage:
 * src/db/audit.ts.
 */
import { verifyChain, type AuditEntry, type ChainVerification } from '../checksums/audit-chain.js';
import { compareProjection, replayAudit } from '../checksums/audit-projection.js';
import { keyFilePath, loadKeyFile } from '../checksums/key-file.js';
import type { SigningKey } from '../checksums/signing.js';
import { iterateAudit, readAuditHead, readStoredState, setAuditKeySource } from '../db/audit.js';
import type { DB } from '../db/open.js';
import type { AuditAnchor } from '../domain/audit.js';
import { TamperError, UsageError } from '../errors.js';
import { listBaselineRows } from '../db/integrity.js';
import { loadVerifiedBaseline } from './scan-history.js';
import type { OperationContext } from './context.js';

/** The key from `--key-file`, else `$PAYRECON_KEY_FILE`, else none (the audit log is unkeyed then). */
export function optionalKey(option: string | undefined, env: NodeJS.ProcessEnv, cwd: string): SigningKey | null {
  if (option === undefined && !env.PAYRECON_KEY_FILE) return null;
  return loadKeyFile(keyFilePath(option, env, cwd));
}

/**
 * Seal this connection's audit entries with the configured key, loaded at the first append
 * (a command that writes no entry never reads the key file).
 */
export function attachAuditKey(db: DB, env: NodeJS.ProcessEnv, cwd: string, option?: string): void {
  let key: SigningKey | null | undefined;
  setAuditKeySource(db, () => (key === undefined ? (key = optionalKey(option, env, cwd)) : key));
}

/** Seal with a key already loaded (baseline commands load theirs first). */
export function useAuditKey(db: DB, key: SigningKey): void {
  setAuditKeySource(db, () => key);
}

/**
 * The anchor printed with every result: the entry count and newest hash. Kept outside the
 * database (CI logs, ticket, mail), it is what `audit verify --expect-head` checks against.
 */

export function auditAnchor(db: DB): AuditAnchor {
  const h = readAuditHead(db);
  return { entries: h?.entries ?? 0, head: h?.hash ?? null, keyed: Boolean(h?.key_id) };
}

export interface AuditVerifyResult {
  ok: boolean;
  chain: ChainVerification;
  /** Whether a key was configured for this verification. */
  keyGiven: boolean;
  /** `--expect-head` given and not found in the log. */
  expectHead?: { given: string; found: boolean; at?: number };
  /** Differences between the state the log derives and the tables. */
  differences: string[];
  /**
   * Each baseline verified whole (record, entries, every kept scan, checkpoint and finding
   * change); null when no key was given (nothing can be checked without one).
   */
  baselines: Array<{ name: string; ok: boolean; failure?: string }> | null;
}

const HEX = /^[0-9a-f]{64}$/;

function verifyBaselines(db: DB, key: SigningKey): NonNullable<AuditVerifyResult['baselines']> {
  return listBaselineRows(db).map((b) => {
    try {
      loadVerifiedBaseline(db, key, b, true);
      return { name: b.name, ok: true };
    } catch (err) {
      if (!(err instanceof TamperError)) throw err;
      return { name: b.name, ok: false, failure: err.message };
    }
  });
}

export function verifyAuditLog(ctx: OperationContext, opts: { keyFile?: string; expectHead?: string }): AuditVerifyResult {
  const expect = opts.expectHead?.toLowerCase();
  if (expect !== undefined && !HEX.test(expect)) {
    throw new UsageError(`--expect-head must be a 64-digit hex hash (the "head" of an earlier output), got "${opts.expectHead}"`);
  }
  const key = optionalKey(opts.keyFile, ctx.env, ctx.cwd);
  const db = ctx.db();
  // One read transaction: the chain, the head and the tables are one snapshot.
  return db.transaction(() => {
    let expectAt: number | undefined;
    const entries: Array<Pick<AuditEntry, 'id' | 'at' | 'actor' | 'action' | 'subject' | 'details'>> = [];
    const chain = verifyChain(
      (function* () {
        for (const e of iterateAudit(db)) {
          if (expect !== undefined && e.hash === expect) expectAt = e.id;
          entries.push({ id: e.id, at: e.at, actor: e.actor, action: e.action, subject: e.subject, details: e.details });
          yield e;
        }
      })(),
      readAuditHead(db),
      key,
    );
    const differences = chain.ok ? compareProjection(replayAudit(entries), readStoredState(db)) : [];
    const expectHead = expect === undefined ? undefined : { given: expect, found: expectAt !== undefined, at: expectAt };
    const baselines = key ? verifyBaselines(db, key) : null;
    const ok = chain.ok && differences.length === 0 && (expectHead?.found ?? true) && (baselines ?? []).every((b) => b.ok);
    return { ok, chain, keyGiven: key !== null, expectHead, differences, baselines };
  })();
}
