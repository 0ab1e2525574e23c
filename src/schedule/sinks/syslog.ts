/**
 * syslog sink: each alert as SIEM events (src/schedule/events.ts), one RFC 5424 message per
 * event, to a collector over UDP (RFC 5426: one message per datagram) or TCP (RFC 6587
 * octet-counting: `<length> <message>`, so a message may hold any byte). The message is the
 * event's JSON line after a UTF-8 BOM; the header's MSGID is the event action, the severity
 * follows the finding's (high: err, medium: warning, low: notice).
 *
 * UDP has no acknowledgement: a datagram sent counts as delivered. Over TCP a delivery counts
 * once the collector has taken every byte and the connection closed cleanly; any error is
 * retried, so a collector may see an alert twice (deduplicate on `payrecon.alert_id`).
 */
import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import { eventLine } from '../../checksums/events.js';
import type { AlertBody } from '../alert.js';
import { alertEvents, type AlertEvent } from '../events.js';
import { DeliveryError, type Delivery, type Sink } from './types.js';

export const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'audit', 'alert', 'clock', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;
export type Facility = (typeof FACILITIES)[number];

const SEVERITY: Record<AlertEvent['severity'], number> = { high: 3, medium: 4, low: 5 };
const BOM = '\uFEFF';
/** The largest UDP payload; a longer message cannot be sent as one datagram. */
const MAX_DATAGRAM = 65_507;
const LINGER_MS = 2000;

export interface SyslogOptions {
  key: string;
  label: string;
  host: string;
  port: number;
  protocol: 'udp' | 'tcp';
  facility: Facility;
  appName: string;
  /** HOSTNAME of the header and host.name of the events. */
  hostname: string;
  timeoutMs: number;
  pid?: number;
}

/** RFC 5424 header fields are printable US-ASCII without spaces, of bounded length ("-" when empty). */
function headerField(value: string, max: number): string {
  const v = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return v || '-';
}

/** One RFC 5424 message (no framing). */
export function formatSyslog(e: AlertEvent, o: Pick<SyslogOptions, 'facility' | 'appName' | 'hostname' | 'pid'>): string {
  const pri = FACILITIES.indexOf(o.facility) * 8 + SEVERITY[e.severity];
  const ts = String(e.event['@timestamp'] ?? new Date().toISOString());
  const header = [`<${pri}>1`, ts, headerField(o.hostname, 255), headerField(o.appName, 48), String(o.pid ?? process.pid), headerField(e.action, 32), '-'];
  return `${header.join(' ')} ${BOM}${eventLine(e.event)}`;
}

/** RFC 6587 octet counting: the length in bytes, a space, the message. */
export function frameOctetCounting(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

export function createSyslogSink(opts: SyslogOptions): Sink {
  const send = opts.protocol === 'udp' ? sendUdp : sendTcp;
  return {
    key: opts.key,
    label: opts.label,
    concurrency: 1,
    async deliver(d: Delivery, signal: AbortSignal): Promise<void> {
      const messages = alertEvents(JSON.parse(d.body) as AlertBody, opts.hostname).map((e) => formatSyslog(e, opts));
      if (messages.length) await send(opts, messages, signal);
    },
  };
}

async function sendUdp(o: SyslogOptions, messages: string[]): Promise<void> {
  const socket = createSocket(isIPv6(o.host) ? 'udp6' : 'udp4');
  try {
    for (const m of messages) {
      const buf = Buffer.from(m, 'utf8');
      if (buf.length > MAX_DATAGRAM) throw new DeliveryError(`a message of ${buf.length} bytes does not fit in one UDP datagram; use "protocol": "tcp"`, false);
      await new Promise<void>((resolve, reject) =>
        socket.send(buf, o.port, o.host, (err) => (err ? reject(new DeliveryError(`cannot send to udp ${o.host}:${o.port}: ${err.message}`, true)) : resolve())),
      );
    }
  } finally {
    socket.close();
  }
}

function sendTcp(o: SyslogOptions, messages: string[], signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: o.host, port: o.port });
    let failed: DeliveryError | undefined;
    const fail = (why: string) => {
      failed ??= new DeliveryError(`tcp ${o.host}:${o.port}: ${why}`, true);
      socket.destroy();
    };
    const timer = setTimeout(() => fail(`not delivered within ${o.timeoutMs} ms`), o.timeoutMs);
    const onStop = () => fail('stopped before the collector took the messages');
    signal.addEventListener('abort', onStop, { once: true });
    socket.on('error', (err) => fail((err as NodeJS.ErrnoException).code ?? err.message));
    socket.on('connect', () => {
      socket.end(Buffer.concat(messages.map(frameOctetCounting)));
    });
    // Everything is written and our side closed: a collector that keeps its side open is
    // given a moment to close it (its clean close is the best receipt TCP offers), then let go.
    let linger: NodeJS.Timeout | undefined;
    socket.on('finish', () => (linger = setTimeout(() => socket.destroy(), LINGER_MS)));
    // A collector never writes back; read and drop anything it does so 'close' can come.
    socket.resume();
    socket.on('close', () => {
      clearTimeout(timer);
      clearTimeout(linger);
      signal.removeEventListener('abort', onStop);
      if (failed) reject(failed);
      else resolve();
    });
  });
}
