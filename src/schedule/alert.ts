/**
 * The alert body of CONTRACT.md: `{"id", "job", "command", "exit_code", "at", "findings"}`
 * for scan jobs, `"discrepancies"` (shaped as in `reconcile --json`) for reconcile jobs, and
 * `"error"` when the job failed, and `"audit"` (the log's anchor) after a job that ran. Pure: the id and time are passed in.
 */
import type { AuditAnchor } from '../domain/audit.js';

/** What an alert says; `id` is the delivery id a receiver deduplicates on. */
export interface AlertBody {
  id: string;
  job: string;
  command: 'reconcile' | 'scan';
  exit_code: number;
  at: string;
  findings?: unknown[];
  discrepancies?: unknown[];
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
  /** The findings not alerted before (scan findings or reconcile discrepancies). */
  items: unknown[];
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
  if (input.command === 'reconcile') body.discrepancies = input.items;
  else body.findings = input.items;
  if (input.error !== undefined) body.error = input.error;
  if (input.audit !== undefined) body.audit = input.audit;
  return body;
}

/** The exact bytes sent to every sink (one line, so the file sink writes JSON lines). */
export function serializeAlert(body: AlertBody): string {
  return JSON.stringify(body);
}
