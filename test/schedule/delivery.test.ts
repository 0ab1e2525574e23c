import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAlert, serializeAlert } from '../../src/schedule/alert.js';
import { Dispatcher } from '../../src/schedule/dispatcher.js';
import { MemoryLog } from '../../src/schedule/log.js';
import { Scheduler } from '../../src/schedule/scheduler.js';
import type { Outbox } from '../../src/schedule/outbox.js';
import { createCommandSink } from '../../src/schedule/sinks/command.js';
import { createFileSink } from '../../src/schedule/sinks/file.js';
import type { Sink } from '../../src/schedule/sinks/types.js';
import { createWebhookSink } from '../../src/schedule/sinks/webhook.js';
import { freePort, signatureValid, startReceiver, type Receiver } from '../helpers/webhook-receiver.js';
import { outboxRows, tempStore, waitFor } from '../helpers/schedule-support.js';

const SECRET = 'test-secret';
const FAST = { baseMs: 5, maxMs: 20 };

let cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

function setup() {
  const store = tempStore();
  cleanups.push(() => store.cleanup());
  return store;
}

async function receiver(port?: number): Promise<Receiver> {
  const r = await startReceiver(port);
  cleanups.push(() => r.close());
  return r;
}

function webhook(url: string, timeoutMs = 2000): Sink {
  return createWebhookSink({ key: `webhook ${url}`, label: 'webhook test', url, secret: SECRET, timeoutMs });
}

let seq = 0;
async function enqueue(outbox: Outbox, sinks: Sink[], findings: unknown[] = [{ path: '/etc/key', kind: 'changed', attributes: ['sha256'], severity: 'high' }]) {
  const id = `alert-${++seq}-${process.pid}`;
  const body = serializeAlert(buildAlert({ id, job: 'keys', command: 'scan', exitCode: 4, at: new Date(), host: 'db01', items: findings }));
  await outbox.recordRun({ job: 'keys', forget: [], remember: [], alert: { id, body, at: new Date().toISOString() }, sinks: sinks.map((s) => s.key), nowMs: Date.now() });
  return { id, body };
}

function dispatcher(outbox: Outbox, sinks: Sink[]) {
  const log = new MemoryLog();
  const d = new Dispatcher({ outbox, sinks, backoff: FAST, log });
  cleanups.push(() => d.drain(0));
  return { d, log };
}

