/**
 * `baseline update` accepts what it sees, but it cannot accept content it could not read: a
 * file unreadable (or changed while read) at that moment would otherwise be re-signed with no
 * digests, and the next scan would report "unread -> ..." as a high-severity content change.
 * Such a path keeps the digests of its previous entry when that entry has the same type; its
 * metadata is still accepted. Pure: no fs, no db.
 */
import { XATTR_ATTRIBUTES, type FileRecord } from './attributes.js';

/** The records to sign: `records`, with the old digests kept for paths in `unreadable`. */
export function keepDigestsOfUnread(
  old: ReadonlyMap<string, FileRecord>,
  records: readonly FileRecord[],
  unreadable: ReadonlyMap<string, string>,
): FileRecord[] {
  return records.map((rec) => {
    if (!unreadable.has(rec.path)) return rec;
    const prev = old.get(rec.path);
    if (!prev || prev.type !== rec.type) return rec; // nothing comparable was ever read
    const kept = { ...rec, sha256: prev.sha256, sha512: prev.sha512 } as Record<string, unknown>;
    // Extended attributes that could not be read now are not accepted as "none" either.
    for (const name of XATTR_ATTRIBUTES) if (rec[name] === null) kept[name] = prev[name];
    return kept as unknown as FileRecord;
  });
}
