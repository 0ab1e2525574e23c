/**
 * The rules of the audit log as evidence. Each entry's chain hash covers its fields and the
 * previous entry's hash; with a key configured each entry also carries an HMAC of its hash, and
 * a head record (entry count and newest hash) carries an HMAC too, so an editor of the database
 * who lacks the key can neither rewrite entries nor drop the newest ones. The head hash and count
 * are printed in every --json output and report, so a copy kept elsewhere anchors the log even
 * without a key (`audit verify --expect-head`). Pure: the key comes in as bytes.
 */
import { createHash } from 'node:crypto';
import { TamperError, UsageError } from '../errors.js';
import { canSign, checkSignature, sign, type SigningKey } from './signing.js';

export const AUDIT_GENESIS = '0'.repeat(64);

/** One stored entry. `key_id`/`mac` are null for entries written without a key. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  details: string;
  prev_hash: string;
  hash: string;
  key_id: string | null;
  mac: string | null;
}

/** The head record: how many entries there are and the newest hash, signed when keyed. */
export interface AuditHead {
  entries: number;
  hash: string;
  key_id: string | null;
  mac: string | null;
}

export type AuditDraft = Omit<AuditEntry, 'id' | 'prev_hash' | 'hash' | 'key_id' | 'mac'>;

/** The chain hash. Entries written before keys existed (key_id null) keep their old form. */
export function chainHash(e: Omit<AuditEntry, 'hash' | 'mac'>): string {
  const fields: Array<string | number> = [e.id, e.at, e.actor, e.action, e.subject, e.details, e.prev_hash];
  if (e.key_id !== null) fields.push(e.key_id);
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

// Sealed like a baseline record: HMAC, or an Ed25519 signature (so a host holding only the
// public key can check the log but not write it).
const entryMac = (key: SigningKey, id: number, hash: string) => sign(key, ['audit-entry', id, hash]);
const headMac = (key: SigningKey, entries: number, hash: string) => sign(key, ['audit-head', entries, hash]);
const entryVerifies = (key: SigningKey, id: number, hash: string, m: string | null) => checkSignature(key, ['audit-entry', id, hash], m);
const headVerifies = (key: SigningKey, entries: number, hash: string, m: string | null) => checkSignature(key, ['audit-head', entries, hash], m);

const keyHint = 'pass --key-file <path> or set PAYRECON_KEY_FILE to the key this database was written with';

/**
 * The next entry and head after `head` (undefined: empty log). A log that was ever keyed stays
 * keyed: writing to it without the key, or with another key, is refused rather than weakening it.
 */
export function sealEntry(key: SigningKey | null, draft: AuditDraft, head: AuditHead | undefined): { entry: AuditEntry; head: AuditHead } {
  if (head?.key_id && !key) {
    throw new UsageError(`the audit log of this database is keyed (key id ${head.key_id}) and no key is configured; nothing was written`, keyHint);
  }
  if (head?.key_id && key && head.key_id !== key.id) {
    throw new TamperError(`the audit log is keyed with key id ${head.key_id}, the key given has id ${key.id}; nothing was written`, keyHint);
  }
  if (key && !canSign(key)) {
    throw new UsageError(
      `the key given (key id ${key.id}) is an Ed25519 public key: it can verify the audit log but not write to it; nothing was written`,
      'pass the private key (or the HMAC key) this database is written with',
    );
  }
  const id = (head?.entries ?? 0) + 1;
  const base = { ...draft, id, prev_hash: head?.hash ?? AUDIT_GENESIS, key_id: key?.id ?? null };
  const hash = chainHash(base);
  const entry: AuditEntry = { ...base, hash, mac: key ? entryMac(key, id, hash) : null };
  return { entry, head: { entries: id, hash, key_id: entry.key_id, mac: key ? headMac(key, id, hash) : null } };
}

export interface ChainVerification {
  ok: boolean;
  entries: number;
  head: string;
  /** The key id the log is keyed with, or null when no entry is keyed. */
  keyId: string | null;
  /** Whether MACs were checked (a key was given and the log is keyed with it). */
  macsChecked: boolean;
  /** Entries written before the log was first keyed (their content is fixed by the first keyed entry). */
  unkeyedBefore: number;
  broken?: { id: number; reason: string };
}

/**
 * Walk the chain from the first entry, then hold the head record against the newest entry.
 * `rows` in id order. With a key, a log keyed with it must carry a valid MAC on every entry
 * from the first keyed one on and on its head: deleting the newest entries, or stripping keys,
 * fails. Stops at the first failure.
 */
export function verifyChain(rows: Iterable<AuditEntry>, head: AuditHead | undefined, key: SigningKey | null): ChainVerification {
  let prev = AUDIT_GENESIS;
  let n = 0;
  let keyId: string | null = null;
  let unkeyedBefore = 0;
  const result = (broken?: { id: number; reason: string }): ChainVerification => ({
    ok: !broken,
    entries: n,
    head: prev,
    keyId,
    macsChecked: key !== null && keyId === key.id,
    unkeyedBefore,
    broken,
  });
  for (const row of rows) {
    n++;
    if (row.id !== n) return result({ id: row.id, reason: `entry ${n} is missing (deleted?)` });
    if (row.prev_hash !== prev) return result({ id: row.id, reason: 'its link to the previous entry does not match' });
    const { hash, mac: m, ...rest } = row;
    if (chainHash(rest) !== hash) return result({ id: row.id, reason: 'its content was altered after it was written' });
    if (row.key_id === null) {
      if (keyId !== null) return result({ id: row.id, reason: `it carries no key although entries before it are keyed (key id ${keyId})` });
      unkeyedBefore++;
    } else {
      if (keyId !== null && row.key_id !== keyId) return result({ id: row.id, reason: `it names key id ${row.key_id}, earlier entries ${keyId}` });
      keyId = row.key_id;
      if (key && key.id !== keyId) return result({ id: row.id, reason: `it is keyed with key id ${keyId}, the key given has id ${key.id}` });
      if (key && !entryVerifies(key, row.id, hash, m)) return result({ id: row.id, reason: 'its MAC does not verify under the key (rewritten?)' });
    }
    prev = hash;
  }
  const at = n + 1;
  if (n === 0 && !head) return result();
  // An editor without the key can strip every MAC and recompute the chain: a log that reads as
  // never keyed while a key is configured is not trusted. (A database older than keyed logs
  // reads the same until its first entry written with the key.)
  if (key && keyId === null) {
    return result({
      id: 1,
      reason:
        'no entry is keyed although a key is configured: every MAC was stripped, or nothing was written with this key yet ' +
        '(then record one entry with it: any import, reconcile, resolve or baseline command)',
    });
  }
  if (!head) return result({ id: at, reason: 'the head record is missing (deleted?)' });
  if (head.entries !== n || head.hash !== prev) {
    return result({
      id: Math.min(head.entries, n) + 1,
      reason: `the head record says ${head.entries} entries ending in ${head.hash.slice(0, 16)}…, the log has ${n}${head.entries > n ? ' (newest entries deleted?)' : ''}`,
    });
  }
  if (keyId !== null && head.key_id !== keyId) return result({ id: at, reason: 'the head record carries no key although the log is keyed' });
  if (key && keyId !== null && !headVerifies(key, head.entries, head.hash, head.mac)) {
    return result({ id: at, reason: 'the head record MAC does not verify under the key (entries deleted or replayed?)' });
  }
  return result();
}
