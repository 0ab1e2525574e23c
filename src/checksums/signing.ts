/**
 * HMAC-SHA-256 over canonical serialisations (JSON arrays of strings and numbers, so field
 * boundaries are unambiguous). Every stored baseline entry, baseline record, scan and finding
 * carries such a MAC; a row changed, added, deleted or moved between baselines outside payrecon
 * no longer verifies. Pure: the key comes in as bytes, nothing touches the disk.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalValues, type FileRecord } from './attributes.js';

/** An HMAC key and a short fingerprint of it (safe to store: it reveals nothing of the key). */
export interface SigningKey {
  bytes: Buffer;
  /** HMAC of a fixed label: tells "signed with another key" apart from "altered". */
  id: string;
}

export function signingKey(bytes: Buffer): SigningKey {
  const id = createHmac('sha256', bytes).update('payrecon key id v1').digest('hex').slice(0, 16);
  return { bytes, id };
}

export type Canonical = ReadonlyArray<string | number | null>;

export function mac(key: SigningKey, parts: Canonical): string {
  return createHmac('sha256', key.bytes).update(JSON.stringify(parts)).digest('hex');
}

/** Constant-time comparison of two hex MACs. */
export function macEquals(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

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
}

export function baselineCanonical(b: BaselineSigned): Canonical {
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
  ];
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
}

export function scanCanonical(s: ScanSigned): Canonical {
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
