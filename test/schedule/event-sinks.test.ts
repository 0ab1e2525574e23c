/**
 * Issue 12, item 3: the jsonl and syslog alert sinks, delivering real alerts to a file and to
 * syslog collectors listening on 127.0.0.1 (UDP and TCP with octet counting).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAlert, serializeAlert, type AlertInput } from '../../src/schedule/alert.js';
import { createJsonlSink } from '../../src/schedule/sinks/jsonl.js';
import { createSyslogSink, formatSyslog, type SyslogOptions } from '../../src/schedule/sinks/syslog.js';
import { DeliveryError } from '../../src/schedule/sinks/types.js';
import { alertEvents } from '../../src/schedule/events.js';
import { tempDir } from '../helpers/cli.js';
import { freePort } from '../helpers/webhook-receiver.js';
import { tcpCollector, udpCollector } from '../helpers/syslog-collector.js';

let cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

const file = { type: 'file', mode: '0644', uid: '1000', gid: '1000', owner: 'app', group: 'app', inode: '42', size: 3 };
const findings = [
  { baseline: 'keys', scan: 7, path: '/srv/tls/server.key', kind: 'changed', attributes: ['mode', 'ctime'], severity: 'high', reason: 'mode 0600 -> 0644', first_seen_scan: 7, file },
  // A name with a newline and a C1 control: one message, one line, whatever the name holds.
  { baseline: 'keys', scan: 7, path: '/srv/tls/evil\nname\u0085.conf', kind: 'added', severity: 'medium', first_seen_scan: 7, file },
];

function alert(over: Partial<AlertInput> = {}) {
  const body = buildAlert({ id: 'alert-1', job: 'keys', command: 'scan', exitCode: 5, at: new Date('2026-03-01T02:00:00.000Z'), items: findings, ...over });
  return { alertId: body.id, body: serializeAlert(body) };
}

function syslog(over: Partial<SyslogOptions>) {
  return createSyslogSink({ key: 'k', label: 'l', host: '127.0.0.1', port: 514, protocol: 'udp', facility: 'auth', appName: 'payrecon', hostname: 'web-1', timeoutMs: 5000, pid: 4242, ...over });
}

describe('syslog sink', () => {
  it('UDP: one RFC 5424 message per finding, priority from facility and severity, the event as MSG', async () => {
    const rx = await udpCollector();
    cleanups.push(() => rx.close());
    await syslog({ port: rx.port }).deliver(alert(), new AbortController().signal);
    const [a, b] = await rx.next(2);
    expect(a).toMatchObject({ pri: 4 * 8 + 3, version: '1', timestamp: '2026-03-01T02:00:00.000Z', hostname: 'web-1', appName: 'payrecon', procId: '4242', msgId: 'file-changed', structuredData: '-', hadBom: true });
    expect(b).toMatchObject({ pri: 4 * 8 + 4, msgId: 'file-added' });
    const ev = JSON.parse(a.msg);
    expect(ev).toMatchObject({ file: { path: '/srv/tls/server.key', mode: '0644', owner: 'app' }, host: { name: 'web-1' }, payrecon: { baseline: 'keys', scan: 7, job: 'keys', alert_id: 'alert-1' } });
    expect(JSON.parse(b.msg).file.path).toBe('/srv/tls/evil\nname\u0085.conf');
    expect(b.msg).not.toMatch(/[\n\u0085]/);
  });

  it('TCP: octet-counted frames on one connection, facility as configured', async () => {
    const rx = await tcpCollector();
    cleanups.push(() => rx.close());
    await syslog({ port: rx.port, protocol: 'tcp', facility: 'local3' }).deliver(alert(), new AbortController().signal);
    const msgs = await rx.next(2);
    expect(msgs.map((m) => m.pri)).toEqual([19 * 8 + 3, 19 * 8 + 4]);
    expect(rx.connections).toBe(1);
    expect(JSON.parse(msgs[1].msg).event.action).toBe('file-added');
  });

  it('TCP: a collector that is not listening is a retryable failure', async () => {
    const port = await freePort();
    const err = await syslog({ port, protocol: 'tcp' }).deliver(alert(), new AbortController().signal).catch((e) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain(`tcp 127.0.0.1:${port}: ECONNREFUSED`);
  });

  it('a failed run becomes one job-failed message at high severity', () => {
    const body = JSON.parse(alert({ items: [], exitCode: 19, error: 'database is locked' }).body);
    const [e] = alertEvents(body, 'web-1');
    expect(formatSyslog(e, { facility: 'daemon', appName: 'payrecon', hostname: 'web 1', pid: 1 })).toBe(
      `<27>1 2026-03-01T02:00:00.000Z web_1 payrecon 1 job-failed - \uFEFF${JSON.stringify(e.event)}`,
    );
    expect(e.event).toMatchObject({ event: { action: 'job-failed', outcome: 'failure' }, error: { message: 'database is locked' }, payrecon: { exit_code: 19 } });
  });
});

describe('jsonl sink', () => {
  it('appends one event per finding to a file, and to stdout with "-"', async () => {
    const tmp = tempDir();
    cleanups.push(() => tmp.cleanup());
    const path = join(tmp.dir, 'events.jsonl');
    const stdout = new PassThrough();
    let written = '';
    stdout.on('data', (c) => (written += c));
    for (const p of [path, '-']) await createJsonlSink({ key: 'k', label: 'l', path: p, host: 'web-1', stdout }).deliver(alert(), new AbortController().signal);
    for (const text of [readFileSync(path, 'utf8'), written]) {
      const lines = text.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines.map((l) => JSON.parse(l).event.action)).toEqual(['file-changed', 'file-added']);
    }
  });

  it('a reconcile alert: one event per discrepancy, the discrepancy under payrecon', () => {
    const d = { id: 3, kind: 'amount_mismatch', severity: 'high', reference: 'ORD-1', reason: 'amounts differ by 1.00 EUR' };
    const events = alertEvents(JSON.parse(alert({ command: 'reconcile', items: [d] }).body), 'web-1');
    expect(events).toHaveLength(1);
    expect(events[0].event).toMatchObject({ message: 'amount_mismatch ORD-1: amounts differ by 1.00 EUR', event: { action: 'reconcile-discrepancy', dataset: 'payrecon.reconcile' }, payrecon: { discrepancy: d } });
  });
});
