/**
 * File sink: append the alert as one JSON line and fsync before reporting success, so an alert
 * marked delivered is on disk. Deliveries to one file run one at a time, keeping lines whole.
 */
import { open } from 'node:fs/promises';
import { DeliveryError, type Delivery, type Sink } from './types.js';

export function createFileSink(opts: { key: string; label: string; path: string }): Sink {
  return {
    key: opts.key,
    label: opts.label,
    concurrency: 1,
    async deliver(d: Delivery): Promise<void> {
      let fh;
      try {
        fh = await open(opts.path, 'a', 0o640);
        await fh.write(d.body + '\n');
        await fh.sync();
      } catch (err) {
        throw new DeliveryError(`cannot append to ${opts.path}: ${(err as Error).message}`, true);
      } finally {
        await fh?.close().catch(() => undefined);
      }
    },
  };
}
