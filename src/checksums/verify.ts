/**
 * Verifying what payrecon signed before trusting it: the baseline record, every entry, the
 * entry count and the digest over all entry MACs (so rows added, deleted, edited or moved in
 * from another baseline are caught), and the chain of scans with their findings. Pure: returns
 * the first failure in words (which baseline, which path or "entry count"), or null.
 */
import { comparePaths, type FileRecord } from './attributes.js';
import { kindOfKeyId } from './keys.js';
import {
  baselineCanonical,
  checkSignature,
  digestOfMacs,
  headCanonical,
  entryCanonical,
  findingCanonical,
  mac,
  macEquals,
  scanCanonical,
  type BaselineSigned,
  type FindingSigned,
  type ScanSigned,
  type SigningKey,
} from './signing.js';

export interface SignedEntry {
  record: FileRecord;
  mac: string;
}

const KIND_WORDS = { hmac: 'an HMAC key', ed25519: 'an Ed25519 key' } as const;

export function verifyBaselineRecord(key: SigningKey, b: BaselineSigned & { mac: string; head_mac?: string | null }): string | null {
  const stored = kindOfKeyId(b.key_id);
  if (stored !== key.kind) {
    // An Ed25519 baseline re-signed with an HMAC key is the forgery a verify-only host exists to stop.
    const what = key.kind === 'ed25519' ? ' (a downgrade: re-signed outside payrecon?)' : '';
    return `baseline "${b.name}" is signed with ${KIND_WORDS[stored]} (key id ${b.key_id}), this host verifies with ${KIND_WORDS[key.kind]} (key id ${key.id})${what}`;
  }
  if (b.key_id !== key.id) {
    return `baseline "${b.name}" was signed with a different key (key id ${b.key_id}, this key is ${key.id}); use the key file it was created with`;
  }
  if (!checkSignature(key, baselineCanonical(b), b.mac)) {
    return `baseline "${b.name}": its record (name, selection, entry count or scan history pointer) was altered outside payrecon`;
  }
  if (key.kind === 'ed25519' && !macEquals(mac(key, headCanonical(b)), b.head_mac ?? '')) {
    return `baseline "${b.name}": its scan history pointer was altered outside payrecon`;
  }
  return null;
}

export function verifyEntries(key: SigningKey, b: BaselineSigned, entries: SignedEntry[]): string | null {
  if (entries.length !== b.entry_count) {
    return `baseline "${b.name}": entry count: signed with ${b.entry_count} entries, the database holds ${entries.length} (rows added or deleted outside payrecon)`;
  }
  const sorted = isSorted(entries) ? entries : [...entries].sort((x, y) => comparePaths(x.record.path, y.record.path));
  for (const e of sorted) {
    if (!macEquals(mac(key, entryCanonical(b.id, b.generation, e.record)), e.mac)) {
      return `baseline "${b.name}": entry ${e.record.path} does not verify (altered outside payrecon)`;
    }
  }
  if (digestOfMacs(sorted.map((e) => e.mac)) !== b.entries_digest) {
    return `baseline "${b.name}": the set of entries does not match what was signed (rows replaced outside payrecon)`;
  }
  return null;
}

export interface SignedScan extends ScanSigned {
  mac: string;
  findings: Array<FindingSigned & { mac: string }>;
}

/** Walk a baseline's scans in id order: each MAC, its link to the previous, its findings. */
export function verifyScanChain(key: SigningKey, b: BaselineSigned, scans: SignedScan[]): string | null {
  let prev: string | null = null;
  for (const s of scans) {
    const where = `baseline "${b.name}": scan ${s.id}`;
    if (s.prev_mac !== prev) return `${where} does not follow the previous scan (scan history edited or deleted)`;
    if (!macEquals(mac(key, scanCanonical(s)), s.mac)) return `${where} was altered outside payrecon`;
    if (s.findings.length !== s.finding_count) {
      return `${where}: finding count: signed with ${s.finding_count}, the database holds ${s.findings.length}`;
    }
    for (const f of s.findings) {
      if (f.scan_id !== s.id || !macEquals(mac(key, findingCanonical(f)), f.mac)) {
        return `${where}: finding for ${f.path} was altered outside payrecon`;
      }
    }
    if (digestOfMacs(s.findings.map((f) => f.mac)) !== s.findings_digest) {
      return `${where}: its findings do not match what was signed`;
    }
    prev = s.mac;
  }
  const last = scans.length ? scans[scans.length - 1] : undefined;
  if ((last?.id ?? null) !== b.last_scan_id || (last?.mac ?? null) !== b.last_scan_mac) {
    return `baseline "${b.name}": scan history: the latest signed scan is ${b.last_scan_id ?? 'none'}, the database has ${last?.id ?? 'none'} (scans deleted or added outside payrecon)`;
  }
  return null;
}

function isSorted(entries: SignedEntry[]): boolean {
  for (let i = 1; i < entries.length; i++) if (comparePaths(entries[i - 1].record.path, entries[i].record.path) > 0) return false;
  return true;
}
