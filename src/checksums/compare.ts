/**
 * Baseline against now: which paths were added, removed, changed (naming the attributes),
 * could not be read, or break policy (the exit code they make is src/domain/exit-codes.ts's). Pure: no fs, no
 * db, no clock. Something that could not be read is reported as such, never as unchanged and
 * never as removed.
 */
import type { FindingKind, ScanDocument, ScanFinding } from '../domain/integrity.js';
import {
  changeSeverity,
  comparePaths,
  compareRecords,
  CONTENT_ATTRIBUTES,
  describeChange,
  type FileRecord,
} from './attributes.js';
import { policyFindings } from './policy.js';
import type { PrivateKeyKind } from './sensitive.js';

/** The parts of the current state comparison needs. */
export interface ObservedState {
  records: readonly FileRecord[];
  unreadable: ReadonlyMap<string, string>;
  unreadableDirs: readonly string[];
  keys: ReadonlyMap<string, PrivateKeyKind>;
}

const KIND_ORDER: Record<FindingKind, number> = { removed: 0, added: 1, changed: 2, unreadable: 3, policy: 4 };

export function compareToBaseline(baseline: ReadonlyMap<string, FileRecord>, now: ObservedState): ScanFinding[] {
  const findings: ScanFinding[] = [];
  const seen = new Set<string>();
  for (const rec of now.records) {
    seen.add(rec.path);
    const old = baseline.get(rec.path);
    const unreadable = now.unreadable.get(rec.path);
    if (!old) {
      findings.push({ path: rec.path, kind: 'added', severity: 'medium' });
    } else {
      const changed = compareRecords(old, rec, unreadable ? CONTENT_ATTRIBUTES : undefined);
      if (changed.length) {
        const reason = describeChange(old, rec, changed);
        findings.push({
          path: rec.path,
          kind: 'changed',
          attributes: changed,
          severity: changeSeverity(changed),
          ...(reason ? { reason } : {}),
        });
      }
    }
    if (unreadable) findings.push({ path: rec.path, kind: 'unreadable', severity: 'high', reason: unreadable });
    findings.push(...policyFindings(rec, now.keys.get(rec.path) ?? null, old));
  }
  // Paths that could not even be stat'ed (or vanished mid-scan).
  for (const [path, reason] of now.unreadable) {
    if (!seen.has(path)) {
      seen.add(path);
      findings.push({ path, kind: 'unreadable', severity: 'high', reason });
    }
  }
  for (const [path, old] of baseline) {
    if (seen.has(path)) continue;
    const dir = now.unreadableDirs.find((d) => path.startsWith(d === '/' ? '/' : d + '/'));
    if (dir) {
      findings.push({ path, kind: 'unreadable', severity: 'high', reason: `directory ${dir} could not be listed: ${now.unreadable.get(dir)}` });
    } else {
      findings.push({ path, kind: 'removed', severity: old.type === 'dir' ? 'medium' : 'high' });
    }
  }
  return sortFindings(findings);
}

/** At init there is nothing to compare against: only unreadable paths and policy. */
export function initFindings(now: ObservedState): ScanFinding[] {
  return compareToBaseline(new Map(), now).filter((f) => f.kind !== 'added');
}

export function sortFindings(findings: ScanFinding[]): ScanFinding[] {
  return findings.sort((a, b) =>
    a.path === b.path ? KIND_ORDER[a.kind] - KIND_ORDER[b.kind] : comparePaths(a.path, b.path),
  );
}

export function countFindings(files: number, findings: readonly ScanFinding[]): ScanDocument['counts'] {
  const counts = { files, added: 0, removed: 0, changed: 0, unreadable: 0 };
  for (const f of findings) if (f.kind !== 'policy') counts[f.kind]++;
  return counts;
}

/** Identity of a finding across scans: the same path, kind and description is the same finding. */
export function findingKey(f: Pick<ScanFinding, 'path' | 'kind' | 'attributes' | 'reason'>): string {
  return JSON.stringify([f.path, f.kind, f.attributes ?? null, f.reason ?? null]);
}
