/**
 * The thread that owns the PostgreSQL connection (one pg.Client). The main thread (bridge.ts)
 * blocks on a shared flag while this thread runs the request asynchronously; every request is
 * answered exactly once, errors included, and an exception nobody caught or the thread's exit
 * still flags the main thread, so it never waits on a reply that will not come.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import pg from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import pgpass from 'pgpass';
import { DEAD, FLAG, HEARTBEAT, OID, REPLIED, isConnectionFailure, type Reply, type Request, type WireError } from './protocol.js';
import { connectPlan, scrub, secretsOf } from './url.js';

const { port, shared } = workerData as { port: MessagePort; shared: SharedArrayBuffer };
const state = new Int32Array(shared);

let client: pg.Client | null = null;
/** Why the connection is unusable, once it is: every later request is answered with it. */
let broken: WireError | null = null;
let secrets: string[] = [];
let current: number | null = null;
let copy: { stream: CopyStreamQuery; done: Promise<number>; failed: Error | null } | null = null;

const byteaParser = pg.types.getTypeParser(OID.bytea, 'text');
const identity = (s: string) => s;
/** Parse what is cheap here; int8 and numeric stay text for the main thread (number or bigint per statement). */
const types = {
  getTypeParser(oid: number): (s: string) => unknown {
    switch (oid) {
      case OID.int2:
      case OID.int4:
      case OID.oid:
      case OID.float4:
      case OID.float8:
        return Number;
      case OID.bool:
        return (s: string) => (s === 't' ? 1 : 0);
      case OID.bytea:
        return byteaParser;
      default:
        return identity;
    }
  },
};

function send(reply: Reply): void {
  current = null;
  port.postMessage(reply);
  Atomics.store(state, FLAG, REPLIED);
  Atomics.notify(state, FLAG);
}

function txStatus(): Reply['tx'] {
  return broken || !client ? null : ((client as unknown as { getTransactionStatus(): Reply['tx'] }).getTransactionStatus() ?? null);
}

function wireError(e: unknown, connecting = false): WireError {
  const err = e as Partial<Record<'message' | 'code' | 'detail' | 'hint' | 'where' | 'constraint' | 'table' | 'schema' | 'column', string>>;
  const message = scrub(String(err?.message ?? e), secrets);
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const w: WireError = { message, code, connection: connecting || isConnectionFailure(code, message) };
  for (const k of ['detail', 'hint', 'where', 'constraint', 'table', 'schema', 'column'] as const) {
    if (typeof err?.[k] === 'string') w[k] = scrub(err[k]!, secrets);
  }
  return w;
}

function fail(id: number, e: unknown, connecting = false): void {
  const error = wireError(e, connecting);
  if (error.connection) markBroken(error);
  send({ id, tx: txStatus(), ok: false, error });
}

function markBroken(error: WireError): void {
  if (!broken) broken = { ...error, connection: true };
  const c = client;
  client = null;
  c?.end().catch(() => undefined);
}

function passwordFromPgpass(cfg: pg.ClientConfig): Promise<string | undefined> {
  return new Promise((resolve) => pgpass({ host: cfg.host, port: cfg.port, database: cfg.database, user: cfg.user }, resolve));
}

async function connect(url: string): Promise<void> {
  const plan = connectPlan(url);
  if (!plan.config.password) plan.config.password = await passwordFromPgpass(plan.config);
  secrets = secretsOf(url, plan.config.password as string | undefined);
  const attempt = async (config: pg.ClientConfig) => {
    const c = new pg.Client(config);
    // An error while idle (server shut down between requests) must not kill this thread; one
    // from a first attempt that was given up (no TLS on the server) concerns nobody.
    c.on('error', (e) => {
      if (client === c) markBroken(wireError(e));
    });
    await c.connect();
    return c;
  };
  try {
    client = await attempt(plan.config);
  } catch (e) {
    if (!plan.fallBackToPlain || !/does not support SSL/i.test(String((e as Error)?.message))) throw e;
    client = await attempt({ ...plan.config, ssl: false });
  }
}