describe('webhook delivery to a real HTTP receiver', () => {
  it('POSTs the contract body with a delivery id and a signature the receiver can verify', async () => {
    const store = setup();
    const rx = await receiver();
    const { outbox } = store.open();
    const sink = webhook(rx.url);
    const { id, body } = await enqueue(outbox, [sink]);
    dispatcher(outbox, [sink]).d.start();
    await waitFor(() => rx.accepted().length === 1, 'the delivery');

    const got = rx.received[0];
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-payrecon-delivery']).toBe(id);
    expect(got.body).toBe(body);
    expect(signatureValid(SECRET, got.body, got.headers['x-payrecon-signature'])).toBe(true);
    expect(signatureValid('another-secret', got.body, got.headers['x-payrecon-signature'])).toBe(false);
    const parsed = JSON.parse(got.body);
    expect(Object.keys(parsed)).toEqual(['id', 'job', 'command', 'exit_code', 'at', 'host', 'text', 'findings']);
    expect(parsed).toMatchObject({ id, job: 'keys', command: 'scan', exit_code: 4, findings: [{ path: '/etc/key', kind: 'changed' }] });
  });

  it('user:password in the URL arrives as Basic authorization (fetch refuses such URLs)', async () => {
    const store = setup();
    const rx = await receiver();
    const { outbox } = store.open();
    const sink = webhook(rx.url.replace('http://', 'http://hook%20user:p%40ss@'));
    await enqueue(outbox, [sink]);
    dispatcher(outbox, [sink]).d.start();
    await waitFor(() => rx.accepted().length === 1, 'the delivery');
    expect(rx.received[0].headers.authorization).toBe('Basic ' + Buffer.from('hook user:p@ss').toString('base64'));
  });

  it('a receiver failing twice with 503 gets the alert once, under one delivery id', async () => {
    const store = setup();
    const rx = await receiver();
    rx.plan([503, 503]);
    const { db, outbox } = store.open();
    const sink = webhook(rx.url);
    const { id } = await enqueue(outbox, [sink]);
    const { d, log } = dispatcher(outbox, [sink]);
    d.start();
    await waitFor(() => rx.accepted().length === 1, 'the third attempt to succeed');
    await d.drain(1000);

    expect(rx.received.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(new Set(rx.received.map((r) => r.headers['x-payrecon-delivery']))).toEqual(new Set([id]));
    expect(new Set(rx.received.map((r) => r.body)).size).toBe(1);
    expect(rx.accepted()).toHaveLength(1);
    expect(outboxRows(db)).toEqual([expect.objectContaining({ alert_id: id, status: 'delivered', attempts: 3 })]);
    expect(log.named('delivery_retry').map((e) => e.fields.error)).toEqual(['HTTP 503 Service Unavailable', 'HTTP 503 Service Unavailable']);
  });

  it('429 is retried; another 4xx is not: the alert is kept as failed, and logged', async () => {
    const store = setup();
    const rx = await receiver();
    rx.plan([429, 400]);
    const { db, outbox } = store.open();
    const sink = webhook(rx.url);
    const { id } = await enqueue(outbox, [sink]);
    const { d, log } = dispatcher(outbox, [sink]);
    d.start();
    await waitFor(() => outboxRows(db)[0].status === 'failed', 'the 400 to mark the delivery failed');
    await d.drain(200);

    expect(rx.received.map((r) => r.status)).toEqual([429, 400]);
    expect(outboxRows(db)).toEqual([expect.objectContaining({ alert_id: id, status: 'failed', attempts: 2, last_error: expect.stringContaining('HTTP 400') })]);
    expect(log.named('delivery_failed')).toHaveLength(1);
  });

  it('a receiver that does not answer in time is retried like a connection error', async () => {
    const store = setup();
    const { db, outbox } = store.open();
    // Port of a server that accepts but never answers: the first attempt must time out.
    const hang = createServer(() => undefined);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => (hang.closeAllConnections(), hang.close(() => r()))));
    const port = (hang.address() as { port: number }).port;
    const slow = createWebhookSink({ key: 'webhook slow', label: 'slow', url: `http://127.0.0.1:${port}/`, secret: SECRET, timeoutMs: 50 });
    await enqueue(outbox, [slow]);
    const { d, log } = dispatcher(outbox, [slow]);
    d.start();
    await waitFor(() => log.named('delivery_retry').length >= 1, 'a retry after the timeout');
    expect(log.named('delivery_retry')[0].fields.error).toBe('no response within 50 ms');
    expect(outboxRows(db)[0].status).toBe('pending');
  });
});

