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
/** The request running now (what an exception nobody caught is the answer to). */
let current: Request | null = null;
let copy: { stream: CopyStreamQuery; done: Promise<number>; failed: Error | null } | null = null;
/** The first failure of a deferred request since the last `sync`; the requests after it are skipped. */
let deferredError: WireError | null = null;
/** Replies of deferred requests sent with `keep`, until their `result` is asked for. */
const keptReplies = new Map<number, Reply>();
/** Requests run one after another, in the order they came, waited on or deferred. */
let chain: Promise<void> = Promise.resolve();

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

/** Answer `req`: post the reply of a request waited on, keep that of a deferred one. */
function answer(req: Request, reply: Reply): void {
  current = null;
  if (req.deferred) settleDeferred(req, reply);
  else send(reply);
}

function send(reply: Reply): void {
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

function failure(id: number, e: unknown, connecting = false): Reply {
  const error = wireError(e, connecting);
  if (error.connection) markBroken(error);
  return { id, tx: txStatus(), ok: false, error };
}

/**
 * A deferred request's reply: a failure is kept for the next `sync` (the first one only: what
 * follows it fails because of it), and the COPY it may have left open is cancelled so that the
 * statements after the sync (a ROLLBACK) can run.
 */
function settleDeferred(req: Request, reply: Reply): void {
  if (!reply.ok) {
    deferredError ??= reply.error;
    if (copy) {
      copy.stream.destroy(new Error('cancelled: an earlier deferred request failed'));
      copy = null;
    }
  } else if (req.deferred?.keep) {
    keptReplies.set(req.id, reply);
  }
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

async function handle(req: Request): Promise<Reply> {
  if (req.op === 'connect') {
    try {
      await connect(req.url);
      return { id: req.id, tx: txStatus(), ok: true };
    } catch (e) {
      return failure(req.id, e, true);
    }
  }
  if (req.op === 'close') {
    const c = client;
    client = null;
    broken ??= { message: 'the connection is closed', connection: true };
    await c?.end().catch(() => undefined);
    return { id: req.id, tx: null, ok: true };
  }
  if (req.op === 'sync') {
    const error = deferredError;
    deferredError = null;
    return error ? { id: req.id, tx: txStatus(), ok: false, error } : { id: req.id, tx: txStatus(), ok: true };
  }
  if (req.op === 'result') {
    const kept = keptReplies.get(req.ticket);
    keptReplies.delete(req.ticket);
    return kept ? { ...kept, id: req.id } : failure(req.id, new Error(`no kept reply for request ${req.ticket} (it failed, or was not deferred with keep)`));
  }
  if (broken || !client) {
    return { id: req.id, tx: null, ok: false, error: broken ?? { message: 'not connected', connection: true } };
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
        return { id: req.id, tx: txStatus(), ok: true, result: { fields, rows: last?.rows ?? [], command: last?.command ?? '', rowCount: last?.rowCount ?? 0 } };
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
        return { id: req.id, tx: txStatus(), ok: true };
      }
      case 'copyData': {
        if (!copy) throw new Error('COPY data without a COPY in progress');
        if (copy.failed) throw copy.failed;
        let full = false;
        for (const ch of req.chunks) full = !copy.stream.write(typeof ch === 'string' ? ch : Buffer.from(ch.buffer, ch.byteOffset, ch.byteLength)) || full;
        // Back-pressure: answer once the socket took the data, so memory stays bounded.
        if (full) await Promise.race([new Promise((r) => copy!.stream.once('drain', r)), copy.done]);
        if (copy.failed) throw copy.failed;
        return { id: req.id, tx: txStatus(), ok: true };
      }
      case 'copyEnd':
      case 'copyAbort': {
        const c = copy;
        copy = null;
        if (!c) throw new Error('no COPY in progress');
        if (req.op === 'copyAbort') {
          c.stream.destroy(new Error(req.reason));
          await c.done.catch(() => undefined);
          return { id: req.id, tx: txStatus(), ok: true, rowCount: 0 };
        }
        c.stream.end();
        const rowCount = await c.done;
        return { id: req.id, tx: txStatus(), ok: true, rowCount };
      }
    }
  } catch (e) {
    return failure(req.id, e);
  }
}

port.on('message', (req: Request) => {
  chain = chain.then(async () => {
    if (req.deferred && deferredError) return; // skipped: the transaction failed before it
    current = req;
    const reply = await handle(req).catch((e: unknown) => failure(req.id, e));
    if (current !== req) return; // answered already, by the handlers below
    answer(req, reply);
  });
});

// Whatever escapes: answer the request in flight, and flag a dying thread.
process.on('uncaughtException', (e) => {
  markBroken(wireError(e));
  if (current !== null) answer(current, failure(current.id, e));
});
process.on('unhandledRejection', (e) => {
  if (current !== null) answer(current, failure(current.id, e));
});
process.on('exit', () => {
  Atomics.store(state, FLAG, DEAD);
  Atomics.notify(state, FLAG);
});
// The main thread reads this to tell a long query (the beat goes on) from a dead thread.
setInterval(() => Atomics.add(state, HEARTBEAT, 1), 250);
