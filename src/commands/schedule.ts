/**
 * `payrecon schedule --config <file>`: validate the config, then run jobs on cron and deliver
 * alerts until SIGTERM/SIGINT; then finish the job in flight, deliver what can be delivered
 * within the grace period, leave the rest in the outbox, and exit 0.
 */
import { dirname, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { loadKey } from '../checksums/key-file.js';
import { createContext, type CommandContext } from '../context.js';
import { openDatabase } from '../db/open.js';
import { InputError, UsageError } from '../errors.js';
import { loadScheduleConfig, webhookKey, type ScheduleConfig } from '../schedule/config.js';
import { Dispatcher } from '../schedule/dispatcher.js';
import { createRunJob, missingBaselines } from '../schedule/jobs.js';
import { createEventLog, type EventLog } from '../schedule/log.js';
import { Outbox } from '../schedule/outbox.js';
import { Scheduler } from '../schedule/scheduler.js';
import { createSinks } from '../schedule/sinks/index.js';
import { readTuning } from '../schedule/tuning.js';

export interface ScheduleOptions {
  config: string;
  keyFile?: string;
  /** The global --db, when given on the command line (it beats the config's `db`). */
  db?: string;
}

export async function run(opts: ScheduleOptions, ctx: CommandContext): Promise<number> {
  const configPath = resolve(ctx.cwd, opts.config);
  const cfg = loadScheduleConfig(configPath, ctx.env);
  const dbPath = opts.db !== undefined || !cfg.db ? ctx.dbPath : cfg.db;
  // Resolved once, here: jobs run with the config's directory as their working directory.
  const keyFileGiven = opts.keyFile ?? (cfg.keyFile ? undefined : ctx.env.PAYRECON_KEY_FILE);
  const keyFile = keyFileGiven ? resolve(ctx.cwd, keyFileGiven) : cfg.keyFile;
  if (cfg.jobs.some((j) => j.scan)) checkKey(keyFile, ctx, configPath);
  const tuning = readTuning(ctx.env);
  const log = createEventLog(ctx.out, ctx.now);

  // Jobs get a context of their own: the chosen database, no terminal output (the run log
  // reports them), and a signal that does not fire on SIGTERM, so the job in flight finishes.
  const jobCtx = quietContext(ctx, dbPath, dirname(configPath));
  let outboxDb: ReturnType<typeof openDatabase> | undefined;
  try {
    const missing = missingBaselines(jobCtx, cfg.jobs);
    if (missing.length) {
      const list = missing.map((m) => `${m.path}: no baseline named "${m.name}" in ${dbPath}`);
      throw new InputError('invalid scheduler config:', { file: configPath }, 'create it with `payrecon baseline init <name>` first', list);
    }
    outboxDb = openDatabase(dbPath, { busyTimeoutMs: 0 });
    const outbox = new Outbox(outboxDb);
    const sinks = createSinks(cfg.alerts, ctx.env, { timeoutMs: tuning.timeoutMs });
    await outbox.rekeyLegacyWebhooks(webhookKey);
    warnAboutOrphans(outbox, cfg, log);
    const dispatcher = new Dispatcher({ outbox, sinks, backoff: tuning.backoff, log, now: ctx.now });
    const scheduler = new Scheduler({
      jobs: cfg.jobs,
      sinkKeys: sinks.map((s) => s.key),
      outbox,
      runJob: createRunJob(jobCtx, keyFile),
      log,
      now: ctx.now,
      onAlert: () => dispatcher.kick(),
    });
    const pending = [...outbox.pendingBySink().values()].reduce((a, b) => a + b, 0);
    log.event('started', { config: configPath, db: dbPath, jobs: cfg.jobs.length, sinks: sinks.map((s) => s.label), pending_deliveries: pending, pid: process.pid });
    dispatcher.start();
    scheduler.start();

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

/** Scan jobs need the HMAC key every run: a missing or unusable key is found now, not at 2 am. */
function checkKey(keyFile: string | undefined, ctx: CommandContext, configPath: string): void {
  try {
    loadKey(keyFile, ctx.env, ctx.cwd);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    throw new InputError('keyFile: scan jobs need an HMAC key file', { file: configPath }, 'set "keyFile" in the config, pass --key-file, or set PAYRECON_KEY_FILE');
  }
}

function quietContext(ctx: CommandContext, dbPath: string, cwd: string): CommandContext {
  const discard = () => new Writable({ write: (_c, _e, cb) => cb() });
  return createContext({
    global: { db: dbPath, json: true, quiet: true, color: false },
    env: ctx.env,
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

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((r) => signal.addEventListener('abort', () => r(), { once: true }));
}
