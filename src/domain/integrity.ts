/**
 * Integrity findings and the document `scan --json` prints (docs/integrity.md). Reports and alerts
 * are rendered from it. It carries paths, attribute names and short digests: never content.
 */

export const FINDING_KINDS = ['added', 'removed', 'changed', 'unreadable', 'policy'] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface ScanFinding {
  path: string;
  kind: FindingKind;
  /** Names from the attribute table that differ (changed), e.g. ["sha256", "mode"]. */
  attributes?: string[];
  severity: 'low' | 'medium' | 'high';
  /** Human reason, e.g. "private key readable by group" or "permission denied". */
  reason?: string;
  /** Scan id where this finding first appeared (history). */
  first_seen_scan?: number;
}

export interface ScanDocument {
  scan: number;
  baseline: string;
  exit_code: number;
  counts: { files: number; added: number; removed: number; changed: number; unreadable: number };
  findings: ScanFinding[];
}
