/**
 * The scheduler core: fires jobs on node-cron, never lets a job overlap itself, runs jobs one
 * at a time (SQLite has one writer, and jobs hold write transactions across awaits), decides
 * what to alert, and logs one line per run. The job itself is a dependency (`runJob`), so the
 * core is tested with plain functions and the command wires in import/reconcile/scan.
 */
import { hostname } from 'node:os';
import cron, { type Logger, type ScheduledTask } from 'node-cron';
import { ExitCode, PayreconError } from '../errors.js';
import type { AuditAnchor } from '../domain/audit.js';
import { buildAlert, serializeAlert } from './alert.js';
import type { JobConfig } from './config.js';
import { diffFindings, failureFingerprint } from './fingerprint.js';
import type { EventLog } from './log.js';
import type { Outbox, RunRecord } from './outbox.js';

/** What one run of a job found. */
export interface JobOutcome {
  /** 0-15: the findings bitmask; 16 and up when part of the job failed (then `error` says why). */
  exitCode: number;
  /** Small numbers for the run log (files imported, discrepancies, files scanned...). */
  counts: Record<string, unknown>;
  /** The findings (scan findings or reconcile discrepancies) that alerts consider. */
  items: unknown[];
  /** A failure that did not stop the run (e.g. an inbox file that could not be imported). */
  error?: string;
  /** The audit log's anchor after the job, carried into its alert. */
  audit?: AuditAnchor;
}

export type RunJob = (job: JobConfig) => Promise<JobOutcome>;

export interface SchedulerOptions {
  jobs: JobConfig[];
  /** Keys of the configured sinks; every alert is enqueued once per sink. */
  sinkKeys: string[];
  outbox: Outbox;
  runJob: RunJob;
  log: EventLog;
  /** Called after an alert is enqueued (wakes the dispatcher). */
  onAlert?: (alertId: string) => void;
  /** Aborted on SIGINT/SIGTERM: no job starts after it fired. */
  signal?: AbortSignal;
  now?: () => Date;
  newId?: () => string;
  /** The name alerts carry (default: this machine's host name). */
  host?: string;
}

/** What a finished run produced (for tests and the summary). */
export interface RunResult {
  job: string;
  exitCode: number;
  alertId?: string;
  newFindings: number;
}

type JobState = 'idle' | 'queued' | 'running';

export class Scheduler {
  readonly totals = { runs: 0, failed: 0, skipped: 0, alerts: 0 };
  private chain: Promise<unknown> = Promise.resolve();
  private readonly state = new Map<string, JobState>();
  private readonly tasks: ScheduledTask[] = [];
  private stopping = false;
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(private readonly opts: SchedulerOptions) {
    this.now = opts.now ?? (() => new Date());
    this.newId = opts.newId ?? (() => crypto.randomUUID());
    for (const j of opts.jobs) this.state.set(j.name, 'idle');
  }

  /** Put every job on its cron schedule and log when each runs next. */
  start(): void {
    const logger = cronLogger(this.opts.log);
    for (const job of this.opts.jobs) {
      const task = cron.createTask(job.cron, (c) => this.fire(job, c.date), { name: job.name, noOverlap: true, timezone: job.timezone, logger });
      task.on('execution:overlap', (c) => this.skipped(job, c.date, 'the previous run is still in progress'));
      task.on('execution:missed', (c) => this.skipped(job, c.date, 'missed: the process was busy at the scheduled time'));
      void task.start();
      this.tasks.push(task);
      this.opts.log.event('scheduled', { job: job.name, command: job.command, cron: job.cron, timezone: job.timezone, next_run: task.getNextRun()?.toISOString() ?? null });
    }
  }

  /** A cron tick: run `job` unless another scheduler on the same database took this tick. */
  private fire(job: JobConfig, tick: Date): Promise<RunResult | undefined> {
    // Claim only a tick this scheduler would run: one it skips (busy, stopping) stays for the others.
    if (this.stopping || this.state.get(job.name) !== 'idle') return this.trigger(job);
    let mine: boolean;
    try {
      mine = this.opts.outbox.claimTick(job.name, tick);
    } catch (err) {
      // The database is out of reach: the run would fail the same way and say so.
      this.opts.log.event('claim_error', { job: job.name, error: (err as Error)?.message ?? String(err) }, 'error');
      mine = true;
    }
    if (!mine) {
      // Not a problem: the tick runs, on the other scheduler.
      this.skipped(job, tick, 'another scheduler on this database runs this tick', 'info');
      return Promise.resolve(undefined);
    }
    return this.trigger(job, tick);
  }

