/**
 * Issue 17 item 11: `schedule --once <job>` runs one job now and delivers its alerts (exit
 * code: the job's); alert bodies carry `host` and a one-line `text` that chat webhooks take;
 * a webhook's 4xx is logged with what the receiver answered. A real receiver on 127.0.0.1.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli, tempDir } from '../helpers/cli.js';
import { configStore } from '../helpers/config-store.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

const ENV = { PAYRECON_WEBHOOK_SECRET: 's', PAYRECON_ALERT_RETRY_BASE_MS: '20', PAYRECON_ALERT_RETRY_MAX_MS: '100', PAYRECON_SHUTDOWN_GRACE_MS: '30000' };
let cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** A baseline "keys" with one file changed since, a receiver, and a config with a scan job that runs only on 1 January. */
async function world(): Promise<{ dir: string; rx: Receiver; config: string }> {
  const tmp = tempDir('payrecon-once-');
  cleanups.push(() => tmp.cleanup());
  const dir = tmp.dir;
  mkdirSync(join(dir, 'secrets'));
  writeFileSync(join(dir, 'secrets', 'api.key'), 'one\n', { mode: 0o600 });
  writeFileSync(join(dir, 'hmac.key'), 'k'.repeat(32), { mode: 0o600 });
  chmodSync(join(dir, 'hmac.key'), 0o600);
  expect(runCli(['--db', join(dir, 'x.db'), 'baseline', 'init', 'keys', '--path', join(dir, 'secrets'), '--key-file', join(dir, 'hmac.key')]).code).toBe(0);
  writeFileSync(join(dir, 'secrets', 'api.key'), 'two\n', { mode: 0o600 });
  const rx = await startReceiver();
  cleanups.push(() => rx.close());
  const config = join(dir, 'schedule.json');
  writeFileSync(
    config,
    JSON.stringify({
      db: configStore(dir, 'x.db'),
      keyFile: 'hmac.key',
      alerts: [{ type: 'webhook', url: rx.url, secretEnv: 'PAYRECON_WEBHOOK_SECRET' }],
      jobs: [{ name: 'keys', cron: '0 0 1 1 *', scan: { baselines: ['keys'] } }],
    }),
  );
  return { dir, rx, config };
}

async function once(config: string, job: string, json = false) {
  const p = startCli([...(json ? ['--json'] : []), 'schedule', '--config', config, '--once', job], { env: ENV });
  cleanups.push(() => p.child.exitCode === null && p.child.kill('SIGKILL'));
  const r = await p.done;
  const log = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
  return { ...r, log };
}

describe('schedule --once', () => {
  it('runs the job now, delivers its alert with host and a one-line text, exits with the job code; the same finding is not alerted twice', async () => {
    const w = await world();
    const r = await once(w.config, 'keys', true);
    expect(r.code, r.stderr).toBe(4);
    expect(JSON.parse(r.stdout)).toMatchObject({ job: 'keys', exit_code: 4, new_findings: 1, deliveries: { delivered: 1 }, pending_deliveries: 0 });
    expect(w.rx.accepted()).toHaveLength(1);
    const body = JSON.parse(w.rx.accepted()[0].body);
    expect(Object.keys(body).slice(0, 7)).toEqual(['id', 'job', 'command', 'exit_code', 'at', 'host', 'text']);
    expect(body.host).toBe(hostname());
    expect(body.text).toBe(`payrecon on ${hostname()}: job "keys" (scan): 1 new finding (1 changed); exit 4`);
    expect(r.log.map((l) => l.event)).toEqual(expect.arrayContaining(['once', 'run', 'delivered', 'stopped']));
    expect(r.log.find((l) => l.event === 'run')).toMatchObject({ job: 'keys', exit_code: 4, alert: body.id });

    // As on the next cron tick: the same finding is not news; the run still exits 4.
    const again = await once(w.config, 'keys');
    expect(again.code).toBe(4);
    expect(w.rx.received).toHaveLength(1);
  });

  it('an unknown job is a usage error (16) naming the jobs; nothing runs', async () => {
    const w = await world();
    const r = await once(w.config, 'kyes');
    expect(r.code).toBe(16);
    expect(r.stderr).toMatch(/--once: no job named "kyes"/);
    expect(r.stderr).toMatch(/its jobs: keys/);
    expect(w.rx.received).toHaveLength(0);
  });

  it('a webhook 4xx is logged with the response body, cut to a sensible length, and not retried', async () => {
    const w = await world();
    w.rx.plan([{ status: 400, body: `invalid_payload\n${'x'.repeat(5000)}` }]);
    const r = await once(w.config, 'keys');
    expect(r.code, r.stderr).toBe(4);
    expect(w.rx.received).toHaveLength(1);
    const failed = r.log.find((l) => l.event === 'delivery_failed')!;
    expect(failed.error).toMatch(/^HTTP 400 Bad Request: the receiver refused the alert; not retried; it answered: invalid_payload x{400,}…$/);
    expect(failed.error.length).toBeLessThan(700);
    expect(r.log.at(-1)).toMatchObject({ event: 'stopped', deliveries: { failed: 1 } });
  });
});
