/**
 * Loading the scheduler config: read, parse JSON (with line and column on a syntax error),
 * validate (schema + semantics), resolve relative paths against the config file's directory,
 * then check what must hold in this environment (secrets set, directories readable) — all
 * before anything runs. Every problem is reported at once, each naming its key; exit 17.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { readRegularFile } from '../domain/input-file.js';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import picomatch from 'picomatch';
import { InputError, UsageError } from '../errors.js';
import { storeTarget } from '../db/store.js';
import {
  describeIssues,
  jobSchema,
  scheduleConfigSchema,
  semanticProblems,
  sinkSchema,
  type RawJob,
  type RawScheduleConfig,
  type RawSink,
} from './config-schema.js';

/** A sink with its paths resolved; `key` identifies it in the outbox across restarts. */
export type SinkConfig = RawSink & { key: string; label: string };

/** A job with its globs and paths resolved to absolute. */
export type JobConfig = RawJob & { command: 'reconcile' | 'scan' };

export interface ScheduleConfig {
  file: string;
  db?: string;
  keyFile?: string;
  /** How many scans (per baseline of a scan job) and delivered alerts to keep; absent: all. */
  retention?: RawScheduleConfig['retention'];
  alerts: SinkConfig[];
  jobs: JobConfig[];
}

/** Read and fully validate a config. Throws InputError (17) or IoError (18, unreadable file). */
export function loadScheduleConfig(file: string, env: NodeJS.ProcessEnv): ScheduleConfig {
  const { cfg, problems } = inspectScheduleConfig(file, env);
  if (problems.length) throw configError(file, problems);
  return cfg;
}

/**
 * Every problem of a config at once, across all stages (schema, cron/time zone/URL/names, then
 * secrets, directories, commands, key file and globs), so one run lists them all. Each job and
 * sink is checked on its own: one that fails the schema drops out of the later stages (the
 * returned config has a hole at its index, keeping the others' paths), the rest go on. Throws
 * only when there is nothing to check: an unreadable file (18) or a JSON syntax error (17).
 */
export function inspectScheduleConfig(file: string, env: NodeJS.ProcessEnv): { cfg: ScheduleConfig; problems: string[] } {
  const text = readRegularFile(file, file, 4 << 20).toString('utf8');
  const { cfg, problems } = inspectConfigText(text, file);
  problems.push(...environmentProblems(cfg, env));
  return { cfg, problems };
}

/** Parse, validate and resolve the text of a config (no environment or fs checks). */
export function parseScheduleConfig(text: string, file: string): ScheduleConfig {
  const { cfg, problems } = inspectConfigText(text, file);
  if (problems.length) throw configError(file, problems);
  return cfg;
}

function inspectConfigText(text: string, file: string): { cfg: ScheduleConfig; problems: string[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError(`not valid JSON: ${jsonErrorWhere(text, err as Error)}`, { file });
  }
  const parsed = scheduleConfigSchema.safeParse(data);
  const problems = parsed.success ? [] : describeIssues(parsed.error.issues);
  const raw = parsed.success ? parsed.data : usableParts(data);
  // Cron, time zones, URLs and names are checked even in a job or sink the schema refused.
  problems.push(...semanticProblems(parsed.success ? parsed.data : (looseParts(data) as RawScheduleConfig)));
  // A db that is a URL of another scheme is a problem of the config (17), said like the others.
  let cfg: ScheduleConfig;
  try {
    cfg = resolveConfig(raw, file);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    problems.push(`db: ${err.message.replace(/^--db /, '')}`);
    cfg = resolveConfig({ ...raw, db: undefined }, file);
  }
  return { cfg, problems };
}

