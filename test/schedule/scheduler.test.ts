import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { JobConfig } from '../../src/schedule/config.js';
import { MemoryLog } from '../../src/schedule/log.js';
import { Scheduler, type JobOutcome, type RunJob } from '../../src/schedule/scheduler.js';
import { tempStore } from '../helpers/schedule-support.js';

const keysJob: JobConfig = { name: 'keys', cron: '* * * * * *', command: 'scan', scan: { baselines: ['keys'] } };
const reconJob: JobConfig = { name: 'recon', cron: '* * * * * *', command: 'reconcile', reconcile: {} };

let cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

const changedKey = { path: '/etc/ssl/private/api.key', kind: 'changed', attributes: ['sha256'], severity: 'high', first_seen_scan: 1 };

function ok(items: unknown[], exitCode = items.length ? 4 : 0): JobOutcome {
  return { exitCode, counts: { files: 3 }, items };
}

function setup(runJob: RunJob, jobs: JobConfig[] = [keysJob], signal?: AbortSignal) {
  const store = tempStore();
  const { db, outbox } = store.open();
  const log = new MemoryLog();
  const scheduler = new Scheduler({ jobs, sinkKeys: ['file a', 'webhook b'], outbox, runJob, log, signal });
  cleanups.push(() => scheduler.stop(), () => store.cleanup());
  const alerts = () =>
    (db.prepare('SELECT body FROM schedule_alerts ORDER BY rowid').all() as Array<{ body: string }>).map((r) => JSON.parse(r.body));
  const outboxCount = () => (db.prepare('SELECT COUNT(*) AS n FROM schedule_outbox').get() as { n: number }).n;
  return { scheduler, log, alerts, outboxCount };
}

describe('what gets alerted', () => {
  it('an unchanged finding over several runs is alerted once; a change is new; its return after going away is new', async () => {
    // Each run reports what the list says; the scan id (first_seen_scan) differs run to run.
    const runs: unknown[][] = [
      [changedKey],
      [{ ...changedKey, first_seen_scan: 2 }],
      [{ ...changedKey, first_seen_scan: 3 }],
      [{ ...changedKey, attributes: ['mode', 'sha256'] }],
      [],
      [changedKey],
    ];
    let i = 0;
    const { scheduler, alerts, outboxCount } = setup(async () => ok(runs[i++]));
    for (let k = 0; k < runs.length; k++) await scheduler.trigger(keysJob);

    const sent = alerts();
    expect(sent).toHaveLength(3);
    expect(sent.map((a) => a.findings.map((f: { attributes: string[] }) => f.attributes.join('+')))).toEqual([['sha256'], ['mode+sha256'], ['sha256']]);
    expect(sent[0]).toMatchObject({ job: 'keys', command: 'scan', exit_code: 4 });
    expect(outboxCount()).toBe(3 * 2); // every alert once per configured sink
  });

  it('only the new findings of a run are in its alert', async () => {
    const other = { path: '/etc/ssh/sshd_config', kind: 'added', severity: 'medium' };
    const runs = [[changedKey], [changedKey, other]];
    let i = 0;
    const { scheduler, alerts } = setup(async () => ok(runs[i++]));
    await scheduler.trigger(keysJob);
    await scheduler.trigger(keysJob);
    expect(alerts().map((a) => a.findings.map((f: { path: string }) => f.path))).toEqual([[changedKey.path], [other.path]]);
  });

  it('reconcile jobs carry "discrepancies"', async () => {
    const d = { id: 41, kind: 'amount_mismatch', currency: 'EUR', reference: 'ORD-2002', psp: { id: 'p1', amount: '57.28' }, ledger: { id: 'L1', amount: '57.20' }, difference: '0.08' };
    const { scheduler, alerts } = setup(async () => ok([d]), [reconJob]);
    await scheduler.trigger(reconJob);
    const [a] = alerts();
    expect(Object.keys(a)).toEqual(['id', 'job', 'command', 'exit_code', 'at', 'host', 'text', 'discrepancies']);
    expect(a.discrepancies).toEqual([d]);
  });

  it('a job that throws is alerted with its error; the scheduler keeps running; the same failure again is not re-sent', async () => {
    const script: Array<() => JobOutcome> = [
      () => {
        throw new InputError('no baseline named "keys"');
      },
      () => {
        throw new InputError('no baseline named "keys"');
      },
      () => ok([]),
      () => {
        throw new Error('disk on fire');
      },
    ];
    let i = 0;
    const { scheduler, alerts, log } = setup(async () => script[i++]());
    const results = [];
    for (let k = 0; k < script.length; k++) results.push(await scheduler.trigger(keysJob));

    expect(results.map((r) => r?.exitCode)).toEqual([17, 17, 0, 21]);
    const sent = alerts();
    expect(sent.map((a) => [a.exit_code, a.error])).toEqual([
      [17, 'no baseline named "keys"'],
      [21, 'internal error: disk on fire'],
    ]);
    expect(sent[0].findings).toEqual([]);
    expect(log.named('run').map((e) => e.level)).toEqual(['error', 'error', 'info', 'error']);
  });
});

