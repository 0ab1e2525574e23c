/**
 * HMAC-SHA-256 over canonical serialisations (JSON arrays of strings and numbers, so field
 * boundaries are unambiguous). Every stored baseline entry, baseline record, scan and finding
 * carries such a MAC; a row changed, added, deleted or moved between baselines outside payrecon
 * no longer verifies. Pure: the key comes in as bytes, nothing touches the disk.
 */
import { createHash } from 'node:crypto';
import { canonicalValues, type FileRecord } from './attributes.js';
import { kindOfKeyId, type Canonical } from './keys.js';

export { canSign, checkSignature, ed25519Key, mac, macEquals, sign, signingKey, VerifyOnlyKeyError, type Canonical, type SigningKey } from './keys.js';

/** The signed form of one baseline entry: bound to its baseline (id and generation) and path. */
export function entryCanonical(baselineId: number, generation: number, rec: FileRecord): Canonical {
  return ['entry', baselineId, generation, rec.path, ...canonicalValues(rec)];
}

/** A digest over MACs in the given order (callers sort by path or sequence first). */
export function digestOfMacs(macs: Iterable<string>): string {
  const h = createHash('sha256');
  for (const m of macs) h.update(m).update('\n');
  return h.digest('hex');
}

/** The fields of a baseline record that its MAC covers. */
export interface BaselineSigned {
  id: number;
  name: string;
  spec: string;
  created_at: string;
  updated_at: string;
  generation: number;
  entry_count: number;
  entries_digest: string;
  key_id: string;
  last_scan_id: number | null;
  last_scan_mac: string | null;
  /** The newest checkpoint of the scan chain (null before the first). */
  checkpoint_id: number | null;
  checkpoint_mac: string | null;
}

/**
 * What the baseline record's signature covers. An HMAC record also covers the history pointers
 * (newest scan, newest checkpoint; the checkpoint only once there is one, so records signed
 * before checkpoints existed still verify). An Ed25519 record covers the baseline alone: a
 * verify-only host cannot sign it again after each scan, so the pointers are sealed apart
 * (`headCanonical`).
 */
export function baselineCanonical(b: BaselineSigned): Canonical {
  if (kindOfKeyId(b.key_id) === 'ed25519') {
    return ['baseline-ed25519', b.id, b.name, b.spec, b.created_at, b.updated_at, b.generation, b.entry_count, b.entries_digest, b.key_id];
  }
  const checkpoint = b.checkpoint_id === null ? [] : [b.checkpoint_id, b.checkpoint_mac];
  return [
    'baseline',
    b.id,
    b.name,
    b.spec,
    b.created_at,
    b.updated_at,
    b.generation,
    b.entry_count,
    b.entries_digest,
    b.key_id,
    b.last_scan_id,
    b.last_scan_mac,
    ...checkpoint,
  ];
}

/** The history pointers of an Ed25519 baseline, sealed with `mac` into `baselines.head_mac`. */
export function headCanonical(b: BaselineSigned): Canonical {
  return ['head', b.id, b.key_id, b.generation, b.last_scan_id, b.last_scan_mac, b.checkpoint_id, b.checkpoint_mac];
}

/** The fields of a scan record that its MAC covers; `prev_mac` chains a baseline's scans. */
export interface ScanSigned {
  id: number;
  baseline_id: number;
  generation: number;
  started_at: string;
  finished_at: string;
  fail_on: string | null;
  exit_code: number;
  counts: string;
  finding_count: number;
  findings_digest: string;
  prev_mac: string | null;
  /** 1: findings stored per scan; 2: changes stored (see src/checksums/history.ts). */
  format?: number;
  change_count?: number;
  changes_digest?: string | null;
}

export function scanCanonical(s: ScanSigned): Canonical {
  if (s.format === 2) {
    // finding_count/findings_digest: the findings open after this scan; change_count/changes_digest: what changed.
    const { id, baseline_id, generation, started_at, finished_at, fail_on, exit_code, counts, finding_count, findings_digest } = s;
    const fields = [id, baseline_id, generation, started_at, finished_at, fail_on, exit_code, counts, finding_count, findings_digest];
    return ['scan2', ...fields, s.change_count ?? 0, s.changes_digest ?? null, s.prev_mac];
  }
  return [
    'scan',
    s.id,
    s.baseline_id,
    s.generation,
    s.started_at,
    s.finished_at,
    s.fail_on,
    s.exit_code,
    s.counts,
    s.finding_count,
    s.findings_digest,
    s.prev_mac,
  ];
}

/** The fields of one stored finding that its MAC covers. */
export interface FindingSigned {
  scan_id: number;
  seq: number;
  path: string;
  kind: string;
  attributes: string | null;
  severity: string;
  reason: string | null;
  first_seen_scan: number;
}

export function findingCanonical(f: FindingSigned): Canonical {
  return ['finding', f.scan_id, f.seq, f.path, f.kind, f.attributes, f.severity, f.reason, f.first_seen_scan];
}
