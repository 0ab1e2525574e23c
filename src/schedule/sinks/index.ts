/** Build the configured sinks. Secrets are read from the environment here, once. */
import type { SinkConfig } from '../config.js';
import { createCommandSink } from './command.js';
import { createFileSink } from './file.js';
import type { Sink } from './types.js';
import { createWebhookSink } from './webhook.js';

export interface SinkDefaults {
  /** Timeout of one webhook request or command run, unless the config says otherwise. */
  timeoutMs: number;
}

export function createSinks(configs: SinkConfig[], env: NodeJS.ProcessEnv, defaults: SinkDefaults): Sink[] {
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
    }
  });
}
