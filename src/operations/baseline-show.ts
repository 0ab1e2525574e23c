/**
 * Reading what the integrity side holds, for people: what a baseline covers (`baseline show`:
 * its selection with profile locations expanded, the attributes it records, its key id and
 * its files) and the history of scans (`payrecon scans`). The files are verified against their
 * signatures when a key is configured, and say so when they are not.
 */
import { existsSync } from 'node:fs';
import { ATTRIBUTES } from '../checksums/attributes.js';
import type { BaselineSpec } from '../checksums/profiles.js';
import { readEntries } from '../db/integrity.js';
import { listScanHistory, scanDocument, type ScanHistoryRow } from '../db/integrity-scans.js';
import { optionalKey } from './audit.js';
import type { OperationContext } from './context.js';
import { loadVerifiedBaseline } from './scan-history.js';
import { requireBaseline } from './scan.js';

export interface BaselineCoverage {
  name: string;
  generation: number;
  files: number;
  key_id: string;
  created_at: string;
  updated_at: string;
  profile: BaselineSpec['profile'];
  /** Every place the baseline looks: profile locations expanded, and the paths named at init. */
  roots: Array<{ path: string; pattern: string | null; from: 'profile' | 'path'; exists: boolean }>;
  excludes: string[];
  /** The attributes recorded for each file (attribute table names). */
  attributes: string[];
  /** Whether `entries` were checked against their signatures (a key was configured). */
  verified: boolean;
  entries: Array<{ path: string; type: string }>;
  last_scan: { scan: number; exit_code: number; findings: number } | null;
}

export function showBaseline(ctx: OperationContext, name: string, opts: { keyFile?: string }): BaselineCoverage {
  const db = ctx.db();
  const row = requireBaseline(db, name);
  const spec = JSON.parse(row.spec) as BaselineSpec;
  const key = optionalKey(opts.keyFile, ctx.env, ctx.cwd);
  // With a key, anything altered outside payrecon fails here (exit 20), as a scan would.
  const records = key ? [...loadVerifiedBaseline(db, key, row).values()] : readEntries(db, row.id).map((e) => e.record);
  const last = row.last_scan_id ? scanDocument(db, row.last_scan_id) : undefined;
  return {
    name: row.name,
    generation: row.generation,
    files: row.entry_count,
    key_id: row.key_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
    profile: spec.profile,
    roots: spec.roots.map((r) => ({ path: r.base, pattern: r.pattern ?? null, from: r.optional ? 'profile' : 'path', exists: existsSync(r.base) })),
    excludes: spec.excludes,
    attributes: ATTRIBUTES.map((a) => a.name).filter((n) => n !== 'sha512' || spec.sha512),
    verified: key !== null,
    entries: records.map((r) => ({ path: r.path, type: r.type })),
    last_scan: last ? { scan: last.scan, exit_code: last.exit_code, findings: last.findings.length } : null,
  };
}

/** The newest scans, of one baseline (UsageError naming the known ones if there is none) or all. */
export function scanHistory(ctx: OperationContext, name: string | undefined, limit: number): ScanHistoryRow[] {
  const db = ctx.db();
  const baselineId = name === undefined ? undefined : requireBaseline(db, name).id;
  return listScanHistory(db, baselineId, limit);
}