async function handle(req: Request): Promise<void> {
  if (req.op === 'connect') {
    try {
      await connect(req.url);
      send({ id: req.id, tx: txStatus(), ok: true });
    } catch (e) {
      fail(req.id, e, true);
    }
    return;
  }
  if (req.op === 'close') {
    const c = client;
    client = null;
    broken ??= { message: 'the connection is closed', connection: true };
    await c?.end().catch(() => undefined);
    send({ id: req.id, tx: null, ok: true });
    return;
  }
  if (broken || !client) {
    send({ id: req.id, tx: null, ok: false, error: broken ?? { message: 'not connected', connection: true } });
    return;
  }
  try {
    switch (req.op) {
      case 'query': {
        if (copy) throw new Error('a COPY is in progress on this connection: no statement can run until it ends');
        const values = req.values.map((v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v));
        // simple: the simple query protocol, which runs several statements in one text (exec);
        // otherwise always the extended one, one statement with bound values.
        const r = req.simple
          ? await client.query({ text: req.text, rowMode: 'array', types } as pg.QueryArrayConfig)
          : await client.query({ text: req.text, values, rowMode: 'array', types, queryMode: 'extended' } as pg.QueryArrayConfig);
        const last = Array.isArray(r) ? r[r.length - 1] : r;
        const fields = (last?.fields ?? []).map((f: pg.FieldDef) => [f.name, f.dataTypeID] as [string, number]);
        send({ id: req.id, tx: txStatus(), ok: true, result: { fields, rows: last?.rows ?? [], command: last?.command ?? '', rowCount: last?.rowCount ?? 0 } });
        return;
      }
      case 'copyStart': {
        const stream = client.query(copyFrom(req.text));
        const entry = { stream, failed: null as Error | null, done: Promise.resolve(0) };
        entry.done = new Promise<number>((resolve, reject) => {
          stream.on('finish', () => resolve(stream.rowCount));
          stream.on('error', (e) => {
            entry.failed = e;
            reject(e);
          });
        });
        entry.done.catch(() => undefined);
        copy = entry;
        send({ id: req.id, tx: txStatus(), ok: true });
        return;
      }
      case 'copyData': {
        if (!copy) throw new Error('COPY data without a COPY in progress');
        if (copy.failed) throw copy.failed;
        let full = false;
        for (const ch of req.chunks) full = !copy.stream.write(typeof ch === 'string' ? ch : Buffer.from(ch.buffer, ch.byteOffset, ch.byteLength)) || full;
        // Back-pressure: answer once the socket took the data, so memory stays bounded.
        if (full) await Promise.race([new Promise((r) => copy!.stream.once('drain', r)), copy.done]);
        if (copy.failed) throw copy.failed;
        send({ id: req.id, tx: txStatus(), ok: true });
        return;
      }
      case 'copyEnd':
      case 'copyAbort': {
        const c = copy;
        copy = null;
        if (!c) throw new Error('no COPY in progress');
        if (req.op === 'copyAbort') {
          c.stream.destroy(new Error(req.reason));
          await c.done.catch(() => undefined);
          send({ id: req.id, tx: txStatus(), ok: true, rowCount: 0 });
          return;
        }
        c.stream.end();
        const rowCount = await c.done;
        send({ id: req.id, tx: txStatus(), ok: true, rowCount });
        return;
      }
    }
  } catch (e) {
    fail(req.id, e);
  }
}

port.on('message', (req: Request) => {
  current = req.id;
  handle(req).catch((e) => fail(req.id, e));
});

// Whatever escapes: answer the request in flight, and flag a dying thread.
process.on('uncaughtException', (e) => {
  markBroken(wireError(e));
  if (current !== null) fail(current, e);
});
process.on('unhandledRejection', (e) => {
  if (current !== null) fail(current, e);
});
process.on('exit', () => {
  Atomics.store(state, FLAG, DEAD);
  Atomics.notify(state, FLAG);
});
// The main thread reads this to tell a long query (the beat goes on) from a dead thread.
setInterval(() => Atomics.add(state, HEARTBEAT, 1), 250);