describe('running jobs', () => {
  it('a job never overlaps itself: a trigger while it runs is skipped and logged', async () => {
    let release!: () => void;
    let started = 0;
    const { scheduler, log } = setup(async () => {
      started++;
      await new Promise<void>((r) => (release = r));
      return ok([]);
    });
    const first = scheduler.trigger(keysJob);
    // Wait until the job is running (the scheduler yields once before starting one).
    while (started === 0) await new Promise((r) => setImmediate(r));
    const second = await scheduler.trigger(keysJob);
    expect(second).toBeUndefined();
    expect(log.named('skipped')).toEqual([expect.objectContaining({ fields: expect.objectContaining({ job: 'keys', reason: 'the previous run is still in progress' }) })]);
    release();
    expect(await first).toMatchObject({ job: 'keys', exitCode: 0 });
    expect(started).toBe(1);
  });

  it('starts nothing once a signal arrived, even a job queued before it', async () => {
    const controller = new AbortController();
    let started = 0;
    const { scheduler, log } = setup(async () => {
      started++;
      return ok([]);
    }, [keysJob], controller.signal);
    // Fired (e.g. by a cron tick that was due) in the same turn as the signal arrives.
    const run = scheduler.trigger(keysJob);
    controller.abort('SIGTERM');
    expect(await run).toBeUndefined();
    expect(started).toBe(0);
    expect(log.named('skipped')).toEqual([expect.objectContaining({ fields: expect.objectContaining({ job: 'keys', reason: 'shutting down' }) })]);
  });

  it('different jobs run one at a time (one SQLite writer), in the order they fired', async () => {
    const order: string[] = [];
    const { scheduler } = setup(async (job) => {
      order.push(`start ${job.name}`);
      await new Promise((r) => setTimeout(r, 5));
      order.push(`end ${job.name}`);
      return ok([]);
    }, [keysJob, reconJob]);
    await Promise.all([scheduler.trigger(keysJob), scheduler.trigger(reconJob)]);
    expect(order).toEqual(['start keys', 'end keys', 'start recon', 'end recon']);
  });

  it('logs one structured line per run: job, start, duration, exit code, counts', async () => {
    const { scheduler, log } = setup(async () => ok([changedKey]));
    await scheduler.trigger(keysJob);
    const [line] = log.named('run');
    expect(line.fields).toMatchObject({ job: 'keys', command: 'scan', exit_code: 4, counts: { files: 3 }, new_findings: 1 });
    expect(new Date(line.fields.start as string).toString()).not.toBe('Invalid Date');
    expect(line.fields.duration_ms).toEqual(expect.any(Number));
  });

  it('fires on node-cron (per-second expression), logs the next run time, and stops cleanly', async () => {
    let runs = 0;
    const { scheduler, log } = setup(async () => {
      runs++;
      return ok([]);
    });
    scheduler.start();
    const [scheduled] = log.named('scheduled');
    expect(scheduled.fields).toMatchObject({ job: 'keys', cron: '* * * * * *' });
    expect(Date.parse(scheduled.fields.next_run as string)).toBeGreaterThan(Date.now() - 1000);
    const until = Date.now() + 10_000;
    while (runs < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await scheduler.stop();
    const after = runs;
    expect(after).toBeGreaterThanOrEqual(2);
    // A stopped scheduler refuses new runs.
    expect(await scheduler.trigger(keysJob)).toBeUndefined();
    expect(runs).toBe(after);
  });
});
