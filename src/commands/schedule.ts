/**
 * `payrecon schedule --config <file>`: validate the config, then run jobs on cron and deliver
 * alerts until SIGTERM/SIGINT; then finish the job in flight, deliver what can be delivered
 * within the grace period, leave the rest in the outbox, and exit 0.
 */
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { loadKey } from '../checksums/key-file.js';
import { createContext, type CommandContext } from '../context.js';
import type { DB } from '../db/open.js';
import { openStore, storeDisplay } from '../db/store.js';
import { ExitCode, PayreconError, UsageError } from '../errors.js';
import { configError, inspectScheduleConfig, needsKey, webhookKey, type ScheduleConfig } from '../schedule/config.js';
import { Dispatcher } from '../schedule/dispatcher.js';
import { createRunJob, missingBaselines } from '../schedule/jobs.js';
import { createEventLog, type EventLog } from '../schedule/log.js';
import { Outbox } from '../schedule/outbox.js';
import { Scheduler, type RunJob } from '../schedule/scheduler.js';
import { parseKeep } from '../operations/prune.js';
import { createSinks } from '../schedule/sinks/index.js';
import { readTuning } from '../schedule/tuning.js';

export interface ScheduleOptions {
  config: string;
  keyFile?: string;
  /** Check everything a start would check (config, secrets, paths, key, baselines), then exit 0. */
  check?: boolean;
  /** Run this one job now (the path a cron tick takes), deliver its alerts, exit with its code. */
  once?: string;
  /** The global --db, when given on the command line (it beats the config's `db`). */
  db?: string;
}

export async function run(opts: ScheduleOptions, ctx: CommandContext): Promise<number> {
  const configPath = resolve(ctx.cwd, opts.config);
  const { cfg, problems } = inspectScheduleConfig(configPath, ctx.env);
  const dbTarget = opts.db !== undefined || !cfg.db ? ctx.dbTarget : cfg.db;
  const dbPath = storeDisplay(dbTarget);
  // Resolved once, here: jobs run with the config's directory as their working directory.
  const keyFileGiven = opts.keyFile ?? (cfg.keyFile ? undefined : ctx.env.PAYRECON_KEY_FILE);
  const keyFile = keyFileGiven ? resolve(ctx.cwd, keyFileGiven) : cfg.keyFile;
  if (cfg.jobs.some(needsKey) && !problems.some((p) => p.startsWith('keyFile:'))) {
    const p = keyProblem(keyFile, ctx);
    if (p) problems.push(p);
  }
  const tuning = readTuning(ctx.env);
  const log = createEventLog(ctx.out, ctx.now);

  // Jobs get a context of their own: the chosen database, no terminal output (the run log
  // reports them), and a signal that does not fire on SIGTERM, so the job in flight finishes.
  const jobCtx = quietContext(ctx, dbTarget, dirname(configPath), keyFile);
  let outboxDb: DB | undefined;
  try {
    try {
      for (const m of missingBaselines(jobCtx, cfg.jobs)) problems.push(`${m.path}: no baseline named "${m.name}" in ${dbPath} (create it with \`payrecon baseline init ${m.name}\` first)`);
    } catch (err) {
      // A database that cannot be opened is its own error (19) unless there is more to say.
      if (!problems.length) throw err;
      problems.push(`db: ${(err as Error).message}`);
    }
    // stdout holds the one --json document: events written there would break it.
    if (ctx.out.json) cfg.alerts.forEach((s, i) => s?.type === 'jsonl' && s.path === '-' && problems.push(`alerts[${i}].path: "-" (stdout) cannot be used with --json, which prints its document there`));
    if (problems.length) throw configError(configPath, problems);
    const onceJob = opts.once === undefined ? undefined : cfg.jobs.find((j) => j.name === opts.once);
    if (opts.once !== undefined && !onceJob) {
      throw new UsageError(`--once: no job named "${opts.once}" in ${configPath}`, `its jobs: ${cfg.jobs.map((j) => j.name).join(', ')}`);
    }
    if (opts.check) {
      const sinks = cfg.alerts.map((s) => s.label);
      if (ctx.out.json) ctx.out.emitJson({ config: configPath, db: dbPath, jobs: cfg.jobs.map((j) => j.name), sinks, problems: [] });
      else ctx.out.info(`${configPath}: valid; ${cfg.jobs.length} job(s), ${sinks.length} sink(s), database ${dbPath}`);
      return 0;
    }
    outboxDb = openStore(dbTarget, { busyTimeoutMs: 0 });
    const outbox = new Outbox(outboxDb);
    const sinks = createSinks(cfg.alerts, ctx.env, { timeoutMs: tuning.timeoutMs }, { stdout: ctx.out.stdout, hostname: hostname() });
    await outbox.rekeyLegacyWebhooks(webhookKey);
    warnAboutOrphans(outbox, cfg, log);
    const dispatcher = new Dispatcher({ outbox, sinks, backoff: tuning.backoff, log, now: ctx.now });
    const scheduler = new Scheduler({
      jobs: cfg.jobs,
      sinkKeys: sinks.map((s) => s.key),
      outbox,
      runJob: withAlertRetention(createRunJob(jobCtx, keyFile, cfg.retention), outbox, cfg.retention?.alerts, ctx.now),
      log,
      now: ctx.now,
      onAlert: () => dispatcher.kick(),
      signal: ctx.signal,
    });
    const pending = [...outbox.pendingBySink().values()].reduce((a, b) => a + b, 0);
    if (onceJob) return await runOnce(onceJob, { scheduler, dispatcher, outbox, log, graceMs: tuning.graceMs, configPath, dbPath, pending }, ctx);
    log.event('started', { config: configPath, db: dbPath, jobs: cfg.jobs.length, sinks: sinks.map((s) => s.label), pending_deliveries: pending, pid: process.pid });
    dispatcher.start();
    scheduler.start();
    // A log shipper parses every line of this log: the last one, too.
    ctx.setForcedExitNote?.(() =>
      log.event('interrupted_again', { note: 'a second signal: exiting now; the job in flight is rolled back, undelivered alerts stay in the outbox' }, 'error'),
    );

    await untilAborted(ctx.signal);
    log.event('stopping', { reason: String(ctx.signal.reason ?? 'signal'), grace_ms: tuning.graceMs });
    await scheduler.stop();
    await dispatcher.drain(tuning.graceMs);
    const left = [...outbox.pendingBySink().values()].reduce((a, b) => a + b, 0);
    log.event('stopped', { ...scheduler.totals, deliveries: dispatcher.stats, pending_deliveries: left });
    outbox.close();
    if (ctx.out.json) {
      ctx.out.emitJson({ jobs: cfg.jobs.map((j) => j.name), ...scheduler.totals, deliveries: dispatcher.stats, pending_deliveries: left });
    }
    return 0;
  } finally {
    outboxDb?.close();
    jobCtx.close();
  }
}

