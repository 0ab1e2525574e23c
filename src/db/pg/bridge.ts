/**
 * A synchronous call into the connection's worker thread (worker.ts): post the request on a
 * MessageChannel, block on a SharedArrayBuffer flag with Atomics.wait, take the reply with
 * receiveMessageOnPort (synckit's pattern, written out). payrecon's storage code is synchronous
 * (better-sqlite3), and this is how a network connection answers in the same shape.
 *
 * The wait is in bounded slices: between them the worker's heartbeat tells a long query (the
 * beat goes on) from a thread that died or hung, which fails the call with a DatabaseError
 * instead of blocking the process forever.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { DatabaseError } from '../../errors.js';
import { DEAD, FLAG, HEARTBEAT, WAITING, type Reply, type Request } from './protocol.js';

/** How long the worker's heartbeat may stand still before it counts as dead. */
const STALL_MS = 30_000;
const SLICE_MS = 500;

export interface BridgeOptions {
  /** The worker script (tests substitute one that dies or hangs). */
  workerUrl?: URL;
  stallMs?: number;
}

/** dist/db/pg/worker.js; from the TypeScript sources (tests) the compiled one, as a thread cannot load .ts. */
function workerUrl(): URL {
  const here = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return new URL('../../../dist/db/pg/worker.js', import.meta.url);
}

type Body = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export class Bridge {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly state: Int32Array;
  private nextId = 0;
  private dead: string | null = null;
  private readonly stallMs: number;

  /** `server` names the server in messages (password already redacted). */
  constructor(
    private readonly server: string,
    options: BridgeOptions = {},
  ) {
    this.stallMs = options.stallMs ?? STALL_MS;
    const shared = new SharedArrayBuffer(16);
    this.state = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(options.workerUrl ?? workerUrl(), { workerData: { port: port2, shared }, transferList: [port2] });
    // The main thread only ever reads replies synchronously: the worker must not keep the process alive.
    this.worker.unref();
    this.port.unref();
    this.worker.on('error', () => undefined);
  }

  /**
   * Send a deferred request and go on: the worker runs it after everything sent before, and
   * keeps its outcome (protocol.ts). Its id, to ask for a kept reply with `result`.
   */
  post(body: Body, keep: boolean): number {
    if (this.dead) throw new DatabaseError(`PostgreSQL at ${this.server}: ${this.dead}`);
    const id = ++this.nextId;
    try {
      this.port.postMessage({ ...body, id, deferred: { keep } } as Request);
    } catch (e) {
      throw new TypeError(`cannot send these values to PostgreSQL: ${(e as Error).message}`);
    }
    return id;
  }

  /** Send one request and block until its reply. Throws DatabaseError when the worker is gone. */
  call(body: Body): Reply {
    if (this.dead) throw new DatabaseError(`PostgreSQL at ${this.server}: ${this.dead}`);
    const id = ++this.nextId;
    Atomics.store(this.state, FLAG, WAITING);
    try {
      this.port.postMessage({ ...body, id } as Request);
    } catch (e) {
      throw new TypeError(`cannot send these values to PostgreSQL: ${(e as Error).message}`);
    }
    let beat = Atomics.load(this.state, HEARTBEAT);
    let beatAt = Date.now();
    for (;;) {
      Atomics.wait(this.state, FLAG, WAITING, SLICE_MS);
      const flag = Atomics.load(this.state, FLAG);
      if (flag === DEAD) return this.die('the connection thread exited');
      if (flag !== WAITING) break;
      const now = Atomics.load(this.state, HEARTBEAT);
      if (now !== beat) {
        beat = now;
        beatAt = Date.now();
      } else if (Date.now() - beatAt > this.stallMs) {
        return this.die(`the connection thread stopped responding (no sign of life for ${this.stallMs / 1000} s)`);
      }
    }
    // The reply was posted before the flag was raised; it is on the port by now.
    for (let spins = 0; spins < 1000; spins++) {
      const got = receiveMessageOnPort(this.port);
      if (got) {
        const reply = got.message as Reply;
        if (reply.id === id) return reply;
        continue; // a stale reply to a call that already gave up
      }
      Atomics.wait(this.state, HEARTBEAT + 1, 0, 1);
    }
    return this.die('the connection thread raised its flag without a reply');
  }

  private die(why: string): never {
    this.dead = why;
    void this.worker.terminate();
    throw new DatabaseError(`PostgreSQL at ${this.server}: ${why}`);
  }

  /** Stop the thread (after the connection was ended through call({op:'close'})). */
  terminate(): void {
    this.dead ??= 'the connection is closed';
    void this.worker.terminate();
  }
}
