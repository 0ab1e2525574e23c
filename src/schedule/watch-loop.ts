/**
 * The watch loop: which baselines need a scan, and one scan at a time. A change marks its
 * baseline dirty and the scan starts DEBOUNCE_MS after the first event (not after the last,
 * so a file written continuously cannot postpone it); a change during a scan marks the
 * baseline dirty again, so it is scanned once more afterwards. Every baseline is scanned at
 * start, after a watcher error, and every `rescanMs` (src/schedule/watcher.ts says why).
 */
import type { BaselineSpec } from '../checksums/profiles.js';
import type { EventLog } from './log.js';
import { startWatch, watchTargets, type WatchTarget } from './watcher.js';

export type ScanReason = 'start' | 'change' | 'rescan' | 'watch-error';

export interface WatchLoopOptions {
  specs: ReadonlyMap<string, BaselineSpec>;
  scan(baseline: string, reason: ScanReason): Promise<void>;
  log: EventLog;
  /** Paths whose changes are ours (the database and its journal): never a reason to scan. */
  ignore(path: string): boolean;
  rescanMs: number;
  debounceMs?: number;
  watchFn?: Parameters<typeof startWatch>[2];
}

export class WatchLoop {
  private readonly dirty = new Map<string, ScanReason>();
  private readonly stops = new Map<string, Array<() => void>>();
  /** Baselines whose watches must be set up again (an error, or roots not there yet). */
  private readonly rearm = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private interval: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  readonly totals = { scans: 0, events: 0, errors: 0 };

  constructor(private readonly opts: WatchLoopOptions) {}

  /** Listen first, then scan everything: a change made during the first scan is not missed. */
  start(): void {
    for (const name of this.opts.specs.keys()) this.arm(name);
    for (const name of this.opts.specs.keys()) this.dirty.set(name, 'start');
    this.interval = setInterval(() => {
      for (const name of this.opts.specs.keys()) this.mark(name, 'rescan');
    }, this.opts.rescanMs);
    this.kick(0);
  }

  /** Stop listening and wait for the scan in flight (scans are one transaction: never half-written). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.interval);
    for (const stops of this.stops.values()) for (const s of stops) s();
    this.stops.clear();
    await this.running;
  }

  private arm(name: string): void {
    for (const s of this.stops.get(name) ?? []) s();
    const { targets, unwatched } = watchTargets(name, this.opts.specs.get(name)!);
    if (unwatched.length) this.rearm.add(name);
    else this.rearm.delete(name);
    const stops = targets.map((t) => startWatch(t, { change: (tt, p) => this.changed(tt, p), error: (tt, e) => this.failed(tt, e) }, this.opts.watchFn));
    this.stops.set(name, stops);
    this.opts.log.event('watching', {
      baseline: name,
      directories: targets.map((t) => (t.recursive ? `${t.dir}/**` : `${t.dir} (${[...t.names!].join(', ')})`)),
      // Roots whose directory does not exist yet: seen by the rescans, and watched once they exist.
      ...(unwatched.length ? { not_watched: unwatched } : {}),
    });
  }

  private changed(target: WatchTarget, path: string): void {
    if (this.stopped || this.opts.ignore(path)) return;
    this.totals.events++;
    this.mark(target.baseline, 'change');
  }

  private failed(target: WatchTarget, err: Error): void {
    if (this.stopped) return;
    this.totals.errors++;
    this.opts.log.event('watch_error', { baseline: target.baseline, directory: target.dir, error: err.message, note: 'scanning everything now; the watch is set up again after the scan' }, 'warn');
    this.rearm.add(target.baseline);
    this.mark(target.baseline, 'watch-error');
  }

  private mark(name: string, reason: ScanReason): void {
    if (this.stopped) return;
    // A full scan already waiting covers a change; the first reason is the one logged.
    if (!this.dirty.has(name)) this.dirty.set(name, reason);
    this.kick(this.opts.debounceMs ?? 100);
  }

  private kick(delayMs: number): void {
    if (this.timer || this.running || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.drain().finally(() => {
        this.running = undefined;
        if (this.dirty.size) this.kick(this.opts.debounceMs ?? 100);
      });
    }, delayMs);
  }

  private async drain(): Promise<void> {
    while (this.dirty.size && !this.stopped) {
      const [name, reason] = this.dirty.entries().next().value as [string, ScanReason];
      this.dirty.delete(name);
      this.totals.scans++;
      try {
        await this.opts.scan(name, reason);
      } catch (err) {
        this.opts.log.event('scan_error', { baseline: name, error: (err as Error)?.message ?? String(err) }, 'error');
      }
      // After an error, or (on full scans only, to keep the log quiet) for roots not there yet.
      if (this.rearm.has(name) && reason !== 'change' && !this.stopped) this.arm(name);
    }
  }
}
