/**
 * The anchor of the audit log printed with every result (`audit` in --json output, reports,
 * JUnit properties and alerts): how many entries the log holds and the newest entry's hash.
 * Kept outside the database, it is what `payrecon audit verify --expect-head` checks against.
 */
export interface AuditAnchor {
  entries: number;
  /** The newest entry's chain hash (64 hex digits), null for an empty log. */
  head: string | null;
  /** Whether the log is keyed (HMAC); false means no key was configured when it was written. */
  keyed: boolean;
}

/** One line for people: reports and summaries. */
export function describeAnchor(a: AuditAnchor): string {
  if (a.entries === 0) return 'audit log: empty';
  const keyed = a.keyed ? 'keyed' : 'NOT keyed (no key configured: not evidence against an editor of the database)';
  return `audit log: ${a.entries} entries, head ${a.head}, ${keyed}`;
}
