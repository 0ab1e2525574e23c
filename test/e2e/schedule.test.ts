/**
 * `payrecon schedule` end to end: the built CLI with a per-second cron, a real scan job, a
 * webhook receiver on 127.0.0.1 and SIGTERM. Run `npm run build` first.
 */
import { chmodSync, copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../src/db/open.js';
import { WRITER_LOCK } from '../../src/db/pg/database.js';
import { storeDisplay } from '../../src/db/store.js';
import { onPostgres, openTestStore, storeFor } from '../helpers/backend.js';
import { FIXTURES, runCli, startCli, tempDir } from '../helpers/cli.js';
import { configStore } from '../helpers/config-store.js';
import { storedBytes } from '../helpers/store-copy.js';
import { freePort, signatureValid, startReceiver } from '../helpers/webhook-receiver.js';

const SECRET = 'e2e-secret';
type LogLine = Record<string, any> & { event: string };

let cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** A db with a baseline "keys" over two files, one of which is then changed (a finding). */
function world() {
  const tmp = tempDir('payrecon-e2e-sched-');
  cleanups.push(() => tmp.cleanup());
  const dir = tmp.dir;
  const watched = join(dir, 'secrets');
  mkdirSync(watched);
  writeFileSync(join(watched, 'api.key'), 'first version of the key\n', { mode: 0o600 });
  writeFileSync(join(watched, 'db.conf'), 'host=db\n', { mode: 0o600 });
  const key = join(dir, 'hmac.key');
  writeFileSync(key, 'k'.repeat(32));
  chmodSync(key, 0o600);
  const db = join(dir, 'x.db');
  const init = runCli(['--db', db, 'baseline', 'init', 'keys', '--path', watched, '--key-file', key]);
  expect(init.code, init.stderr).toBe(0);
  writeFileSync(join(watched, 'api.key'), 'second version of the key\n', { mode: 0o600 });
  return { dir, db, key, watched };
}

function writeConfig(dir: string, config: unknown, name = 'schedule.json'): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

function logLines(stderr: string): LogLine[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}

function start(args: string[], env: NodeJS.ProcessEnv = {}) {
  const p = startCli(args, {
    env: { PAYRECON_WEBHOOK_SECRET: SECRET, PAYRECON_ALERT_RETRY_BASE_MS: '20', PAYRECON_ALERT_RETRY_MAX_MS: '100', PAYRECON_SHUTDOWN_GRACE_MS: '2000', ...env },
  });
  cleanups.push(() => {
    if (p.child.exitCode === null) p.child.kill('SIGKILL');
  });
  const lines = () => logLines(p.output().stderr);
  const until = async (what: string, cond: (l: LogLine[]) => boolean, ms = 20_000) => {
    const deadline = Date.now() + ms;
    while (!cond(lines())) {
      if (p.child.exitCode !== null) throw new Error(`schedule exited (${p.child.exitCode}) before ${what}:\n${p.output().stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${p.output().stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { ...p, lines, until };
}

const scanJob = { name: 'keys', cron: '* * * * * *', scan: { baselines: ['keys'] } };

describe('payrecon schedule', () => {
  it('runs the scan every second, alerts an unchanged finding once (signed webhook + file), exits 0 on SIGTERM', async () => {
    const w = world();
    const rx = await startReceiver();
    cleanups.push(() => rx.close());
    rx.plan([503]); // the first delivery attempt fails: retried under the same id
    const alertsFile = join(w.dir, 'alerts.jsonl');
    const config = writeConfig(w.dir, {
      db: configStore(w.dir, 'x.db'),
      keyFile: 'hmac.key',
      alerts: [
        { type: 'webhook', url: rx.url, secretEnv: 'PAYRECON_WEBHOOK_SECRET' },
        { type: 'file', path: 'alerts.jsonl' },
      ],
      jobs: [scanJob],
    });
    const p = start(['schedule', '--config', config]);
    await p.until('three runs', (l) => l.filter((x) => x.event === 'run').length >= 3);
    await p.until('the webhook delivery', () => rx.accepted().length >= 1);
    p.child.kill('SIGTERM');
    const r = await p.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');

    const lines = logLines(r.stderr);
    expect(lines.find((l) => l.event === 'scheduled')).toMatchObject({ job: 'keys', cron: '* * * * * *', next_run: expect.any(String) });
    const runs = lines.filter((l) => l.event === 'run');
    expect(runs[0]).toMatchObject({ job: 'keys', command: 'scan', exit_code: 4, counts: { changed: 1 }, duration_ms: expect.any(Number), start: expect.any(String) });
    // Three or more runs saw the changed key; one alert was sent.
    const alertIds = runs.map((l) => l.alert).filter(Boolean);
    expect(alertIds).toHaveLength(1);
    expect(rx.accepted()).toHaveLength(1);
    expect(new Set(rx.received.map((x) => x.headers['x-payrecon-delivery']))).toEqual(new Set(alertIds));
    const got = rx.accepted()[0];
    expect(signatureValid(SECRET, got.body, got.headers['x-payrecon-signature'])).toBe(true);
    const body = JSON.parse(got.body);
    expect(body).toMatchObject({ id: alertIds[0], job: 'keys', command: 'scan', exit_code: 4 });
    expect(body.findings).toEqual([expect.objectContaining({ path: join(w.watched, 'api.key'), kind: 'changed', attributes: expect.arrayContaining(['sha256']) })]);
    const fileLines = readFileSync(alertsFile, 'utf8').trimEnd().split('\n');
    expect(fileLines.map((l) => JSON.parse(l).id)).toEqual(alertIds);
    expect(lines.at(-1)).toMatchObject({ event: 'stopped', pending_deliveries: 0 });
  });

  it('a verify-only host: scan jobs run with the Ed25519 public key, and retention keeps the history short and verifiable', async () => {
    const w = world();
    // The baseline re-signed with an Ed25519 key where the private key lives; the host keeps the public key only.
    const keys = JSON.parse(runCli(['--json', 'key', 'generate', '--out', join(w.dir, 'keys')]).stdout);
    const db = join(w.dir, 'ed.db');
    expect(runCli(['--db', db, 'baseline', 'init', 'keys', '--path', w.watched, '--key-file', keys.private_key]).code).toBe(0);
    writeFileSync(join(w.watched, 'api.key'), 'third version of the key\n', { mode: 0o600 });
    const config = writeConfig(w.dir, { db: configStore(w.dir, 'ed.db'), keyFile: 'keys/payrecon-ed25519.pub', retention: { scans: 2, alerts: '30d' }, jobs: [scanJob] });
    const p = start(['schedule', '--config', config]);
    await p.until('four runs', (l) => l.filter((x) => x.event === 'run').length >= 4);
    p.child.kill('SIGTERM');
    const r = await p.done;
    expect(r.code, r.stderr).toBe(0);
    expect(logLines(r.stderr).filter((l) => l.event === 'run').every((l) => l.exit_code === 4)).toBe(true);
    const h = openTestStore(db);
    cleanups.push(() => h.close());
    expect(h.prepare('SELECT count(*) FROM scans').pluck().get()).toBe(2);
    expect(h.prepare('SELECT count(*) FROM scan_checkpoints WHERE pruned_before IS NOT NULL').pluck().get()).toBeGreaterThanOrEqual(2);
    const v = runCli(['--db', db, 'scan', '--verify-history', 'keys', '--key-file', keys.public_key]);
    expect(v.code, v.stderr).toBe(4);
  });

  it('SIGTERM while a job is in flight: the job finishes and is recorded, then exit 0', async () => {
    const w = world();
    const config = writeConfig(w.dir, { keyFile: 'hmac.key', jobs: [scanJob] });
    const other = openTestStore(w.db) as DB & { open: boolean };
    cleanups.push(() => other.open && other.close());
    const scanIds = () => other.prepare('SELECT id FROM scans').pluck().all() as number[];
    const earlier = new Set(scanIds());
    const p = start(['--db', w.db, 'schedule', '--config', config], { PAYRECON_BUSY_TIMEOUT_MS: '20000' });
    await p.until('the scheduler to start', (l) => l.some((x) => x.event === 'started'));
    // Hold the write lock from outside: the next run captures, then waits on the lock mid-job.
    // On PostgreSQL the write lock is payrecon's advisory writer lock (src/db/pg/database.ts).
    const lock = () => {
      if (onPostgres) {
        other.exec('BEGIN');
        other.prepare('SELECT pg_advisory_xact_lock(CAST(? AS BIGINT))').get(WRITER_LOCK);
      } else other.exec('BEGIN IMMEDIATE');
    };
    // Scans whose run has not logged yet. Taken between a run's scan commit and its run line,
    // the lock would stop that run's alert bookkeeping (the outbox's own connection, which
    // retries without sleeping in SQLite's busy handler and waits 1 ms per try on PostgreSQL),
    // not a scan: let that run finish and take the lock again.
    const loggedIds = (l: LogLine[]) => new Set(l.flatMap((x) => (x.event === 'run' ? (x.counts?.scans ?? []) : [])));
    for (;;) {
      lock();
      const unlogged = scanIds().filter((id) => !earlier.has(id) && !loggedIds(p.lines()).has(id));
      if (!unlogged.length) break;
      other.exec('COMMIT');
      await p.until(`the run of scan ${unlogged.join(', ')} to be logged`, (l) => unlogged.every((id) => loggedIds(l).has(id)));
    }
    const scansBefore = (other.prepare('SELECT COUNT(*) AS n FROM scans').get() as { n: number }).n;
    // Wait until a run is in flight: the scheduler's thread sleeping in SQLite's busy handler
    // on the lock held here, or its session waiting for the lock on PostgreSQL (not a guess at
    // when the next tick has come: a busy machine delays it).
    const waiting = () => (other.prepare("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").pluck().get() as number) > 0;
    await waitUntil('a run waiting on the lock', () => (onPostgres ? waiting() : inBusySleep(p.child.pid!)), 60_000);
    const killedAt = Date.now();
    p.child.kill('SIGTERM');
    other.exec('COMMIT');
    const r = await p.done;
    expect(r.code, r.stderr).toBe(0);

    const lines = logLines(r.stderr);
    const names = lines.map((l) => l.event);
    expect(names).toContain('stopping');
    expect(names.at(-1)).toBe('stopped');
    // The run in flight when the signal came (started before it, ended after it) finished
    // normally: its findings are in its log line and its scan was recorded, not rolled back.
    const inFlight = lines.filter((l) => l.event === 'run' && Date.parse(l.start) < killedAt && Date.parse(l.start) + l.duration_ms > killedAt);
    expect(inFlight).toEqual([expect.objectContaining({ job: 'keys', exit_code: 4 })]);
    const scansAfter = (other.prepare('SELECT COUNT(*) AS n FROM scans').get() as { n: number }).n;
    expect(scansAfter).toBeGreaterThan(scansBefore);
    expect(scanIds()).toEqual(expect.arrayContaining(inFlight[0].counts.scans));
  });

  it('a restart delivers what the outbox held, with the same delivery id', async () => {
    const w = world();
    const port = await freePort();
    const config = writeConfig(w.dir, {
      db: configStore(w.dir, 'x.db'),
      keyFile: 'hmac.key',
      alerts: [{ type: 'webhook', url: `http://127.0.0.1:${port}/hook`, secretEnv: 'PAYRECON_WEBHOOK_SECRET' }],
      jobs: [scanJob],
    });
    // First life: the receiver is down; the alert stays pending.
    const one = start(['schedule', '--config', config], { PAYRECON_SHUTDOWN_GRACE_MS: '0' });
    await one.until('a failed delivery', (l) => l.some((x) => x.event === 'delivery_retry'));
    one.child.kill('SIGTERM');
    const r1 = await one.done;
    expect(r1.code, r1.stderr).toBe(0);
    const alertId = logLines(r1.stderr).find((l) => l.event === 'run' && l.alert)?.alert;
    expect(alertId).toEqual(expect.any(String));
    expect(logLines(r1.stderr).at(-1)).toMatchObject({ event: 'stopped', pending_deliveries: 1 });

    // Second life: the receiver is back; the held alert arrives under its original id, once.
    const rx = await startReceiver(port);
    cleanups.push(() => rx.close());
    const two = start(['schedule', '--config', config]);
    await two.until('the delivery', () => rx.accepted().length >= 1);
    await two.until('a run after the restart', (l) => l.some((x) => x.event === 'run'));
    two.child.kill('SIGTERM');
    const r2 = await two.done;
    expect(r2.code, r2.stderr).toBe(0);
    expect(rx.received.map((x) => x.headers['x-payrecon-delivery'])).toEqual([alertId]);
    expect(JSON.parse(rx.received[0].body).id).toBe(alertId);
    // The finding did not change: the runs after the restart alert nothing new.
    expect(logLines(r2.stderr).filter((l) => l.event === 'run' && l.alert)).toEqual([]);
  });

  it('the database never holds a webhook URL or its token, including rows written under the old URL key', async () => {
    const w = world();
    const port = await freePort();
    const url = `http://hook-user:pw-s3cr3t@127.0.0.1:${port}/hook?token=q-s3cr3t`;
    const config = writeConfig(w.dir, { db: configStore(w.dir, 'x.db'), keyFile: 'hmac.key', alerts: [{ type: 'webhook', url, secretEnv: 'PAYRECON_WEBHOOK_SECRET' }], jobs: [scanJob] });
    // A pending row as an older payrecon keyed it ('webhook ' + url), for an alert already made.
    const first = start(['schedule', '--config', config], { PAYRECON_SHUTDOWN_GRACE_MS: '0' });
    await first.until('a failed delivery', (l) => l.some((x) => x.event === 'delivery_retry'));
    first.child.kill('SIGTERM');
    expect((await first.done).code).toBe(0);
    const h = openTestStore(w.db);
    h.prepare("UPDATE schedule_outbox SET sink = ?").run(`webhook ${url}`);
    h.close();
    const second = start(['schedule', '--config', config], { PAYRECON_SHUTDOWN_GRACE_MS: '0' });
    await second.until('a failed delivery', (l) => l.some((x) => x.event === 'delivery_retry'));
    second.child.kill('SIGTERM');
    const r = await second.done;
    expect(r.code, r.stderr).toBe(0);
    // The legacy row was found again (not orphaned) and re-keyed; the token is gone from the file.
    expect(logLines(r.stderr).filter((l) => l.event === 'orphaned_deliveries')).toEqual([]);
    const db = openTestStore(w.db);
    const sinks = db.prepare('SELECT DISTINCT sink FROM schedule_outbox').all();
    db.close();
    expect(sinks).toEqual([{ sink: expect.stringMatching(/^webhook sha256:[0-9a-f]{32}$/) }]);
    expect(storedBytes(w.db).includes('s3cr3t')).toBe(false);
    expect(r.stderr).not.toContain('s3cr3t');
  });

  it('reconcile job: imports the inbox, alerts its discrepancies once, then only what a new file brings', async () => {
    const { dir, cleanup } = tempDir('payrecon-e2e-recon-');
    cleanups.push(cleanup);
    mkdirSync(join(dir, 'psp'));
    mkdirSync(join(dir, 'ledger'));
    copyFileSync(join(FIXTURES, 'stripe/balance-2025-03.csv'), join(dir, 'psp/balance-2025-03.csv'));
    copyFileSync(join(FIXTURES, 'ledger/ledger-2025-03.csv'), join(dir, 'ledger/ledger-2025-03.csv'));
    const config = writeConfig(dir, {
      db: configStore(dir, 'x.db'),
      alerts: [{ type: 'file', path: 'alerts.jsonl' }],
      jobs: [{ name: 'recon', cron: '* * * * * *', reconcile: { import: { psp: ['psp/*.csv'], ledger: ['ledger/*.csv'] }, dateWindow: 3 } }],
    });
    const p = start(['schedule', '--config', config]);
    await p.until('two runs', (l) => l.filter((x) => x.event === 'run').length >= 2);
    // Delivered into the inbox the way a transfer should: written aside, then renamed in.
    copyFileSync(join(FIXTURES, 'adyen/settlement_detail_report_batch_118.csv'), join(dir, 'incoming.tmp'));
    renameSync(join(dir, 'incoming.tmp'), join(dir, 'psp/settlement_detail_report_batch_118.csv'));
    const seen = p.lines().filter((x) => x.event === 'run').length;
    await p.until('a run after the new file', (l) => l.filter((x) => x.event === 'run').length >= seen + 2);
    p.child.kill('SIGTERM');
    const r = await p.done;
    expect(r.code, r.stderr).toBe(0);

    const runs = logLines(r.stderr).filter((l) => l.event === 'run');
    expect(runs[0]).toMatchObject({ job: 'recon', command: 'reconcile', counts: { import: { files: 2, already: 0 } } });
    expect(runs[1]).toMatchObject({ counts: { import: { files: 0, already: 2 } }, alert: null });
    const alerts = readFileSync(join(dir, 'alerts.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(alerts).toHaveLength(2);
    expect(Object.keys(alerts[0])).toEqual(['id', 'job', 'command', 'exit_code', 'at', 'host', 'text', 'discrepancies', 'audit']);
    // The anchor after the job: every import and the reconcile run are in the log.
    expect(alerts[0].audit).toMatchObject({ entries: 3, keyed: false });
    expect(alerts[0].discrepancies.length).toBeGreaterThan(0);
    // The second alert holds only discrepancies the first did not: the Adyen file's rows.
    const key = (d: { kind: string; psp?: { id: string } | null; ledger?: { id: string } | null }) => `${d.kind} ${d.psp?.id} ${d.ledger?.id}`;
    const first = new Set(alerts[0].discrepancies.map(key));
    expect(alerts[1].discrepancies.length).toBeGreaterThan(0);
    expect(alerts[1].discrepancies.filter((d: Parameters<typeof key>[0]) => first.has(key(d)))).toEqual([]);
    expect(alerts[1].discrepancies.some((d: { psp?: { source: string } | null }) => d.psp?.source === 'adyen')).toBe(true);
  });

  describe('bad config: exit 17 before anything runs, naming the key', () => {
    let shared: ReturnType<typeof world>;
    beforeAll(() => {
      shared = world();
      const keep = cleanups;
      cleanups = [];
      afterAll(() => keep.forEach((c) => c()));
    });
    let n = 0;
    const cases: Array<[string, (dir: string) => unknown, string]> = [
      ['unknown key', () => ({ jobs: [{ ...scanJob, scan: { baselinez: ['keys'] } }] }), 'jobs[0].scan.baselinez: unknown key'],
      ['bad cron', () => ({ keyFile: 'hmac.key', jobs: [{ ...scanJob, cron: '99 * * * *' }] }), 'jobs[0].cron'],
      ['webhook not http(s)', () => ({ alerts: [{ type: 'webhook', url: 'file:///etc/passwd', secretEnv: 'PAYRECON_WEBHOOK_SECRET' }], jobs: [scanJob] }), 'alerts[0].url'],
      ['secret env unset', () => ({ alerts: [{ type: 'webhook', url: 'https://x.test/h', secretEnv: 'PAYRECON_UNSET_SECRET' }], jobs: [scanJob] }), 'alerts[0].secretEnv'],
      ['both reconcile and scan', () => ({ jobs: [{ ...scanJob, reconcile: {} }] }), 'jobs[0]: has both'],
      ['duplicate names', () => ({ keyFile: 'hmac.key', jobs: [scanJob, scanJob] }), 'jobs[1].name'],
      ['missing baseline', () => ({ keyFile: 'hmac.key', jobs: [{ ...scanJob, scan: { baselines: ['keys', 'nope'] } }] }), 'jobs[0].scan.baselines[1]: no baseline named "nope"'],
      ['no key file for scan jobs', () => ({ jobs: [scanJob] }), 'keyFile: scan jobs need an HMAC key file'],
    ];
    it.each(cases)('%s', (_name, make, expected) => {
      const w = shared;
      const config = writeConfig(w.dir, make(w.dir), `bad-${n++}.json`);
      const r = runCli(['--db', w.db, 'schedule', '--config', config], { env: { PAYRECON_WEBHOOK_SECRET: SECRET } });
      expect(r.code, r.stderr).toBe(17);
      expect(r.stderr).toContain(expected);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toContain('"event":"started"');
    });

    it('--db on the command line beats "db" in the config', () => {
      const w = shared;
      const config = writeConfig(w.dir, { db: configStore(w.dir, 'x.db'), keyFile: 'hmac.key', jobs: [scanJob] }, 'db-precedence.json');
      const other = join(w.dir, 'other.db');
      const r = runCli(['--db', other, 'schedule', '--config', config]);
      // The baseline lives in x.db; the empty database named by --db does not have it.
      expect(r.code, r.stderr).toBe(17);
      expect(r.stderr).toContain(`jobs[0].scan.baselines[0]: no baseline named "keys" in ${storeDisplay(storeFor(other))}`);
    });

    it('not JSON: says where', () => {
      const { dir, cleanup } = tempDir();
      cleanups.push(cleanup);
      const file = join(dir, 's.json');
      writeFileSync(file, '{\n  "jobs": [\n    {"name": "x",}\n  ]\n}\n');
      const r = runCli(['--db', join(dir, 'x.db'), 'schedule', '--config', file]);
      expect(r.code).toBe(17);
      expect(r.stderr).toMatch(/not valid JSON: .* at line 3, column \d+/);
    });
  });
});

describe('a second signal (issue 19, item 11)', () => {
  it('exits 130 at once, and its last log line is JSON like every other', async () => {
    const w = world();
    const port = await freePort(); // nothing listens: every delivery fails and is retried
    const config = writeConfig(w.dir, {
      keyFile: 'hmac.key',
      alerts: [{ type: 'webhook', url: `http://127.0.0.1:${port}/hook`, secretEnv: 'PAYRECON_WEBHOOK_SECRET' }],
      jobs: [scanJob],
    });
    // A long grace: after the first signal the scheduler keeps retrying the pending alert.
    const p = start(['--db', w.db, 'schedule', '--config', config], { PAYRECON_SHUTDOWN_GRACE_MS: '600000' });
    await p.until('a failed delivery', (l) => l.some((x) => x.event === 'delivery_retry'));
    p.child.kill('SIGTERM');
    await p.until('the stop to begin', (l) => l.some((x) => x.event === 'stopping'));
    p.child.kill('SIGTERM');
    const r = await p.done;
    expect(r.code).toBe(130);
    const text = r.stderr.split('\n').filter((l) => l.trim());
    for (const line of text) expect(() => JSON.parse(line), line).not.toThrow();
    expect(logLines(r.stderr).at(-1)).toMatchObject({ level: 'error', event: 'interrupted_again' });
  });
});

/** Whether process `pid`'s main thread is in a sleep system call (nanosleep or clock_nanosleep): SQLite's busy handler waiting on a lock. Linux. */
function inBusySleep(pid: number): boolean {
  try {
    const nr = Number(readFileSync(`/proc/${pid}/syscall`, 'utf8').split(' ')[0]);
    return nr === 35 || nr === 230;
  } catch {
    return false;
  }
}

async function waitUntil(what: string, cond: () => boolean, deadlineMs: number): Promise<void> {
  const started = Date.now();
  while (!cond()) {
    if (Date.now() - started > deadlineMs) throw new Error(`gave up waiting for ${what} after ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
