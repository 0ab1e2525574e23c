/**
 * Which findings are new. A finding is identified by a fingerprint of what it says (kind,
 * references, amounts, paths, attributes), not by database ids, run numbers or ages, which
 * change from run to run while the problem stays the same. A scan finding's `scan` id and
 * `file` attributes (times, size) are where and when it was seen too: an added file that is
 * written again is still the same added file. Pure.
 */
import { createHash } from 'node:crypto';

/**
 * Keys that describe when or where a finding was seen, not what it is. A top-level `id` is a
 * database id (a discrepancy's); nested ids (`psp.id`, `ledger.id`) are the rows' external
 * ids and stay. `file`/`line` say which import a row came from, not what is wrong with it.
 */
const VOLATILE_TOP = new Set(['id', 'first_seen_run', 'first_seen_scan', 'age_days', 'status', 'note', 'resolved_by', 'resolved_at', 'scan', 'file']);
const VOLATILE_NESTED = new Set(['file', 'line']);

/** JSON with sorted keys and volatile keys dropped: equal findings give equal strings. */
export function canonicalFinding(value: unknown): string {
  return JSON.stringify(strip(value, true));
}

function strip(value: unknown, top: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => strip(v, false));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    if ((top ? VOLATILE_TOP : VOLATILE_NESTED).has(key)) continue;
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = strip(v, false);
  }
  return out;
}

export function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalFinding(value)).digest('hex');
}

export function failureFingerprint(message: string): string {
  return 'failure:' + createHash('sha256').update(message).digest('hex');
}

export interface FindingDiff<T> {
  /** Findings whose fingerprint was not alerted before, in the order the run reported them. */
  fresh: Array<{ fingerprint: string; item: T }>;
  /** Fingerprints alerted before that this run no longer reports: forget them. */
  gone: string[];
  /** Every fingerprint of this run (duplicates collapsed). */
  current: Set<string>;
}

/** Compare a run's findings with the fingerprints already alerted for the job. */
export function diffFindings<T>(items: readonly T[], alerted: ReadonlySet<string>): FindingDiff<T> {
  const current = new Set<string>();
  const fresh: FindingDiff<T>['fresh'] = [];
  for (const item of items) {
    const fp = fingerprint(item);
    if (current.has(fp)) continue;
    current.add(fp);
    if (!alerted.has(fp)) fresh.push({ fingerprint: fp, item });
  }
  const gone = [...alerted].filter((fp) => !current.has(fp));
  return { fresh, gone, current };
}
