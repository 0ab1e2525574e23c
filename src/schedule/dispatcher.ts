/**
 * Delivers what the outbox holds, beside the jobs: each sink has its own small pool of
 * deliveries in flight, woken when an alert is enqueued or a retry falls due, so a slow or
 * dead receiver delays nothing but its own queue. Every outcome is written back to the outbox
 * before the slot is freed; an interrupted delivery stays pending under the same id.
 */
import { retryDelay, type BackoffPolicy } from './backoff.js';
import type { EventLog } from './log.js';
import type { DueDelivery, Outbox } from './outbox.js';
import { DeliveryError, type Sink } from './sinks/types.js';

export interface DispatcherOptions {
  outbox: Outbox;
  sinks: Sink[];
  backoff: BackoffPolicy;
  log: EventLog;
  now?: () => Date;
  random?: () => number;
}

/** Counters for the final summary. */
export interface DeliveryStats {
  delivered: number;
  retried: number;
  failed: number;
}

export class Dispatcher {
  readonly stats: DeliveryStats = { delivered: 0, retried: 0, failed: 0 };
  private readonly workers: SinkWorker[];
  private readonly stopController = new AbortController();

  constructor(private readonly opts: DispatcherOptions) {
    this.workers = opts.sinks.map((s) => new SinkWorker(s, this, opts));
  }

  /** Signal that fires when deliveries in flight must give up (end of the grace period). */
  get abortSignal(): AbortSignal {
    return this.stopController.signal;
  }

  /** Begin delivering (including whatever a previous process left pending). */
  start(): void {
    for (const w of this.workers) w.fill();
  }

  /** New alerts were enqueued: look now rather than at the next timer. */
  kick(): void {
    for (const w of this.workers) w.fill();
  }

  /**
   * Stop: keep delivering what is due for up to `graceMs`, then abort what is in flight and
   * return. Anything undelivered stays in the outbox for the next start, under the same id.
   */
  async drain(graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs;
    for (const w of this.workers) w.draining = true;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      for (const w of this.workers) w.fill();
      const inflight = this.workers.filter((w) => w.busy());
      if (inflight.length) {
        await raceTimeout(Promise.all(inflight.map((w) => w.idle())), left);
        continue;
      }
      // Nothing in flight: wait for the next retry if it falls due within the grace period.
      const next = Math.min(...this.workers.map((w) => w.nextDueAt() ?? Infinity));
      const wait = next - (this.opts.now ?? (() => new Date()))().getTime();
      if (!Number.isFinite(next) || wait >= left) break;
      await raceTimeout(new Promise<void>(() => undefined), Math.max(wait, 1));
    }
    this.stopController.abort();
    for (const w of this.workers) w.stop();
    await Promise.all(this.workers.map((w) => w.idle()));
  }

  /** @internal counters and logging shared by the workers. */
  record(kind: keyof DeliveryStats): void {
    this.stats[kind]++;
  }
}

const OUTBOX_ERROR_PAUSE_MS = 1000;
const BATCH = 64;

/** Wait for `p` or `ms`, whichever is first, leaving no timer behind to hold the process open. */
async function raceTimeout(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([p, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

class SinkWorker {
  draining = false;
  private stopped = false;
  /** After the outbox failed to record an outcome, back off instead of spinning. */
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly inflight = new Map<string, Promise<void>>();
  /** Due rows read but not yet started (claimed in memory; still pending in the outbox). */
  private queue: DueDelivery[] = [];
  private readonly now: () => Date;
  private readonly random: () => number;

  constructor(
    private readonly sink: Sink,
    private readonly parent: Dispatcher,
    private readonly opts: DispatcherOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
    this.random = opts.random ?? Math.random;
  }

  /** Start as many due deliveries as there are free slots; arm a timer for the next one. */
  fill(): void {
    if (this.stopped) return;
    if (Date.now() < this.pausedUntil) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.fill(), this.pausedUntil - Date.now());
      return;
    }
    while (this.inflight.size < this.sink.concurrency) {
      // Rows are read in batches (one query per BATCH deliveries, not one per delivery).
      if (this.queue.length === 0) this.queue = this.opts.outbox.due(this.sink.key, this.now().getTime(), BATCH, this.inflight.keys());
      const row = this.queue.shift();
      if (!row) break;
      const p = this.attempt(row)
        .catch((err: unknown) => {
          // The outbox could not record the outcome: the row stays pending and is retried.
          this.opts.log.event('outbox_error', { alert: row.alertId, sink: this.sink.label, error: (err as Error)?.message ?? String(err) }, 'error');
          this.pausedUntil = Date.now() + OUTBOX_ERROR_PAUSE_MS;
        })
        .finally(() => {
          this.inflight.delete(row.alertId);
          this.fill();
        });
      this.inflight.set(row.alertId, p);
    }
    this.arm();
  }

  busy(): boolean {
    return this.inflight.size > 0 || this.queue.length > 0;
  }

  nextDueAt(): number | undefined {
    return this.opts.outbox.nextDueAt(this.sink.key, this.inflight.keys());
  }

  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight.values()]);
  }

  stop(): void {
    this.stopped = true;
    this.queue = [];
    clearTimeout(this.timer);
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    // With every slot busy, a finishing delivery calls fill(); a timer would only spin.
    if (this.stopped || this.draining || this.inflight.size >= this.sink.concurrency || this.queue.length > 0) return;
    const next = this.opts.outbox.nextDueAt(this.sink.key, this.inflight.keys());
    if (next === undefined) return;
    // Timers cap at ~24.8 days; a far retry simply re-arms when this fires.
    const delay = Math.min(Math.max(0, next - this.now().getTime()), 2 ** 31 - 1);
    this.timer = setTimeout(() => this.fill(), delay);
  }

  private async attempt(d: DueDelivery): Promise<void> {
    const { outbox, log } = this.opts;
    const attempt = d.attempts + 1;
    const fields = { alert: d.alertId, sink: this.sink.label, attempt };
    let failure: DeliveryError | undefined;
    try {
      await this.sink.deliver({ alertId: d.alertId, body: d.body }, this.parent.abortSignal);
    } catch (err) {
      failure = err instanceof DeliveryError ? err : new DeliveryError((err as Error)?.message ?? String(err), true);
    }
    // Recording the outcome may fail too (a locked database): that propagates to fill(),
    // which logs it and leaves the row pending, to be delivered again under the same id.
    if (!failure) {
      await outbox.markDelivered(d, this.now());
      this.parent.record('delivered');
      log.event('delivered', fields);
    } else if (!failure.retryable) {
      await outbox.markFailed(d, failure.message);
      this.parent.record('failed');
      log.event('delivery_failed', { ...fields, error: failure.message }, 'error');
    } else {
      const delay = retryDelay(this.opts.backoff, attempt, this.random, failure.retryAfterMs);
      const nextAt = new Date(this.now().getTime() + delay);
      await outbox.markRetry(d, nextAt.getTime(), failure.message);
      this.parent.record('retried');
      log.event('delivery_retry', { ...fields, error: failure.message, next_attempt_at: nextAt.toISOString() }, 'warn');
    }
  }
}