/**
 * `--once <job>`: the job runs through Scheduler.trigger, as on a cron tick (the same alert
 * decisions: only findings not alerted before), then deliveries get the grace period to go
 * out. Whatever is left stays in the outbox for the next start. The exit code is the job's.
 */
async function runOnce(
  job: ScheduleConfig['jobs'][number],
  s: { scheduler: Scheduler; dispatcher: Dispatcher; outbox: Outbox; log: EventLog; graceMs: number; configPath: string; dbPath: string; pending: number },
  ctx: CommandContext,
): Promise<number> {
  s.log.event('once', { config: s.configPath, db: s.dbPath, job: job.name, command: job.command, pending_deliveries: s.pending, pid: process.pid });
  const result = await s.scheduler.trigger(job);
  s.dispatcher.start();
  await s.dispatcher.drain(s.graceMs);
  const left = [...s.outbox.pendingBySink().values()].reduce((a, b) => a + b, 0);
  s.log.event('stopped', { ...s.scheduler.totals, deliveries: s.dispatcher.stats, pending_deliveries: left });
  const exitCode = result?.exitCode ?? ExitCode.INTERNAL;
  if (ctx.out.json) ctx.out.emitJson({ job: job.name, exit_code: exitCode, alert: result?.alertId ?? null, new_findings: result?.newFindings ?? 0, deliveries: s.dispatcher.stats, pending_deliveries: left });
  return exitCode;
}

/** Scan jobs need the HMAC key every run: a missing or unusable key is found now, not at 2 am. */
function keyProblem(keyFile: string | undefined, ctx: CommandContext): string | undefined {
  try {
    loadKey(keyFile, ctx.env, ctx.cwd);
    return undefined;
  } catch (err) {
    if (err instanceof UsageError) return 'keyFile: scan jobs need an HMAC key file, and so do reconcile jobs with requireClean (set "keyFile" in the config, pass --key-file, or set PAYRECON_KEY_FILE)';
    if (!(err instanceof PayreconError)) throw err;
    return `keyFile: ${err.message}${err.hint ? ` (${err.hint})` : ''}`;
  }
}

/** After each job, delivered alerts beyond the config's `retention.alerts` are forgotten. */
function withAlertRetention(run: RunJob, outbox: Outbox, keep: string | number | undefined, now: () => Date): RunJob {
  if (keep === undefined) return run;
  const parsed = parseKeep(String(keep));
  return async (job) => {
    const outcome = await run(job);
    await outbox.pruneDelivered(parsed, now().getTime());
    return outcome;
  };
}

/** A context for jobs: the chosen database and key, no terminal output, a signal SIGTERM does not fire. */
export function quietContext(ctx: CommandContext, dbTarget: string, cwd: string, keyFile: string | undefined): CommandContext {
  const discard = () => new Writable({ write: (_c, _e, cb) => cb() });
  return createContext({
    global: { db: dbTarget, json: true, quiet: true, color: false },
    // The scan jobs' key also seals the audit entries of every job.
    env: keyFile ? { ...ctx.env, PAYRECON_KEY_FILE: keyFile } : ctx.env,
    cwd,
    signal: new AbortController().signal,
    now: ctx.now,
    stdout: discard(),
    stderr: discard(),
  });
}

/** Alerts left for a sink that is no longer configured are kept, and said so, not dropped. */
function warnAboutOrphans(outbox: Outbox, cfg: ScheduleConfig, log: EventLog): void {
  const configured = new Set(cfg.alerts.map((s) => s.key));
  for (const [sink, n] of outbox.pendingBySink()) {
    if (configured.has(sink)) continue;
    // A webhook's key is a digest of its URL: nothing secret to hide, and nothing to show.
    log.event('orphaned_deliveries', { sink, pending: n, note: 'this sink is no longer in the config; its alerts stay in the outbox' }, 'warn');
  }
}

export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((r) => signal.addEventListener('abort', () => r(), { once: true }));
}
