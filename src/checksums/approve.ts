/**
 * What `baseline update` accepts: the changes since the baseline (added, removed, changed),
 * all of them or only those whose path a `--path` glob selects. Changes left out keep their old
 * entry (or stay absent), so the next scan reports them again. Each change is described by its
 * path, the attributes that differ and 12-hex prefixes of the old and new SHA-256: enough to
 * say what was approved in the audit log, never content. Pure: no fs, no db.
 */
import picomatch from 'picomatch';
import { comparePaths, type FileRecord } from './attributes.js';
import { keepDigestsOfUnread } from './carry-digests.js';
import type { AttributeSet } from './attributes.js';
import { compareToBaseline, type ObservedState } from './compare.js';
import { compileGlob } from './walker.js';

export interface BaselineChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  /** changed: the attributes that differ (attribute table names). */
  attributes?: string[];
  /** The first 12 hex digits of the SHA-256 before and after (null: none, e.g. a directory, or absent). */
  old_sha256: string | null;
  new_sha256: string | null;
}

export interface Approval {
  /** The records to sign as the new generation. */
  records: FileRecord[];
  /** The changes the new generation accepts, in path order. */
  accepted: BaselineChange[];
  /** Changes not selected: the next scan reports them again. */
  left: BaselineChange[];
}

const prefix = (r: FileRecord | undefined): string | null => (r?.sha256 ? r.sha256.slice(0, 12) : null);

/**
 * A matcher for `--path` globs (absolute, as the caller resolved them): a glob matches a path,
 * a plain path matches itself and everything under it, and a glob without a slash matches a
 * file name anywhere (as --exclude does).
 */
export function approvalMatcher(globs: readonly string[]): (path: string) => boolean {
  const tests = globs.map((g) => {
    if (!picomatch.scan(g).isGlob) {
      const dir = g.endsWith('/') ? g : `${g}/`;
      return (p: string) => p === g || p.startsWith(dir);
    }
    return compileGlob(g, !g.includes('/'));
  });
  return (p) => tests.some((t) => t(p));
}

/** Decide what to accept; `select` undefined accepts every change. */
export function approveChanges(
  old: ReadonlyMap<string, FileRecord>,
  now: ObservedState,
  select?: (path: string) => boolean,
  attributes?: AttributeSet,
): Approval {
  const current = new Map(now.records.map((r) => [r.path, r]));
  const accepted: BaselineChange[] = [];
  const left: BaselineChange[] = [];
  for (const f of compareToBaseline(old, now, attributes)) {
    if (f.kind !== 'added' && f.kind !== 'removed' && f.kind !== 'changed') continue;
    const o = old.get(f.path);
    const n = current.get(f.path);
    // Unreadable content is never accepted (carry-digests.ts): the digest that will be signed.
    const signed = n && now.unreadable.has(f.path) && o && o.type === n.type ? o : n;
    const change: BaselineChange = {
      path: f.path,
      change: f.kind,
      ...(f.attributes ? { attributes: f.attributes } : {}),
      old_sha256: prefix(o),
      new_sha256: f.kind === 'removed' ? null : prefix(signed),
    };
    (!select || select(f.path) ? accepted : left).push(change);
  }
  const all = keepDigestsOfUnread(old, now.records, now.unreadable);
  if (!select) return { records: all, accepted, left };
  // Start from the old generation and apply only the accepted changes.
  const next = new Map(old);
  const fresh = new Map(all.map((r) => [r.path, r]));
  for (const c of accepted) {
    if (c.change === 'removed') next.delete(c.path);
    else next.set(c.path, fresh.get(c.path)!);
  }
  return { records: [...next.values()].sort((a, b) => comparePaths(a.path, b.path)), accepted, left };
}
