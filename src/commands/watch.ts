/**
 * `payrecon watch <name...>`: scan baselines when their files change (src/schedule/watcher.ts,
 * src/schedule/watch-loop.ts), at start and every --rescan. Each scan is the scan operation run
 * as a scheduler job (`watch:<name>`), so findings are recorded, signed and alerted (the sinks
 * of --config) exactly as a scheduled scan's. New findings are printed as they appear (people:
 * finding lines; --jsonl: one event each); the run log goes to stderr. SIGTERM/SIGINT: the scan
 * in flight finishes, alerts are delivered within the grace period, exit 0.
 */
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { systemAccountNames } from '../checksums/accounts.js';
import { eventLine, findingEvent, type FindingItem } from '../checksums/events.js';
import type { BaselineSpec } from '../checksums/profiles.js';
import { findingLine } from '../checksums/render.js';
import { findingKey } from '../checksums/compare.js';
import { loadKey } from '../checksums/key-file.js';
import type { CommandContext } from '../context.js';
import type { DB } from '../db/open.js';
import { openStore, storeDisplay } from '../db/store.js';
import { FINDING_KINDS } from '../domain/integrity.js';
import { UsageError } from '../errors.js';
import { requireBaseline } from '../operations/scan.js';
import { printable } from '../output.js';
import { configError, inspectScheduleConfig, type JobConfig, type SinkConfig } from '../schedule/config.js';
import { Dispatcher } from '../schedule/dispatcher.js';
import { createRunJob } from '../schedule/jobs.js';
import { createEventLog } from '../schedule/log.js';
import { Outbox } from '../schedule/outbox.js';
import { Scheduler } from '../schedule/scheduler.js';
import { createSinks } from '../schedule/sinks/index.js';
import { readTuning } from '../schedule/tuning.js';
import { WatchLoop, type ScanReason } from '../schedule/watch-loop.js';
import { parseFailOn } from './options.js';
import { quietContext, untilAborted } from './schedule.js';

export interface WatchOptions {
  rescan?: string;
  failOn?: string;
  keyFile?: string;
  config?: string;
  jsonl?: boolean;
  /** The global --db, when given on the command line (it beats the config's `db`). */
  db?: string;
}

/** `90`, `30s`, `5m`, `1h`: at least a second, at most a day. */
export function parseInterval(option: string, value: string): number {
  const m = /^(\d+)(s|m|h)?$/.exec(value.trim());
  const ms = m ? Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 's' | 'm' | 'h'] : NaN;
  if (!(ms >= 1000 && ms <= 86_400_000)) throw new UsageError(`${option} must be a duration from 1s to 24h such as 30s, 5m or 1h; got "${value}"`);
  return ms;
}

