/**
 * The rules of a scan history that stays flat. A scan stores what changed (a finding opened or
 * closed) and signs a digest of the findings open after it, chained to the scan before it.
 * Signed checkpoints vouch for a scan of the chain: every 100 scans, and where `baseline prune`
 * dropped the scans before it. A scan verifies the chain from the newest checkpoint (a bounded
 * walk); `verifyFullHistory` walks everything that is kept. Pure: returns the first failure in
 * words (naming the scan, checkpoint or finding change), or null.
 */
import { createHash } from 'node:crypto';
import { mac, macEquals, scanCanonical, type BaselineSigned, type Canonical, type FindingSigned, type ScanSigned, type SigningKey } from './signing.js';

export const CHECKPOINT_EVERY = 100;

/** A finding as it is open after a scan (the scan's document lists these, in `seq` order): a stored finding without its scan. */
export type OpenFinding = Omit<FindingSigned, 'scan_id'>;

/** One change of a scan: a finding that opened or closed. */
export interface ChangeSigned extends Omit<OpenFinding, 'seq'> {
  scan_id: number;
  seq: number;
  op: 'open' | 'close';
}
export type ChangeRow = ChangeSigned & { mac: string };

/**
 * A reason is stored as SQLite text, which cannot hold a lone surrogate (a path byte that is not
 * UTF-8, escaped): what is signed is what the database will give back.
 */
const asStored = (text: string | null): string | null => (text === null ? null : Buffer.from(text, 'utf8').toString('utf8'));

export function changeCanonical(c: ChangeSigned): Canonical {
  return ['change', c.scan_id, c.seq, c.op, c.path, c.kind, c.attributes, c.severity, asStored(c.reason), c.first_seen_scan];
}

/** Digest of the open findings in order (signed inside the scan's MAC). */
export function openDigest(findings: Iterable<OpenFinding>): string {
  const h = createHash('sha256');
  for (const f of findings) h.update(JSON.stringify([f.path, f.kind, f.attributes, f.severity, asStored(f.reason), f.first_seen_scan])).update('\n');
  return h.digest('hex');
}

export interface CheckpointSigned {
  id: number;
  baseline_id: number;
  scan_id: number;
  scan_mac: string;
  created_at: string;
  pruned_before: number | null;
  scans_dropped: number;
  prev_mac: string | null;
}
export type CheckpointRow = CheckpointSigned & { mac: string };

export function checkpointCanonical(c: CheckpointSigned): Canonical {
  return ['checkpoint', c.id, c.baseline_id, c.scan_id, c.scan_mac, c.created_at, c.pruned_before, c.scans_dropped, c.prev_mac];
}

export interface HistoryScan extends ScanSigned {
  mac: string;
  changes: ChangeRow[];
}

type Baseline = BaselineSigned;

const missingCheckpoint = (b: Baseline) => `baseline "${b.name}": checkpoint ${b.checkpoint_id} of the scan history is missing (deleted outside payrecon)`;

/** One scan's own checks: its MAC and its changes (count, each seal, digest). */
function checkScan(key: SigningKey, b: Baseline, s: HistoryScan): string | null {
  const where = `baseline "${b.name}": scan ${s.id}`;
  if (s.format !== 2) return `${where} is stored in the old format next to new ones (history edited outside payrecon)`;
  if (s.baseline_id !== b.id || !macEquals(mac(key, scanCanonical(s)), s.mac)) return `${where} was altered outside payrecon`;
  if (s.changes.length !== s.change_count) {
    return `${where}: finding changes: signed with ${s.change_count}, the database holds ${s.changes.length} (deleted or added outside payrecon)`;
  }
  for (const c of s.changes) {
    if (c.scan_id !== s.id || !macEquals(mac(key, changeCanonical(c)), c.mac)) return `${where}: the change of the finding for ${c.path} was altered outside payrecon`;
  }
  const digest = createHash('sha256');
  for (const c of s.changes) digest.update(c.mac).update('\n');
  if (digest.digest('hex') !== s.changes_digest) return `${where}: its finding changes do not match what was signed`;
  return null;
}

function checkCheckpoint(key: SigningKey, b: Baseline, c: CheckpointRow): string | null {
  if (c.baseline_id !== b.id || !macEquals(mac(key, checkpointCanonical(c)), c.mac)) {
    return `baseline "${b.name}": checkpoint ${c.id} (at scan ${c.scan_id}) was altered outside payrecon`;
  }
  return null;
}

