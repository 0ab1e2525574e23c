// Alert delivery throughput: N alerts through the outbox to a local webhook receiver on
// 127.0.0.1 (signed, one delivery id each), and to a file sink (append + fsync per alert).
// Baselines in the same run: the same POSTs with bare `fetch` at the same concurrency (no
// outbox, no signing, no bookkeeping), and bare append+fsync. Run after `npm run build`.
// Never fails on slowness; stops by itself. `ALERTS=5000 node bench/alerts.mjs` for more.
import { createHmac } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fmt, table } from './lib.mjs';

const dist = new URL('../dist/', import.meta.url);
const { openDatabase } = await import(new URL('db/open.js', dist));
const { Outbox } = await import(new URL('schedule/outbox.js', dist));
const { Dispatcher } = await import(new URL('schedule/dispatcher.js', dist));
const { createWebhookSink } = await import(new URL('schedule/sinks/webhook.js', dist));
const { createFileSink } = await import(new URL('schedule/sinks/file.js', dist));
const { buildAlert, serializeAlert } = await import(new URL('schedule/alert.js', dist));

const N = Number(process.env.ALERTS ?? 2000);
const SECRET = 'bench-secret';
const out = new URL('./out/alerts/', import.meta.url).pathname;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// ---- receiver: verifies every signature, counts distinct delivery ids -------------------
let received = 0;
let badSignatures = 0;
const ids = new Set();
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const sig = req.headers['x-payrecon-signature'];
    if (sig && sig !== 'sha256=' + createHmac('sha256', SECRET).update(body).digest('hex')) badSignatures++;
    if (req.headers['x-payrecon-delivery']) ids.add(req.headers['x-payrecon-delivery']);
    received++;
    res.writeHead(204).end();
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/hook`;

const finding = { path: '/etc/ssl/private/api.key', kind: 'changed', attributes: ['mtime', 'sha256'], severity: 'high', reason: 'content changed' };
function body(i) {
  return serializeAlert(buildAlert({ id: `bench-${i}`, job: 'keys', command: 'scan', exitCode: 4, at: new Date(), items: [{ ...finding, path: `${finding.path}.${i}` }] }));
}
const silent = { event() {} };

async function throughOutbox(name, sink) {
  const db = openDatabase(join(out, `${name}.db`), { busyTimeoutMs: 0 });
  const outbox = new Outbox(db);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const id = `${name}-${i}`;
    await outbox.recordRun({ job: 'keys', forget: [], remember: [], alert: { id, body: body(i), at: new Date().toISOString() }, sinks: [sink.key], nowMs: Date.now() });
  }
  const tEnqueued = performance.now();
  const d = new Dispatcher({ outbox, sinks: [sink], backoff: { baseMs: 10, maxMs: 100 }, log: silent });
  d.start();
  while (d.stats.delivered + d.stats.failed < N) await new Promise((r) => setTimeout(r, 2));
  const tDone = performance.now();
  await d.drain(0);
  db.close();
  return { enqueueMs: tEnqueued - t0, deliverMs: tDone - tEnqueued, delivered: d.stats.delivered };
}

async function bareFetch(concurrency) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < N) {
        const i = next++;
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(i) });
        await res.arrayBuffer();
      }
    }),
  );
  return performance.now() - t0;
}

async function bareAppend(path) {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const fh = await open(path, 'a');
    await fh.write(body(i) + '\n');
    await fh.sync();
    await fh.close();
  }
  return performance.now() - t0;
}

console.log(`alerts: ${N} per measurement, receiver ${url}`);
await bareFetch(8); // warm up the connection pool and the JIT
received = 0;
ids.clear();

const webhook = await throughOutbox('webhook', createWebhookSink({ key: `webhook ${url}`, label: 'webhook', url, secret: SECRET, timeoutMs: 10_000 }));
const distinct = ids.size;
const webhookReceived = received;
received = 0;
const fetchMs = await bareFetch(8);
const filePath = join(out, 'alerts.jsonl');
const file = await throughOutbox('file', createFileSink({ key: `file ${filePath}`, label: 'file', path: filePath }));
const appendMs = await bareAppend(join(out, 'bare.jsonl'));
server.close();

const rate = (ms) => (N / (ms / 1000)).toFixed(0);
table([
  ['measurement', 'ms', 'alerts/s', 'note'],
  ['enqueue (outbox insert, one transaction per alert)', fmt(webhook.enqueueMs, 0), rate(webhook.enqueueMs), ''],
  ['webhook via outbox (signed, 8 in flight, acked in db)', fmt(webhook.deliverMs, 0), rate(webhook.deliverMs), `${webhookReceived} received, ${distinct} distinct ids, ${badSignatures} bad signatures`],
  ['baseline: bare fetch POST, 8 in flight', fmt(fetchMs, 0), rate(fetchMs), `outbox overhead x${fmt(webhook.deliverMs / fetchMs)}`],
  ['file via outbox (append + fsync, acked in db)', fmt(file.deliverMs, 0), rate(file.deliverMs), ''],
  ['baseline: bare append + fsync', fmt(appendMs, 0), rate(appendMs), `outbox overhead x${fmt(file.deliverMs / appendMs)}`],
]);
