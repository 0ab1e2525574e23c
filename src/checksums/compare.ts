/**
 * Baseline against now: which paths were added, removed, changed (naming the attributes),
 * could not be read, or break policy (the exit code they make is src/domain/exit-codes.ts's). Pure: no fs, no
 * db, no clock. Something that could not be read is reported as such, never as unchanged and
 * never as removed.
 */
import { displayPath } from '../domain/byte-path.js';
import type { FindingKind, ScanDocument, ScanFinding } from '../domain/integrity.js';
import {
  changeSeverity,
  comparePaths,
  compareRecords,
  CONTENT_ATTRIBUTES,
  describeChange,
  EVERY_ATTRIBUTE,
  type AttributeSet,
  type FileRecord,
} from './attributes.js';
import { policyFindings } from './policy.js';
import type { PrivateKeyKind } from './sensitive.js';
import type { IdNames } from './xattr-decode.js';

/** The parts of the current state comparison needs. */
export interface ObservedState {
  records: readonly FileRecord[];
  unreadable: ReadonlyMap<string, string>;
  unreadableDirs: readonly string[];
  keys: ReadonlyMap<string, PrivateKeyKind>;
  /** Names for the ids in ACL entries, for reasons people read. */
  names?: IdNames;
}

const KIND_ORDER: Record<FindingKind, number> = { removed: 0, added: 1, changed: 2, unreadable: 3, policy: 4 };

export function compareToBaseline(
  baseline: ReadonlyMap<string, FileRecord>,
  now: ObservedState,
  set: AttributeSet = EVERY_ATTRIBUTE,
): ScanFinding[] {
  const findings: ScanFinding[] = [];
  const seen = new Set<string>();
  for (const rec of now.records) {
    seen.add(rec.path);
    const old = baseline.get(rec.path);
    const unreadable = now.unreadable.get(rec.path);
    if (!old) {
      findings.push({ path: rec.path, kind: 'added', severity: 'medium' });
    } else {
      const changed = compareRecords(old, rec, unreadable ? CONTENT_ATTRIBUTES : undefined, set);
      if (changed.length) {
        const reason = describeChange(old, rec, changed, now.names);
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
    findings.push(...policyFindings(rec, now.keys.get(rec.path) ?? null, old, now.names));
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
  return sortFindings(withCauses(findings));
}

/**
 * A directory that changed because a name was added to it or removed from it says which:
 * "entries 2 -> 3; mtime ... (added id_new)". The causes are the added and removed findings
 * directly below it; a name the selection excludes is not among them, and the count says so.
 */
function withCauses(findings: ScanFinding[]): ScanFinding[] {
  const below = new Map<string, string[]>();
  for (const f of findings) {
    if (f.kind !== 'added' && f.kind !== 'removed') continue;
    const slash = f.path.lastIndexOf('/');
    const parent = slash > 0 ? f.path.slice(0, slash) : '/';
    // A reason is stored as text and signed: a byte that is not UTF-8 is written \xNN, as people see it.
    below.set(parent, [...(below.get(parent) ?? []), `${f.kind} ${displayPath(f.path.slice(slash + 1))}`]);
  }
  return findings.map((f) => {
    const causes = f.kind === 'changed' ? below.get(f.path) : undefined;
    if (!causes) return f;
    const shown = causes.slice(0, 5).join(', ') + (causes.length > 5 ? `, +${causes.length - 5} more` : '');
    return { ...f, reason: f.reason ? `${f.reason} (${shown})` : `(${shown})` };
  });
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
