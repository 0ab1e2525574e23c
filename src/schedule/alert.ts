/**
 * The alert body (docs/schedule.md): `{"id", "job", "command", "exit_code", "at", "host", "text", "findings"}`
 * for scan jobs, `"discrepancies"` (shaped as in `reconcile --json`) for reconcile jobs, and
 * `"error"` when the job failed, and `"audit"` (the log's anchor) after a job that ran. Pure: the id
 * and time are passed in.
 *
 * A run can report any number of new findings (a first reconcile over 400,000 rows reports
 * as many): the body carries at most MAX_ALERT_ITEMS of them and `"omitted"` says how many
 * were left out, so an alert stays a message a receiver can take, whatever the run size. The
 * full set stays in the database (`payrecon discrepancies`, `scan --json`).
 */
import type { AuditAnchor } from '../domain/audit.js';

/** Enough to act on; more belongs in a report, not in a webhook body. */
export const MAX_ALERT_ITEMS = 1000;

/** What an alert says; `id` is the delivery id a receiver deduplicates on. */
export interface AlertBody {
  id: string;
  job: string;
  command: 'reconcile' | 'scan';
  exit_code: number;
  at: string;
  /** The machine the scheduler runs on: several hosts may alert into one channel. */
  host: string;
  /** One line for people (and for Slack/Teams webhooks, which want a `text`). */
  text: string;
  findings?: unknown[];
  discrepancies?: unknown[];
  /** New findings left out of the list above (present only when the list was capped). */
  omitted?: number;
  /** Only when the run failed (exit code 16 or more): what went wrong, in words. */
  error?: string;
  /** The audit log's entry count and head after the run: an anchor kept outside the database. */
  audit?: AuditAnchor;
}

export interface AlertInput {
  id: string;
  job: string;
  command: 'reconcile' | 'scan';
  exitCode: number;
  at: Date;
  host: string;
  /** The findings not alerted before (scan findings or reconcile discrepancies); any number. */
  items: readonly unknown[];
  error?: string;
  audit?: AuditAnchor;
}

export function buildAlert(input: AlertInput): AlertBody {
  const body: AlertBody = {
    id: input.id,
    job: input.job,
    command: input.command,
    exit_code: input.exitCode,
    at: input.at.toISOString(),
    host: input.host,
    text: alertText(input),
  };
  const shown = input.items.length > MAX_ALERT_ITEMS ? input.items.slice(0, MAX_ALERT_ITEMS) : [...input.items];
  if (input.command === 'reconcile') body.discrepancies = shown;
  else body.findings = shown;
  if (shown.length < input.items.length) body.omitted = input.items.length - shown.length;
  if (input.error !== undefined) body.error = input.error;
  if (input.audit !== undefined) body.audit = input.audit;
  return body;
}

/** Longest `text`: a chat line, not a report. */
const MAX_TEXT = 300;

/**
 * `payrecon on db01: job "recon" (reconcile): 3 new discrepancies (2 missing_in_ledger, 1
 * amount_mismatch); exit 3`. Kinds and counts only: what the items say stays in the list.
 */
export function alertText(input: AlertInput): string {
  const head = `payrecon on ${input.host}: job "${input.job}" (${input.command})`;
  const what = input.command === 'reconcile' ? 'discrepanc' : 'finding';
  const byKind = new Map<string, number>();
  for (const item of input.items) {
    const kind = typeof item === 'object' && item !== null && typeof (item as { kind?: unknown }).kind === 'string' ? (item as { kind: string }).kind : 'other';
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  }
  const n = input.items.length;
  const found = n
    ? `${n} new ${what}${n === 1 ? (what === 'finding' ? '' : 'y') : what === 'finding' ? 's' : 'ies'} (${[...byKind].map(([k, c]) => `${c} ${k}`).join(', ')})`
    : '';
  const failed = input.error !== undefined ? `failed: ${input.error}` : '';
  const line = `${head}: ${[failed, found].filter(Boolean).join('; ') || 'nothing new'}; exit ${input.exitCode}`.replace(/\s+/g, ' ');
  return line.length > MAX_TEXT ? `${line.slice(0, MAX_TEXT - 1)}…` : line;
}

/** The exact bytes sent to every sink (one line, so the file sink writes JSON lines). */
export function serializeAlert(body: AlertBody): string {
  return JSON.stringify(body);
}
