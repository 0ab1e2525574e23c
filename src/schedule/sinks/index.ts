/** Build the configured sinks. Secrets are read from the environment here, once. */
import type { SinkConfig } from '../config.js';
import { createCommandSink } from './command.js';
import { hostname } from 'node:os';
import { createFileSink } from './file.js';
import { createJsonlSink } from './jsonl.js';
import { createSyslogSink } from './syslog.js';
import type { Sink } from './types.js';
import { createWebhookSink } from './webhook.js';

/** Where a jsonl sink's "-" writes, and the host name events carry. */
export interface SinkIo {
  stdout: NodeJS.WritableStream;
  hostname: string;
}

export interface SinkDefaults {
  /** Timeout of one webhook request or command run, unless the config says otherwise. */
  timeoutMs: number;
}

export function createSinks(configs: SinkConfig[], env: NodeJS.ProcessEnv, defaults: SinkDefaults, io: SinkIo = { stdout: process.stdout, hostname: hostname() }): Sink[] {
  return configs.map((c) => {
    switch (c.type) {
      case 'webhook':
        return createWebhookSink({
          key: c.key,
          label: c.label,
          url: c.url,
          secret: env[c.secretEnv] ?? '',
          timeoutMs: c.timeoutSeconds ? c.timeoutSeconds * 1000 : defaults.timeoutMs,
        });
      case 'file':
        return createFileSink({ key: c.key, label: c.label, path: c.path });
      case 'command':
        return createCommandSink({
          key: c.key,
          label: c.label,
          argv: c.run,
          env,
          timeoutMs: c.timeoutSeconds ? c.timeoutSeconds * 1000 : defaults.timeoutMs,
        });
      case 'jsonl':
        return createJsonlSink({ key: c.key, label: c.label, path: c.path, host: io.hostname, stdout: io.stdout });
      case 'syslog':
        return createSyslogSink({
          key: c.key,
          label: c.label,
          host: c.host,
          port: c.port,
          protocol: c.protocol,
          facility: c.facility ?? 'auth',
          appName: c.appName ?? 'payrecon',
          hostname: io.hostname,
          timeoutMs: c.timeoutSeconds ? c.timeoutSeconds * 1000 : defaults.timeoutMs,
        });
    }
  });
}