  /** Run `job` now unless it is already running or waiting; resolves when the run is done. */
  trigger(job: JobConfig, tick?: Date): Promise<RunResult | undefined> {
    const state = this.state.get(job.name);
    if (this.stopping || state !== 'idle') {
      this.skipped(job, this.now(), this.stopping ? 'shutting down' : state === 'running' ? 'the previous run is still in progress' : 'the previous run is still waiting for another job to finish');
      return Promise.resolve(undefined);
    }
    this.state.set(job.name, 'queued');
    const run = this.chain.then(() => this.execute(job, tick));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Stop firing, let the job in flight finish, drop the ones only waiting. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.tasks.map(async (t) => t.destroy()));
    await this.chain;
  }

  private skipped(job: JobConfig, at: Date, reason: string, level: 'info' | 'warn' = 'warn'): void {
    this.totals.skipped++;
    this.opts.log.event('skipped', { job: job.name, at: at.toISOString(), reason }, level);
  }

  private async execute(job: JobConfig, tick?: Date): Promise<RunResult | undefined> {
    this.state.set(job.name, 'running');
    // A long synchronous stretch (hashing) may end with a cron tick and a signal both pending;
    // timers run before signals, so let the signal be delivered before deciding to start.
    await new Promise(setImmediate);
    if (this.stopping || this.opts.signal?.aborted) {
      this.state.set(job.name, 'idle');
      this.skipped(job, this.now(), 'shutting down');
      return undefined;
    }
    const start = this.now();
    let outcome: JobOutcome | undefined;
    let failure: { exitCode: number; message: string } | undefined;
    try {
      outcome = await this.opts.runJob(job);
      if (outcome.error) failure = { exitCode: outcome.exitCode, message: outcome.error };
    } catch (err) {
      failure = describeFailure(err);
    }
    const exitCode = failure?.exitCode ?? outcome?.exitCode ?? ExitCode.INTERNAL;
    let result: RunResult = { job: job.name, exitCode, newFindings: 0 };
    try {
      result = await this.alertFor(job, exitCode, outcome, failure);
    } catch (err) {
      this.opts.log.event('alert_error', { job: job.name, error: (err as Error)?.message ?? String(err) }, 'error');
    } finally {
      this.state.set(job.name, 'idle');
    }
    this.totals.runs++;
    if (failure) this.totals.failed++;
    this.opts.log.event(
      'run',
      {
        job: job.name,
        command: job.command,
        // The cron time this run is for (absent for --once): with several schedulers on one database, each tick runs once.
        tick: tick?.toISOString(),
        start: start.toISOString(),
        duration_ms: this.now().getTime() - start.getTime(),
        exit_code: exitCode,
        counts: outcome?.counts ?? {},
        new_findings: result.newFindings,
        alert: result.alertId ?? null,
        error: failure?.message,
      },
      failure ? 'error' : exitCode ? 'warn' : 'info',
    );
    return result;
  }

  /** Remember what this run reported and enqueue an alert for what was not alerted before. */
  private async alertFor(job: JobConfig, exitCode: number, outcome: JobOutcome | undefined, failure?: { message: string }): Promise<RunResult> {
    const alerted = this.opts.outbox.alerted(job.name);
    const findingFps = new Set([...alerted].filter(([, k]) => k === 'finding').map(([fp]) => fp));
    const failureFps = [...alerted].filter(([, k]) => k === 'failure').map(([fp]) => fp);
    const rec: RunRecord = { job: job.name, forget: [], remember: [], sinks: this.opts.sinkKeys, nowMs: this.now().getTime() };
    // The same failure again is not news; a different one, or one after a success, is.
    let newFailure = false;
    if (failure) {
      const fp = failureFingerprint(failure.message);
      newFailure = !alerted.has(fp);
      for (const f of failureFps) if (f !== fp) rec.forget.push(f);
      rec.remember.push({ fingerprint: fp, kind: 'failure' });
    } else {
      for (const f of failureFps) rec.forget.push(f);
    }
    const fresh: unknown[] = [];
    // A run that threw says nothing about findings: keep remembering what was alerted.
    if (outcome) {
      const diff = diffFindings(outcome.items, findingFps);
      // Loops, not push(...spread): a spread passes every element as an argument, and a run
      // with a few hundred thousand findings overflows the call stack (the alert was lost).
      for (const fp of diff.gone) rec.forget.push(fp);
      for (const f of diff.fresh) {
        rec.remember.push({ fingerprint: f.fingerprint, kind: 'finding' });
        fresh.push(f.item);
      }
    }
    let alertId: string | undefined;
    if (fresh.length > 0 || newFailure) {
      alertId = this.newId();
      const at = this.now();
      const body = buildAlert({ id: alertId, job: job.name, command: job.command, exitCode, at, host: this.opts.host ?? hostname(), items: fresh, error: failure?.message, audit: outcome?.audit });
      rec.alert = { id: alertId, body: serializeAlert(body), at: at.toISOString() };
    }
    await this.opts.outbox.recordRun(rec);
    if (alertId) {
      this.totals.alerts++;
      this.opts.onAlert?.(alertId);
    }
    return { job: job.name, exitCode, alertId, newFindings: fresh.length };
  }
}

function describeFailure(err: unknown): { exitCode: number; message: string } {
  if (err instanceof PayreconError) {
    // The content-free summary when the error has one: alerts leave the machine.
    if (err.summary) return { exitCode: err.exitCode, message: err.summary };
    return { exitCode: err.exitCode, message: err.hint ? `${err.message} (${err.hint})` : err.message };
  }
  return { exitCode: ExitCode.INTERNAL, message: `internal error: ${(err as Error)?.message ?? String(err)}` };
}

/** node-cron's own warnings, as scheduler events (overlaps are logged by the listeners). */
function cronLogger(log: EventLog): Logger {
  const emit = (level: 'info' | 'warn' | 'error', message: string | Error, err?: Error) => {
    const text = message instanceof Error ? message.message : message;
    if (/overlap prevention|missed execution/.test(text)) return;
    log.event('cron', { message: text, error: err?.message }, level);
  };
  return {
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m, e) => emit('error', m, e),
    debug: () => undefined,
  };
}