/** The newest scan is the one the baseline points at, and the open findings are what it signed. */
function checkHead(b: Baseline, last: HistoryScan | undefined, open: OpenFinding[]): string | null {
  if ((last?.id ?? null) !== b.last_scan_id || (last?.mac ?? null) !== b.last_scan_mac) {
    return `baseline "${b.name}": scan history: the latest signed scan is ${b.last_scan_id ?? 'none'}, the database has ${last?.id ?? 'none'} (scans deleted or added outside payrecon)`;
  }
  if (last && (open.length !== last.finding_count || openDigest(open) !== last.findings_digest)) {
    return `baseline "${b.name}": the open findings do not match what scan ${last.id} signed (altered outside payrecon)`;
  }
  return null;
}

/** Walk scans in id order from `prev`; a scan a checkpoint vouches for must be the one it signed. */
function walk(key: SigningKey, b: Baseline, scans: HistoryScan[], prev: string | null, vouched: Map<number, CheckpointRow>): string | null {
  for (const s of scans) {
    const c = vouched.get(s.id);
    if (s.prev_mac !== prev) return `baseline "${b.name}": scan ${s.id} does not follow the previous scan (scan history edited or deleted)`;
    const failure = checkScan(key, b, s);
    if (failure) return failure;
    if (c && s.mac !== c.scan_mac) return `baseline "${b.name}": scan ${s.id} is not the scan checkpoint ${c.id} signed (scan history edited)`;
    prev = s.mac;
  }
  return null;
}

/**
 * What a scan checks before it compares: the newest checkpoint, and the scans from the one it
 * vouches for to the newest (at most CHECKPOINT_EVERY + 1 of them). `scans` are those with
 * id >= checkpoint.scan_id (all of them when there is no checkpoint yet).
 */
export function verifyRecentHistory(key: SigningKey, b: Baseline, checkpoint: CheckpointRow | undefined, scans: HistoryScan[], open: OpenFinding[]): string | null {
  if (b.checkpoint_id !== null) {
    if (!checkpoint || checkpoint.id !== b.checkpoint_id) return missingCheckpoint(b);
    if (!macEquals(checkpoint.mac, b.checkpoint_mac ?? '')) return `baseline "${b.name}": checkpoint ${checkpoint.id} is not the one the baseline signed (replaced outside payrecon)`;
    const failure = checkCheckpoint(key, b, checkpoint);
    if (failure) return failure;
  }
  let rest = scans;
  let prev: string | null = null;
  if (checkpoint) {
    prev = checkpoint.scan_mac;
    // The vouched-for scan itself (still there unless pruned) links back past the checkpoint.
    if (scans[0]?.id === checkpoint.scan_id) {
      const failure = checkScan(key, b, scans[0]);
      if (failure) return failure;
      if (scans[0].mac !== checkpoint.scan_mac) return `baseline "${b.name}": scan ${scans[0].id} is not the scan checkpoint ${checkpoint.id} signed (scan history edited)`;
      rest = scans.slice(1);
    }
  }
  return walk(key, b, rest, prev, new Map()) ?? checkHead(b, scans.at(-1), open);
}

/**
 * Everything kept: the chain of checkpoints from the first, then every scan from the oldest
 * kept one (which follows the newest prune checkpoint, or starts the chain) to the newest.
 */
export function verifyFullHistory(key: SigningKey, b: Baseline, checkpoints: CheckpointRow[], scans: HistoryScan[], open: OpenFinding[]): string | null {
  if (b.checkpoint_id !== null && !checkpoints.some((c) => c.id === b.checkpoint_id)) return missingCheckpoint(b);
  let prev: string | null = null;
  let pruned: CheckpointRow | undefined;
  for (const c of checkpoints) {
    const failure = checkCheckpoint(key, b, c);
    if (failure) return failure;
    if (c.prev_mac !== prev) return `baseline "${b.name}": checkpoint ${c.id} does not follow the previous checkpoint (a checkpoint was deleted or edited outside payrecon)`;
    if (c.pruned_before !== null) pruned = c;
    prev = c.mac;
  }
  const last = checkpoints.at(-1);
  if ((last?.id ?? null) !== b.checkpoint_id || (last?.mac ?? null) !== b.checkpoint_mac) {
    return `baseline "${b.name}": the newest checkpoint is ${b.checkpoint_id ?? 'none'}, the database has ${last?.id ?? 'none'} (checkpoints deleted or added outside payrecon)`;
  }
  const first = scans[0]?.id ?? Infinity;
  const kept = new Set(scans.map((s) => s.id));
  const vouched = new Map<number, CheckpointRow>();
  for (const c of checkpoints) {
    if (c.scan_id < first) continue; // dropped by a prune
    if (!kept.has(c.scan_id)) return `baseline "${b.name}": scan ${c.scan_id}, which checkpoint ${c.id} signed, is missing (deleted outside payrecon)`;
    vouched.set(c.scan_id, c);
  }
  return walk(key, b, scans, pruned ? pruned.scan_mac : null, vouched) ?? checkHead(b, scans.at(-1), open);
}
