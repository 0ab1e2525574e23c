/**
 * jsonl sink: each alert as SIEM events (src/schedule/events.ts), one JSON object per line,
 * appended to a file (fsync'd before the delivery counts) or written to stdout (`"path": "-"`,
 * for a container's log collector). Deliveries run one at a time, so lines never interleave.
 * A retried delivery may write its events again: collectors deduplicate on
 * `payrecon.alert_id` with the finding's path and kind.
 */
import { open } from 'node:fs/promises';
import { eventLine } from '../../checksums/events.js';
import type { AlertBody } from '../alert.js';
import { alertEvents } from '../events.js';
import { DeliveryError, type Delivery, type Sink } from './types.js';

export function createJsonlSink(opts: { key: string; label: string; path: string; host: string; stdout: NodeJS.WritableStream }): Sink {
  return {
    key: opts.key,
    label: opts.label,
    concurrency: 1,
    async deliver(d: Delivery): Promise<void> {
      const text = alertEvents(JSON.parse(d.body) as AlertBody, opts.host).map((e) => eventLine(e.event) + '\n').join('');
      if (!text) return;
      if (opts.path === '-') {
        await new Promise<void>((resolve, reject) =>
          opts.stdout.write(text, (err) => (err ? reject(new DeliveryError(`cannot write to stdout: ${err.message}`, true)) : resolve())),
        );
        return;
      }
      let fh;
      try {
        fh = await open(opts.path, 'a', 0o640);
        await fh.write(text);
        await fh.sync();
      } catch (err) {
        throw new DeliveryError(`cannot append to ${opts.path}: ${(err as Error).message}`, true);
      } finally {
        await fh?.close().catch(() => undefined);
      }
    },
  };
}
