/**
 * The alert body (docs/schedule.md): `{"id", "job", "command", "exit_code", "at", "findings"}`
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
  };
  const shown = input.items.length > MAX_ALERT_ITEMS ? input.items.slice(0, MAX_ALERT_ITEMS) : [...input.items];
  if (input.command === 'reconcile') body.discrepancies = shown;
  else body.findings = shown;
  if (shown.length < input.items.length) body.omitted = input.items.length - shown.length;
  if (input.error !== undefined) body.error = input.error;
  if (input.audit !== undefined) body.audit = input.audit;
  return body;
}

/** The exact bytes sent to every sink (one line, so the file sink writes JSON lines). */
export function serializeAlert(body: AlertBody): string {
  return JSON.stringify(body);
}
