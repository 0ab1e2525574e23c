/**
 * The scheduler config (docs/schedule.md) as a zod schema of strict objects,
 * plus the checks a schema cannot express (cron syntax, one of reconcile/scan, unique names).
 * Pure: no fs, no env. Problems come back as `path: message` strings naming the JSON path,
 * e.g. `jobs[1].scan.baselinez: unknown key`.
 */
import cron from 'node-cron';
import { z } from 'zod';
import { DISCREPANCY_KINDS } from '../domain/discrepancy.js';
import { FINDING_KINDS } from '../domain/integrity.js';
import { FACILITIES } from './sinks/syslog.js';

const nonEmpty = z.string().min(1, 'must not be empty');
const seconds = z.number().positive().max(3600);

const webhookSink = z.strictObject({
  type: z.literal('webhook'),
  url: nonEmpty,
  secretEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'),
  timeoutSeconds: seconds.optional(),
});
const fileSink = z.strictObject({ type: z.literal('file'), path: nonEmpty });
const commandSink = z.strictObject({
  type: z.literal('command'),
  run: z.array(nonEmpty).min(1, 'needs the program to run'),
  timeoutSeconds: seconds.optional(),
});
const jsonlSink = z.strictObject({ type: z.literal('jsonl'), path: nonEmpty });
const syslogSink = z.strictObject({
  type: z.literal('syslog'),
  host: nonEmpty,
  port: z.int().min(1).max(65535),
  protocol: z.enum(['udp', 'tcp']),
  facility: z.enum(FACILITIES).optional(),
  appName: nonEmpty.optional(),
  timeoutSeconds: seconds.optional(),
});
export const sinkSchema = z.discriminatedUnion('type', [webhookSink, fileSink, commandSink, jsonlSink, syslogSink]);

const reconcileSpec = z.strictObject({
  import: z
    .strictObject({
      psp: z.array(nonEmpty).optional(),
      ledger: z.array(nonEmpty).optional(),
      format: z.enum(['auto', 'stripe', 'adyen', 'paypal', 'checkout']).optional(),
      mapping: nonEmpty.optional(),
      source: nonEmpty.optional(),
    })
    .optional(),
  dateWindow: z.int().min(0).max(3660).optional(),
  depositWindow: z.int().min(0).max(366).optional(),
  amountTolerance: z.string().regex(/^0*\d{1,15}(\.\d{1,6}0*)?$/, 'must be a non-negative decimal string like "0.05" (at most 15 digits before the point, 6 after)').optional(),
  failOn: z.array(z.enum(DISCREPANCY_KINDS)).min(1).optional(),
  /** Baselines scanned before the import; anything changed refuses the run (docs/schedule.md). */
  requireClean: z.array(nonEmpty).min(1).optional(),
});

const scanSpec = z.strictObject({
  baselines: z.array(nonEmpty).min(1, 'needs at least one baseline name'),
  failOn: z.array(z.enum(FINDING_KINDS)).min(1).optional(),
});

export const jobSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'must be letters, digits, "-", "_" or "." (used in logs and alerts)'),
  cron: nonEmpty,
  timezone: nonEmpty.optional(),
  reconcile: reconcileSpec.optional(),
  scan: scanSpec.optional(),
});

/** How much history to keep: the newest N, or a duration such as "90d" (h, d, w, y). */
const keep = z.union([z.int().min(1), z.string().regex(/^\d+\s*[hdwy]$/, 'must be a count (e.g. 1000) or a duration such as "90d" (h, d, w, y)')]);

export const scheduleConfigSchema = z.strictObject({
  db: nonEmpty.optional(),
  keyFile: nonEmpty.optional(),
  /** After each scan job, prune its baselines' scans; after each job, the delivered alerts. */
  retention: z.strictObject({ scans: keep.optional(), alerts: keep.optional() }).optional(),
  alerts: z.array(sinkSchema).default([]),
  jobs: z.array(jobSchema).min(1, 'needs at least one job'),
});

/** The config exactly as written (relative paths not yet resolved). */
export type RawScheduleConfig = z.infer<typeof scheduleConfigSchema>;
export type RawJob = z.infer<typeof jobSchema>;
export type RawSink = z.infer<typeof sinkSchema>;

/** `['jobs', 1, 'scan']` -> `jobs[1].scan`. */
export function formatJsonPath(path: ReadonlyArray<PropertyKey>): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || '(top level)';
}

function join(path: ReadonlyArray<PropertyKey>, key: string): string {
  return path.length ? `${formatJsonPath(path)}.${key}` : key;
}

/** zod issues in words a config author can act on, one per problem, each naming its key. */
export function describeIssues(issues: ReadonlyArray<z.core.$ZodIssue>): string[] {
  const out: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push(`${join(issue.path, key)}: unknown key`);
    } else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
      out.push(`${formatJsonPath(issue.path)}: required (${issue.expected})`);
    } else {
      out.push(`${formatJsonPath(issue.path)}: ${issue.message.replace(/^Invalid input: /, '')}`);
    }
  }
  return out;
}

/** node-cron's own reading of an expression: undefined when valid, else why not. */
export function cronProblem(expr: string): string | undefined {
  const fields = expr.trim().split(/\s+/).length;
  if (!expr.trim().startsWith('@') && fields !== 5 && fields !== 6) return `"${expr}" has ${fields} fields; expected 5 (minute hour day month weekday) or 6 (with leading seconds)`;
  if (cron.validate(expr)) return undefined;
  const detail = cron.validateDetailed(expr).errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  return `"${expr}" is not a valid cron expression${detail ? ` (${detail})` : ''}`;
}

function timezoneProblem(tz: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return undefined;
  } catch {
    return `"${tz}" is not a known IANA time zone (e.g. "Europe/Berlin", "UTC")`;
  }
}

function urlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : `must be an http:// or https:// URL, got "${u.protocol}"`;
}

/**
 * What the schema cannot say. Returns problems as `path: message`. Reads only what has the
 * right type, so it also runs over jobs and sinks the schema refused (every problem at once).
 */
export function semanticProblems(cfg: RawScheduleConfig): string[] {
  const problems: string[] = [];
  cfg.alerts.forEach((s, i) => {
    if (s.type !== 'webhook' || typeof s.url !== 'string' || !s.url) return;
    const p = urlProblem(s.url);
    if (p) problems.push(`alerts[${i}].url: ${p}`);
  });
  const seen = new Map<string, number>();
  cfg.jobs.forEach((j, i) => {
    const at = `jobs[${i}]`;
    if (typeof j.cron === 'string' && j.cron) {
      const c = cronProblem(j.cron);
      if (c) problems.push(`${at}.cron: ${c}`);
    }
    if (typeof j.timezone === 'string' && j.timezone) {
      const t = timezoneProblem(j.timezone);
      if (t) problems.push(`${at}.timezone: ${t}`);
    }
    if (j.reconcile && j.scan) problems.push(`${at}: has both "reconcile" and "scan"; a job does one of them`);
    if (!j.reconcile && !j.scan) problems.push(`${at}: needs "reconcile" or "scan"`);
    if (typeof j.name !== 'string') return;
    const first = seen.get(j.name);
    if (first !== undefined) problems.push(`${at}.name: "${j.name}" is already the name of jobs[${first}]`);
    else seen.set(j.name, i);
  });
  return problems;
}
