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
import { InputError } from '../errors.js';
import { describeIssues, scheduleConfigSchema, semanticProblems, type RawJob, type RawSink } from './config-schema.js';

/** A sink with its paths resolved; `key` identifies it in the outbox across restarts. */
export type SinkConfig = RawSink & { key: string; label: string };

/** A job with its globs and paths resolved to absolute. */
export type JobConfig = RawJob & { command: 'reconcile' | 'scan' };

export interface ScheduleConfig {
  file: string;
  db?: string;
  keyFile?: string;
  alerts: SinkConfig[];
  jobs: JobConfig[];
}

/** Read and fully validate a config. Throws InputError (17) or IoError (18, unreadable file). */
export function loadScheduleConfig(file: string, env: NodeJS.ProcessEnv): ScheduleConfig {
  const text = readRegularFile(file, file, 4 << 20).toString('utf8');
  const cfg = parseScheduleConfig(text, file);
  const problems = environmentProblems(cfg, env);
  if (problems.length) throw configError(file, problems);
  return cfg;
}

/** Parse, validate and resolve the text of a config (no environment or fs checks). */
export function parseScheduleConfig(text: string, file: string): ScheduleConfig {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError(`not valid JSON: ${jsonErrorWhere(text, err as Error)}`, { file });
  }
  const parsed = scheduleConfigSchema.safeParse(data);
  if (!parsed.success) throw configError(file, describeIssues(parsed.error.issues));
  const problems = semanticProblems(parsed.data);
  if (problems.length) throw configError(file, problems);
  const base = dirname(resolve(file));
  const at = (p: string) => resolve(base, p);
  const raw = parsed.data;
  return {
    file: resolve(file),
    db: raw.db ? at(raw.db) : undefined,
    keyFile: raw.keyFile ? at(raw.keyFile) : undefined,
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

function configError(file: string, problems: string[]): InputError {
  return new InputError(`invalid scheduler config (${problems.length} problem${problems.length > 1 ? 's' : ''}):`, { file }, undefined, problems);
}

/** Turn V8's "at position N" into line and column, which an editor can jump to. */
function jsonErrorWhere(text: string, err: Error): string {
  const m = /at position (\d+)/.exec(err.message);
  const msg = err.message.replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '');
  if (!m) return msg;
  const pos = Number(m[1]);
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
    if (s.type === 'file') {
      const p = dirProblem(dirname(s.path), constants.W_OK);
      if (p) problems.push(`alerts[${i}].path: ${p}`);
    }
    if (s.type === 'command' && !findExecutable(s.run[0], env)) {
      problems.push(`alerts[${i}].run[0]: "${s.run[0]}" is not an executable file${s.run[0].includes('/') ? '' : ' on PATH'}`);
    }
  });
  if (cfg.keyFile && cfg.jobs.some((j) => j.scan)) {
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
