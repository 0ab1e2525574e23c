/**
 * Findings as events for a SIEM (docs/integrity.md, "Events"): one JSON object per finding,
 * with Elastic Common Schema field names (`@timestamp`, `event.*`, `file.*`, `host.name`) and
 * payrecon's own under `payrecon.*`. `scan --jsonl`, the `jsonl` and `syslog` alert sinks and
 * `watch --jsonl` all build them here, so the fields are the same wherever they are read.
 *
 * No digest is emitted: a full SHA-256 of a short secret (a password file, a token) can be
 * brute-forced, and the finding's reason already carries the 12-hex prefix people see. Pure
 * (account names come in as a lookup).
 */
import { posix } from 'node:path';
import { displayPath } from '../domain/byte-path.js';
import type { FindingKind, ScanFinding } from '../domain/integrity.js';
import { octal, type FileRecord } from './attributes.js';

/** The ECS version the field names follow. */
export const ECS_VERSION = '8.11.0';

/** What the file looks like now (or, for a removed path, looked like at baseline time). */
export interface EventFile {
  type: FileRecord['type'];
  mode: string;
  uid: string;
  gid: string;
  owner: string;
  group: string;
  /** Bytes; absent for directories (their size is not compared). */
  size?: number;
  inode: string;
  mtime?: string;
  ctime?: string;
  target_path?: string;
}

export interface FindingEvent {
  '@timestamp': string;
  message: string;
  ecs: { version: string };
  event: {
    kind: 'alert';
    category: ['file'];
    type: string[];
    action: string;
    severity: number;
    dataset: 'payrecon.integrity';
    module: 'payrecon';
    reason?: string;
  };
  file: { path: string; name: string; directory: string } & Partial<EventFile>;
  host: { name: string };
  log: { level: 'warning' | 'error' | 'notice' };
  payrecon: {
    baseline: string;
    scan: number;
    kind: FindingKind;
    severity: ScanFinding['severity'];
    attributes?: string[];
    first_seen_scan?: number;
    /** Set by the alert sinks: which scheduler job and alert the finding came with. */
    job?: string;
    alert_id?: string;
  };
}

/** A finding with what is known about its file: the item scan jobs put in alerts. */
export type FindingItem = ScanFinding & { baseline: string; scan: number; file?: EventFile };

export interface AccountNames {
  user(uid: number): string | undefined;
  group(gid: number): string | undefined;
}

const ACTION: Record<FindingKind, { action: string; type: string }> = {
  added: { action: 'file-added', type: 'creation' },
  removed: { action: 'file-removed', type: 'deletion' },
  changed: { action: 'file-changed', type: 'change' },
  unreadable: { action: 'file-unreadable', type: 'access' },
  policy: { action: 'policy-violation', type: 'info' },
};

/** ECS event.severity is a number; the ranges detection rules use (low 21, medium 47, high 73). */
export const SEVERITY_NUMBER: Record<ScanFinding['severity'], number> = { low: 21, medium: 47, high: 73 };

const isoFromNs = (ns: bigint): string => new Date(Number(ns / 1_000_000n)).toISOString();

/** The ECS `file` fields of a record (no digests). */
export function eventFile(rec: FileRecord, names: AccountNames): EventFile {
  const f: EventFile = {
    type: rec.type,
    mode: octal(rec.mode),
    uid: String(rec.uid),
    gid: String(rec.gid),
    owner: names.user(rec.uid) ?? String(rec.uid),
    group: names.group(rec.gid) ?? String(rec.gid),
    inode: String(rec.inode),
  };
  if (rec.type !== 'dir') {
    f.size = Number(rec.size);
    f.mtime = isoFromNs(rec.mtime);
    f.ctime = isoFromNs(rec.ctime);
  }
  if (rec.link_target !== null) f.target_path = rec.link_target;
  return f;
}

/** The record each finding is about: the current one, else (removed) the baseline's. */
export function findingRecords(
  findings: readonly ScanFinding[],
  baseline: ReadonlyMap<string, FileRecord>,
  current: readonly FileRecord[],
): Map<string, FileRecord> {
  const wanted = new Set(findings.map((f) => f.path));
  const out = new Map<string, FileRecord>();
  if (wanted.size === 0) return out;
  for (const rec of current) if (wanted.has(rec.path)) out.set(rec.path, rec);
  for (const path of wanted) {
    const old = out.has(path) ? undefined : baseline.get(path);
    if (old) out.set(path, old);
  }
  return out;
}

export function findingEvent(item: FindingItem, at: Date | string, host: string, extra: { job?: string; alertId?: string } = {}): FindingEvent {
  const { action, type } = ACTION[item.kind];
  const shown = displayPath(item.path);
  const attrs = item.attributes?.length ? ` [${item.attributes.join(', ')}]` : '';
  const ev: FindingEvent = {
    '@timestamp': typeof at === 'string' ? at : at.toISOString(),
    message: `${item.kind} ${shown}${attrs}${item.reason ? `: ${item.reason}` : ''} (baseline "${item.baseline}", scan ${item.scan})`,
    ecs: { version: ECS_VERSION },
    event: {
      kind: 'alert',
      category: ['file'],
      type: [type],
      action,
      severity: SEVERITY_NUMBER[item.severity],
      dataset: 'payrecon.integrity',
      module: 'payrecon',
      ...(item.reason ? { reason: item.reason } : {}),
    },
    file: { path: item.path, name: posix.basename(item.path), directory: posix.dirname(item.path), ...(item.file ?? {}) },
    host: { name: host },
    log: { level: item.severity === 'high' ? 'error' : item.severity === 'medium' ? 'warning' : 'notice' },
    payrecon: {
      baseline: item.baseline,
      scan: item.scan,
      kind: item.kind,
      severity: item.severity,
      ...(item.attributes?.length ? { attributes: item.attributes } : {}),
      ...(item.first_seen_scan !== undefined ? { first_seen_scan: item.first_seen_scan } : {}),
      ...(extra.job !== undefined ? { job: extra.job } : {}),
      ...(extra.alertId !== undefined ? { alert_id: extra.alertId } : {}),
    },
  };
  return ev;
}

/**
 * One line of JSON. JSON.stringify escapes C0 controls, quotes and lone surrogates (a name
 * byte that is not UTF-8 travels as "\udcXX", as in `scan --json`); DEL, the C1 controls and the
 * Unicode line and paragraph separators are escaped as well, so no reader splits or
 * misrenders a line because of a file name.
 */
export function eventLine(ev: unknown): string {
  return JSON.stringify(ev).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A scan's findings as items: baseline, scan id and (when known) the file's attributes. */
export function findingItems(
  doc: { scan: number; baseline: string; findings: readonly ScanFinding[] },
  subjects: ReadonlyMap<string, FileRecord> | undefined,
  names: AccountNames,
): FindingItem[] {
  return doc.findings.map((f) => {
    const rec = subjects?.get(f.path);
    return { baseline: doc.baseline, scan: doc.scan, ...f, ...(rec ? { file: eventFile(rec, names) } : {}) };
  });
}