describe('the outbox across a restart', () => {
  it('delivers what the outbox held, with the same delivery id', async () => {
    const store = setup();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hook`;
    // First life: nobody listens; the attempts fail with connection errors and stay pending.
    const first = store.open();
    const { id, body } = await enqueue(first.outbox, [webhook(url)]);
    const one = new Dispatcher({ outbox: first.outbox, sinks: [webhook(url)], backoff: FAST, log: new MemoryLog() });
    one.start();
    await waitFor(() => outboxRows(first.db)[0].attempts >= 2, 'two failed attempts');
    await one.drain(0);
    first.db.close();

    // Second life: a new connection and dispatcher, and the receiver is back.
    const rx = await receiver(port);
    const second = store.open();
    expect(outboxRows(second.db)).toEqual([expect.objectContaining({ alert_id: id, status: 'pending' })]);
    const two = dispatcher(second.outbox, [webhook(url)]).d;
    two.start();
    await waitFor(() => rx.accepted().length === 1, 'delivery after the restart');
    expect(rx.received[0].headers['x-payrecon-delivery']).toBe(id);
    expect(rx.received[0].body).toBe(body);
    expect(signatureValid(SECRET, rx.received[0].body, rx.received[0].headers['x-payrecon-signature'])).toBe(true);
    await waitFor(() => outboxRows(second.db)[0].status === 'delivered', 'the delivery recorded');
  });
});

describe('file and command sinks', () => {
  it('file: appends one JSON line per alert', async () => {
    const store = setup();
    const path = join(store.dir, 'alerts.jsonl');
    const { outbox } = store.open();
    const sink = createFileSink({ key: `file ${path}`, label: 'file', path });
    const a = await enqueue(outbox, [sink]);
    const b = await enqueue(outbox, [sink]);
    const { d } = dispatcher(outbox, [sink]);
    d.start();
    await d.drain(5000);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).id)).toEqual([a.id, b.id]);
  });

  it('command: the alert on stdin; a non-zero exit is retried under the same id', async () => {
    const store = setup();
    const out = join(store.dir, 'paged.txt');
    // Fails the first time (exit 3), then records the delivery id and stdin.
    const script = 'if [ -f "$0.tried" ]; then { printf "%s " "$PAYRECON_DELIVERY_ID"; cat; } >> "$0"; else touch "$0.tried"; echo pager down >&2; exit 3; fi';
    const sink = createCommandSink({ key: 'command test', label: 'command sh', argv: ['sh', '-c', script, out], timeoutMs: 5000, env: process.env });
    const { db, outbox } = store.open();
    const { id, body } = await enqueue(outbox, [sink]);
    const { d, log } = dispatcher(outbox, [sink]);
    d.start();
    await waitFor(() => outboxRows(db)[0].status === 'delivered', 'the second attempt');
    expect(readFileSync(out, 'utf8')).toBe(`${id} ${body}\n`);
    expect(log.named('delivery_retry')[0].fields.error).toBe('sh exit 3: pager down');
  });
});

describe('deliveries run beside jobs', () => {
  it('a webhook that never answers does not hold up the next runs', async () => {
    const store = setup();
    let requests = 0;
    const hang = createServer(() => void requests++);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => (hang.closeAllConnections(), hang.close(() => r()))));
    const url = `http://127.0.0.1:${(hang.address() as { port: number }).port}/`;
    const { db, outbox } = store.open();
    const sink = createWebhookSink({ key: 'webhook hang', label: 'hang', url, secret: SECRET, timeoutMs: 60_000 });
    const { d } = dispatcher(outbox, [sink]);
    d.start();
    let n = 0;
    const job = { name: 'keys', cron: '* * * * *', command: 'scan' as const, scan: { baselines: ['keys'] } };
    const scheduler = new Scheduler({
      jobs: [job],
      sinkKeys: [sink.key],
      outbox,
      log: new MemoryLog(),
      onAlert: () => d.kick(),
      runJob: async () => ({ exitCode: 4, counts: {}, items: [{ path: `/etc/k${n++}`, kind: 'added', severity: 'high' }] }),
    });
    cleanups.push(() => scheduler.stop());
    await scheduler.trigger(job);
    await waitFor(() => requests === 1, 'the first delivery to be in flight');
    // The receiver is holding the first alert; two more runs complete and enqueue theirs.
    expect(await scheduler.trigger(job)).toMatchObject({ alertId: expect.any(String) });
    expect(await scheduler.trigger(job)).toMatchObject({ alertId: expect.any(String) });
    expect(d.stats.delivered).toBe(0);
    expect(outboxRows(db).map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);
  });
});

describe('command sink timeout', () => {
  it('a command that does not exit in time is killed and retried', async () => {
    const store = setup();
    const sink = createCommandSink({ key: 'command sleep', label: 'command sleep', argv: ['sleep', '30'], timeoutMs: 50, env: process.env });
    const { db, outbox } = store.open();
    await enqueue(outbox, [sink]);
    const { d, log } = dispatcher(outbox, [sink]);
    d.start();
    await waitFor(() => log.named('delivery_retry').length >= 1, 'the timed-out attempt');
    expect(log.named('delivery_retry')[0].fields.error).toBe('sleep no exit within 50 ms');
    expect(outboxRows(db)[0].status).toBe('pending');
  });
});
