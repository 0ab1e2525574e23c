/**
 * A syslog collector on 127.0.0.1 for tests: UDP (one message per datagram) or TCP with RFC
 * 6587 octet-counting frames, parsed back into RFC 5424 fields. `next(n)` waits for messages
 * instead of sleeping.
 */
import { createSocket } from 'node:dgram';
import { createServer, type Socket } from 'node:net';

export interface SyslogMessage {
  raw: string;
  pri: number;
  version: string;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  structuredData: string;
  /** The MSG after its UTF-8 BOM. */
  msg: string;
  hadBom: boolean;
}

export interface Collector {
  port: number;
  messages: SyslogMessage[];
  /** Resolves once at least `n` messages arrived (rejects after `ms`). */
  next(n: number, ms?: number): Promise<SyslogMessage[]>;
  close(): Promise<void>;
}

const HEADER = /^<(\d{1,3})>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[.*?\]) ?([\s\S]*)$/;

export function parse5424(raw: string): SyslogMessage {
  const m = HEADER.exec(raw);
  if (!m) throw new Error(`not an RFC 5424 message: ${JSON.stringify(raw.slice(0, 200))}`);
  const hadBom = m[9].startsWith('\uFEFF');
  return {
    raw,
    pri: Number(m[1]),
    version: m[2],
    timestamp: m[3],
    hostname: m[4],
    appName: m[5],
    procId: m[6],
    msgId: m[7],
    structuredData: m[8],
    msg: hadBom ? m[9].slice(1) : m[9],
    hadBom,
  };
}

function waiter(messages: SyslogMessage[]) {
  const listeners = new Set<() => void>();
  const push = (raw: string) => {
    messages.push(parse5424(raw));
    for (const l of listeners) l();
  };
  const next = (n: number, ms = 10_000) =>
    new Promise<SyslogMessage[]>((resolve, reject) => {
      const check = () => {
        if (messages.length < n) return;
        clearTimeout(timer);
        listeners.delete(check);
        resolve(messages.slice());
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`expected ${n} syslog messages, got ${messages.length}`));
      }, ms);
      listeners.add(check);
      check();
    });
  return { push, next };
}

export async function udpCollector(): Promise<Collector> {
  const messages: SyslogMessage[] = [];
  const w = waiter(messages);
  const socket = createSocket('udp4');
  socket.on('message', (buf) => w.push(buf.toString('utf8')));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { port: socket.address().port, messages, next: w.next, close: () => new Promise((r) => socket.close(() => r())) };
}

/** Octet-counting frames: `<length> <message>`, the length in bytes. */
export function unframe(buffer: Buffer): { frames: string[]; rest: Buffer } {
  const frames: string[] = [];
  let buf = buffer;
  for (;;) {
    const sp = buf.indexOf(0x20);
    if (sp < 0) break;
    const len = Number(buf.subarray(0, sp).toString('ascii'));
    if (!Number.isInteger(len) || len <= 0) throw new Error(`bad octet count ${JSON.stringify(buf.subarray(0, sp).toString())}`);
    if (buf.length < sp + 1 + len) break;
    frames.push(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
    buf = buf.subarray(sp + 1 + len);
  }
  return { frames, rest: buf };
}

export async function tcpCollector(): Promise<Collector & { connections: number }> {
  const messages: SyslogMessage[] = [];
  const w = waiter(messages);
  const sockets = new Set<Socket>();
  const state = { connections: 0 };
  const server = createServer((s) => {
    state.connections++;
    sockets.add(s);
    let pending = Buffer.alloc(0);
    s.on('data', (chunk) => {
      const { frames, rest } = unframe(Buffer.concat([pending, chunk]));
      pending = rest;
      for (const f of frames) w.push(f);
    });
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    messages,
    next: w.next,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
