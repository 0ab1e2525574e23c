/**
 * The audit log as evidence, composed: which key seals a database's entries, the anchor printed
 * with every result, and `audit verify` (chain, MACs, head, expected head, and the replay of the
 * log against the tables). Rules: src/checksums/audit-chain.ts and audit-projection.ts; storage:
 * src/db/audit.ts.
 */
import { chainHash, verifyChain, type AuditEntry, type ChainVerification } from '../checksums/audit-chain.js';
import { compareProjection, replayAudit } from '../checksums/audit-projection.js';
import { keyFilePath, loadKeyFile } from '../checksums/key-file.js';
import type { SigningKey } from '../checksums/signing.js';
import { iterateAudit, latestAudit, readAuditHead, readStoredState, setAuditKeySource } from '../db/audit.js';
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

/** What a report says about the chain: walked whole, or (a long log) its newest entries. */
export interface AuditChainCheck {
  ok: boolean;
  /** How many of the newest entries were walked (all of them, or the tail of a long log). */
  checked: number;
  broken?: { id: number; reason: string };
}

// A report walks the whole chain up to this many entries (one SHA-256 each: under a second on
// a busy 2-core machine), and beyond it the newest CHAIN_TAIL entries and the head record: a
// 200,000-entry log took 8 s to walk, too slow for every report. `audit verify` walks it all.
const CHAIN_WALK_LIMIT = 20_000;
const CHAIN_TAIL = 2_000;

/**
 * The chain's hashes and links walked without a key, ending at the head record: it catches
 * an edited or deleted entry. MACs and the replay against the tables are `audit verify`'s.
 */
export function checkAuditChain(db: DB, limits = { walk: CHAIN_WALK_LIMIT, tail: CHAIN_TAIL }): AuditChainCheck {
  const head = readAuditHead(db);
  if (!head || head.entries <= limits.walk) {
    const c = verifyChain(iterateAudit(db), head, null);
    return c.ok ? { ok: true, checked: c.entries } : { ok: false, checked: c.entries, broken: c.broken };
  }
  const tail = latestAudit(db, limits.tail);
  const last = tail.at(-1);
  if (!last || last.id !== head.entries || last.hash !== head.hash) {
    const newest = last ? `the newest entry is ${last.id}` : 'there are none';
    return { ok: false, checked: 0, broken: { id: head.entries, reason: `the head record says ${head.entries} entries, ${newest}${last && last.id < head.entries ? ' (newest entries deleted?)' : ''}` } };
  }
  for (let i = 0; i < tail.length; i++) {
    const e = tail[i];
    const { hash, mac: _m, ...rest } = e;
    const expectId = head.entries - tail.length + 1 + i;
    if (e.id !== expectId) return { ok: false, checked: i, broken: { id: expectId, reason: `entry ${expectId} is missing (deleted?)` } };
    if (i > 0 && e.prev_hash !== tail[i - 1].hash) return { ok: false, checked: i, broken: { id: e.id, reason: 'its link to the previous entry does not match' } };
    if (chainHash(rest) !== hash) return { ok: false, checked: i, broken: { id: e.id, reason: 'its content was altered after it was written' } };
  }
  return { ok: true, checked: tail.length };
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
  return db.transaction(() => verifyAuditStore(db, key, expect))();
}

/**
 * `audit verify` on one store, inside the caller's transaction: the chain (with MACs when `key`
 * is given), its head, the tables replayed from the log, every baseline when `key` is given,
 * and `expect` (a lower-case head hash) when given. `db migrate-to` checks a copy with it.
 */
export function verifyAuditStore(db: DB, key: SigningKey | null, expect?: string): AuditVerifyResult {
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
}
