/**
 * Retention: `baseline prune <name> --keep <duration|count>` and the scheduler's `prune` drop a
 * baseline's old scans behind a signed checkpoint. The whole history is verified first (pruning
 * must not launder an edit), then the scans before the first kept one go, with their finding
 * changes, and a checkpoint vouching for the last dropped scan links the kept ones to it, so
 * they still verify. The newest scan is always kept.
 */
import { loadKey } from '../checksums/key-file.js';
import { scanTimes, deleteScansBefore, hasLegacyScans } from '../db/integrity-history.js';
import { findBaseline } from '../db/integrity.js';
import { withWriteTransaction } from '../db/open.js';
import { UsageError } from '../errors.js';
import type { OperationContext } from './context.js';
import { setHead, verifyBaselineRow } from './integrity-store.js';
import { convertLegacyHistory, verifyHistory, writeCheckpoint } from './scan-history.js';
import { requireBaseline } from './scan.js';

/** Keep the newest `count` scans, or those that finished within the last `ms`. */
export type Keep = { count: number; text: string } | { ms: number; text: string };

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, y: 365 * 86_400_000 };

export function parseKeep(text: string): Keep {
  const t = text.trim();
  if (/^\d+$/.test(t) && Number(t) >= 1 && Number.isSafeInteger(Number(t))) return { count: Number(t), text: t };
  const m = /^(\d+)\s*([hdwy])$/.exec(t);
  if (m && Number(m[1]) >= 1) return { ms: Number(m[1]) * UNIT_MS[m[2]], text: t };
  throw new UsageError(`--keep ${JSON.stringify(text)} is neither a count of scans nor a duration`, 'e.g. --keep 1000 (the newest 1000 scans) or --keep 90d (h, d, w, y)');
}

export interface PruneResult {
  baseline: string;
  /** Scans dropped now. */
  dropped: number;
  /** Scans kept. */
  kept: number;
  /** The oldest scan kept, or null when there are none. */
  oldest_kept: number | null;
  /** The checkpoint written for the dropped scans (null when nothing was dropped). */
  checkpoint: number | null;
}

/** Prune each named baseline's history; a verify-only key (Ed25519 public) can prune too. */
export async function pruneBaselines(ctx: OperationContext, params: { names: string[]; keep: Keep; keyFile?: string }): Promise<PruneResult[]> {
  const key = loadKey(params.keyFile, ctx.env, ctx.cwd);
  const db = ctx.db();
  const results: PruneResult[] = [];
  for (const name of params.names) {
    verifyBaselineRow(key, requireBaseline(db, name)); // a wrong key fails before the write lock
    results.push(
      await withWriteTransaction(db, () => {
        let head = findBaseline(db, name) ?? requireBaseline(db, name);
        verifyBaselineRow(key, head);
        if (hasLegacyScans(db, head.id)) head = convertLegacyHistory(db, key, head);
        verifyHistory(db, key, head, true);
        const scans = scanTimes(db, head.id);
        const now = ctx.now();
        const keep = params.keep;
        let first = 'count' in keep ? scans.length - keep.count : scans.findIndex((s) => Date.parse(s.finished_at) >= now.getTime() - keep.ms);
        if (first < 0 && !('count' in keep)) first = scans.length; // every scan is older than the window
        first = Math.min(Math.max(first, 0), Math.max(scans.length - 1, 0)); // the newest scan stays
        if (first === 0) return { baseline: name, dropped: 0, kept: scans.length, oldest_kept: scans[0]?.id ?? null, checkpoint: null };
        const last = scans[first - 1];
        const dropped = deleteScansBefore(db, head.id, scans[first].id);
        const c = writeCheckpoint(db, key, head, {
          scan_id: last.id,
          scan_mac: last.mac,
          created_at: now.toISOString(),
          pruned_before: scans[first].id,
          scans_dropped: dropped,
        });
        setHead(db, key, head, { checkpoint_id: c.id, checkpoint_mac: c.mac });
        return { baseline: name, dropped, kept: scans.length - first, oldest_kept: scans[first].id, checkpoint: c.id };
      }),
    );
  }
  return results;
}