/** The jobs and sinks that pass the schema on their own, at their own index (holes elsewhere). */
function usableParts(data: unknown): RawScheduleConfig {
  const obj = (data !== null && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const alerts: RawSink[] = [];
  const jobs: RawJob[] = [];
  if (Array.isArray(obj.alerts)) obj.alerts.forEach((s, i) => {
    const r = sinkSchema.safeParse(s);
    if (r.success) alerts[i] = r.data;
  });
  if (Array.isArray(obj.jobs)) obj.jobs.forEach((j, i) => {
    const r = jobSchema.safeParse(j);
    if (r.success) jobs[i] = r.data;
  });
  return { db: str(obj.db), keyFile: str(obj.keyFile), alerts, jobs };
}

/** Every job and sink as written, for the checks that read only their strings. */
function looseParts(data: unknown): { alerts: unknown[]; jobs: unknown[] } {
  const obj = (data !== null && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const objects = (v: unknown) => (Array.isArray(v) ? v.map((x) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? x : {})) : []);
  return { alerts: objects(obj.alerts), jobs: objects(obj.jobs) };
}

function resolveConfig(raw: RawScheduleConfig, file: string): ScheduleConfig {
  const base = dirname(resolve(file));
  const at = (p: string) => resolve(base, p);
  return {
    file: resolve(file),
    // A PostgreSQL URL as written; a file path relative to the config's directory.
    db: raw.db ? storeTarget(raw.db, base) : undefined,
    keyFile: raw.keyFile ? at(raw.keyFile) : undefined,
    retention: raw.retention,
    // map keeps holes, so a later problem still names its own index.
    alerts: raw.alerts.map((s) => resolveSink(s, at)),
    jobs: raw.jobs.map((j) => ({
      ...j,
      command: j.reconcile ? 'reconcile' : 'scan',
      reconcile: j.reconcile && {
        ...j.reconcile,
        import: j.reconcile.import && {
          ...j.reconcile.import,
          psp: j.reconcile.import.psp?.map(at),
          ledger: j.reconcile.import.ledger?.map(at),
          mapping: j.reconcile.import.mapping && at(j.reconcile.import.mapping),
        },
      },
    })),
  };
}

function resolveSink(s: RawSink, at: (p: string) => string): SinkConfig {
  switch (s.type) {
    case 'webhook':
      return { ...s, key: webhookKey(s.url), label: `webhook ${redactUrl(s.url)}` };
    case 'file': {
      const path = at(s.path);
      return { ...s, path, key: `file ${path}`, label: `file ${path}` };
    }
    case 'command': {
      const run = [s.run[0].includes('/') ? at(s.run[0]) : s.run[0], ...s.run.slice(1)];
      return { ...s, run, key: `command ${JSON.stringify(run)}`, label: `command ${run[0]}` };
    }
    case 'jsonl': {
      const path = s.path === '-' ? '-' : at(s.path);
      return { ...s, path, key: `jsonl ${path}`, label: path === '-' ? 'jsonl stdout' : `jsonl ${path}` };
    }
    case 'syslog': {
      const where = `syslog ${s.protocol} ${s.host}:${s.port}`;
      return { ...s, key: where, label: where };
    }
  }
}

/**
 * The outbox key of a webhook sink. URLs carry tokens (in the query, the user info or the path
 * itself) and the key is stored in schedule_outbox.sink, so it is a digest of the URL: stable
 * across restarts, and the database never holds the URL.
 */
export function webhookKey(url: string): string {
  return `webhook sha256:${createHash('sha256').update(url).digest('hex').slice(0, 32)}`;
}

/** URLs may carry credentials (user:pass@ or a token in the query); logs show neither. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url;
  }
}

export function configError(file: string, problems: string[]): InputError {
  return new InputError(`invalid scheduler config (${problems.length} problem${problems.length > 1 ? 's' : ''}):`, { file }, undefined, problems);
}

/**
 * Where a JSON syntax error is, as line and column, always: V8 says "at position N" for most
 * errors but not for a text that ends too soon ("Unexpected end of JSON input"), which is an
 * error at the end of the text.
 */
export function jsonErrorWhere(text: string, err: Error): string {
  const m = /at position (\d+)/.exec(err.message);
  const msg = err.message.replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '');
  const pos = m ? Number(m[1]) : text.length;
  const before = text.slice(0, pos).split('\n');
  return `${msg} at line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/** What must hold on this host: secrets set, inbox directories and key file readable, sinks usable. */
export function environmentProblems(cfg: ScheduleConfig, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  cfg.alerts.forEach((s, i) => {
    if (s.type === 'webhook' && !env[s.secretEnv]) {
      problems.push(`alerts[${i}].secretEnv: environment variable ${s.secretEnv} is not set (it holds the webhook signing secret)`);
    }
    if (s.type === 'file' || (s.type === 'jsonl' && s.path !== '-')) {
      const p = dirProblem(dirname(s.path), constants.W_OK);
      if (p) problems.push(`alerts[${i}].path: ${p}`);
    }
    if (s.type === 'command' && !findExecutable(s.run[0], env)) {
      problems.push(`alerts[${i}].run[0]: "${s.run[0]}" is not an executable file${s.run[0].includes('/') ? '' : ' on PATH'}`);
    }
  });
  if (cfg.keyFile && cfg.jobs.some(needsKey)) {
    const p = fileProblem(cfg.keyFile);
    if (p) problems.push(`keyFile: ${p}`);
  }
  cfg.jobs.forEach((j, i) => {
    const imp = j.reconcile?.import;
    for (const side of ['psp', 'ledger'] as const) {
      imp?.[side]?.forEach((glob, k) => {
        const p = dirProblem(globBase(glob), constants.R_OK | constants.X_OK);
        if (p) problems.push(`jobs[${i}].reconcile.import.${side}[${k}]: ${p}`);
      });
    }
    if (imp?.mapping) {
      const p = fileProblem(imp.mapping);
      if (p) problems.push(`jobs[${i}].reconcile.import.mapping: ${p}`);
    }
  });
  return problems;
}

/** Scan jobs and reconcile jobs guarded by `requireClean` verify signed baselines: they need the key. */
export function needsKey(job: JobConfig | undefined): boolean {
  return Boolean(job?.scan || job?.reconcile?.requireClean?.length);
}

/** The directory a glob starts from (`/srv/in/*.csv` -> `/srv/in`); a plain path's parent. */
export function globBase(glob: string): string {
  const scan = picomatch.scan(glob);
  return scan.isGlob ? scan.base || '.' : dirname(glob);
}

function dirProblem(dir: string, mode: number): string | undefined {
  try {
    if (!statSync(dir).isDirectory()) return `${dir} is not a directory`;
    accessSync(dir, mode);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `directory ${dir} does not exist`;
    if (code === 'EACCES' || code === 'EPERM') return `directory ${dir} is not ${mode & constants.W_OK ? 'writable' : 'readable'}`;
    return `cannot use ${dir}: ${(err as Error).message}`;
  }
}

function fileProblem(file: string): string | undefined {
  try {
    if (!statSync(file).isFile()) return `${file} is not a file`;
    accessSync(file, constants.R_OK);
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `${file} does not exist`;
    if (code === 'EACCES' || code === 'EPERM') return `${file} is not readable`;
    return `cannot read ${file}: ${(err as Error).message}`;
  }
}

function findExecutable(program: string, env: NodeJS.ProcessEnv): boolean {
  const candidates = program.includes('/') || isAbsolute(program) ? [program] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, program));
  return candidates.some((c) => {
    try {
      return statSync(c).isFile() && (accessSync(c, constants.X_OK), true);
    } catch {
      return false;
    }
  });
}
