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
import { UsageError } from '../errors.js';
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

/**
 * The chain's hashes and links walked from the first entry to the head, without a key: cheap
 * enough for every report (one SHA-256 per entry), it catches an edited or deleted entry. MACs
 * and the replay against the tables are `audit verify`'s.
 */
export function checkAuditChain(db: DB): { ok: boolean; broken?: { id: number; reason: string } } {
  const c = verifyChain(iterateAudit(db), readAuditHead(db), null);
  return c.ok ? { ok: true } : { ok: false, broken: c.broken };
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
}

const HEX = /^[0-9a-f]{64}$/;

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
    return { ok: chain.ok && differences.length === 0 && (expectHead?.found ?? true), chain, keyGiven: key !== null, expectHead, differences };
  })();
}