export async function run(names: string[], opts: WatchOptions, ctx: CommandContext): Promise<number> {
  const failOn = parseFailOn(opts.failOn, FINDING_KINDS);
  const rescanMs = parseInterval('--rescan', opts.rescan ?? '10m');
  if (opts.jsonl && ctx.out.json) throw new UsageError('--json and --jsonl are two different outputs', 'choose one');
  let alerts: SinkConfig[] = [];
  let dbTarget = ctx.dbTarget;
  let keyFile = opts.keyFile ? resolve(ctx.cwd, opts.keyFile) : undefined;
  let cwd = ctx.cwd;
  if (opts.config) {
    const configPath = resolve(ctx.cwd, opts.config);
    const { cfg, problems } = inspectScheduleConfig(configPath, ctx.env);
    if (problems.length) throw configError(configPath, problems);
    alerts = cfg.alerts;
    // The same order as `payrecon schedule`: the command line, then the config, then the environment.
    if (opts.db === undefined && cfg.db) dbTarget = cfg.db;
    keyFile ??= cfg.keyFile;
    cwd = dirname(configPath);
  }
  keyFile ??= ctx.env.PAYRECON_KEY_FILE ? resolve(ctx.cwd, ctx.env.PAYRECON_KEY_FILE) : undefined;
  // The key is needed for every scan: a missing or loose one is refused now, not at the first change.
  loadKey(keyFile, ctx.env, ctx.cwd);

  const dbPath = storeDisplay(dbTarget);
  const jobCtx = quietContext(ctx, dbTarget, cwd, keyFile);
  let outboxDb: DB | undefined;
  try {
    const specs = new Map<string, BaselineSpec>();
    for (const name of new Set(names)) specs.set(name, JSON.parse(requireBaseline(jobCtx.db(), name).spec) as BaselineSpec);
    const log = createEventLog(ctx.out, ctx.now);
    const tuning = readTuning(ctx.env);
    outboxDb = openStore(dbTarget, { busyTimeoutMs: 0 });
    const outbox = new Outbox(outboxDb);
    const sinks = createSinks(alerts, ctx.env, { timeoutMs: tuning.timeoutMs }, { stdout: ctx.out.stdout, hostname: hostname() });
    const dispatcher = new Dispatcher({ outbox, sinks, backoff: tuning.backoff, log, now: ctx.now });
    const jobs = new Map<string, JobConfig>(
      [...specs.keys()].map((name) => [name, { name: `watch:${name}`, cron: '-', command: 'scan', scan: { baselines: [name], failOn: failOn && [...failOn] } }]),
    );
    const print = printer(ctx, opts.jsonl === true);
    const runScan = createRunJob(jobCtx, keyFile);
    let reason: ScanReason = 'start';
    const scheduler = new Scheduler({
      jobs: [...jobs.values()],
      sinkKeys: sinks.map((s) => s.key),
      outbox,
      log,
      now: ctx.now,
      onAlert: () => dispatcher.kick(),
      runJob: async (job) => {
        const outcome = await runScan(job);
        print(job.scan!.baselines[0], reason, outcome.items as FindingItem[]);
        return outcome;
      },
    });
    // The database (and its journal) changes with every scan: never a reason to scan again.
    const own = new Set(['', '-wal', '-shm', '-journal'].map((s) => resolve(dbTarget) + s));
    const loop = new WatchLoop({
      specs,
      log,
      rescanMs,
      ignore: (p) => own.has(p),
      scan: async (name, why) => {
        reason = why;
        await scheduler.trigger(jobs.get(name)!);
      },
    });
    log.event('started', { command: 'watch', db: dbPath, baselines: [...specs.keys()], rescan_s: rescanMs / 1000, sinks: sinks.map((s) => s.label), pid: process.pid });
    dispatcher.start();
    loop.start();
    await untilAborted(ctx.signal);
    log.event('stopping', { reason: String(ctx.signal.reason ?? 'signal'), grace_ms: tuning.graceMs });
    await loop.stop();
    await scheduler.stop();
    await dispatcher.drain(tuning.graceMs);
    const summary = { baselines: [...specs.keys()], scans: loop.totals.scans, events: loop.totals.events, watch_errors: loop.totals.errors, ...scheduler.totals, deliveries: dispatcher.stats };
    log.event('stopped', summary);
    outbox.close();
    if (ctx.out.json) ctx.out.emitJson(summary);
    return 0;
  } finally {
    outboxDb?.close();
    jobCtx.close();
  }
}

/** Prints each baseline's findings that the previous scan in this process did not show. */
function printer(ctx: CommandContext, jsonl: boolean) {
  const shown = new Map<string, Set<string>>();
  const names = systemAccountNames();
  const host = hostname();
  return (baseline: string, reason: ScanReason, items: FindingItem[]) => {
    const before = shown.get(baseline) ?? new Set<string>();
    const now = new Set(items.map(findingKey));
    shown.set(baseline, now);
    if (ctx.out.json) return;
    const fresh = items.filter((f) => !before.has(findingKey(f)));
    if (!fresh.length) return;
    if (jsonl) {
      const at = ctx.now();
      for (const f of fresh) ctx.out.stdout.write(eventLine(findingEvent(f, at, host)) + '\n');
      return;
    }
    ctx.out.info(`${ctx.now().toISOString()} scan ${fresh[0].scan} of baseline "${printable(baseline)}" (${reason}): ${fresh.length} new finding${fresh.length === 1 ? '' : 's'}`);
    for (const f of fresh) ctx.out.info(findingLine(f, ctx.out.c));
  };
}
