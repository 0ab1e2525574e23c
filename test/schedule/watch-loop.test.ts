/**
 * The watch loop's promises, with a stand-in for fs.watch: every baseline is scanned at start,
 * a change during a scan leads to one more scan, a watcher error leads to a full scan and a new
 * watch, the rescan interval scans everything, and the database's own writes are ignored.
 */
import { EventEmitter } from 'node:events';
import type { watch } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import type { BaselineSpec } from '../../src/checksums/profiles.js';
import { MemoryLog } from '../../src/schedule/log.js';
import { WatchLoop, type ScanReason } from '../../src/schedule/watch-loop.js';
import { tempDir } from '../helpers/cli.js';
import { waitFor } from '../helpers/schedule-support.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

type Listener = (type: string, name: Buffer | null) => void;
class FakeWatcher extends EventEmitter {
  closed = false;
  constructor(readonly dir: string, readonly listener: Listener) {
    super();
  }
  close() {
    this.closed = true;
  }
}

function setup(rescanMs = 3_600_000) {
  const watchers: FakeWatcher[] = [];
  const watchFn = ((dir: string, _o: unknown, listener: Listener) => {
    const w = new FakeWatcher(String(dir), listener);
    watchers.push(w);
    return w;
  }) as unknown as typeof watch;
  const scans: Array<[string, ScanReason]> = [];
  let gate: Promise<void> = Promise.resolve();
  const spec: BaselineSpec = { version: 1, profile: null, roots: [{ base: tmp.dir }], excludes: [], sha512: false };
  const loop = new WatchLoop({
    specs: new Map([['conf', spec]]),
    log: new MemoryLog(),
    rescanMs,
    debounceMs: 5,
    ignore: (p) => p.endsWith('.db'),
    watchFn,
    scan: async (name, reason) => {
      scans.push([name, reason]);
      await gate;
    },
  });
  return { loop, watchers, scans, hold: (p: Promise<void>) => (gate = p) };
}

it('scans at start, once more for a change made during a scan, and ignores the database', async () => {
  const s = setup();
  let release!: () => void;
  s.hold(new Promise<void>((r) => (release = r)));
  s.loop.start();
  await waitFor(() => s.scans.length === 1, 'the start scan');
  expect(s.scans[0]).toEqual(['conf', 'start']);
  s.watchers[0].listener('change', Buffer.from('payrecon.db'));
  s.watchers[0].listener('change', Buffer.from('a.conf'));
  s.watchers[0].listener('rename', Buffer.from('b.conf'));
  s.hold(Promise.resolve());
  release();
  await waitFor(() => s.scans.length === 2, 'the scan for the change');
  expect(s.scans[1]).toEqual(['conf', 'change']);
  expect(s.loop.totals.events).toBe(2);
  await s.loop.stop();
  expect(s.watchers.every((w) => w.closed)).toBe(true);
});

it('a watcher error scans everything and watches again', async () => {
  const s = setup();
  s.loop.start();
  await waitFor(() => s.scans.length === 1, 'the start scan');
  s.watchers[0].emit('error', new Error('ENOSPC: inotify watch limit reached'));
  await waitFor(() => s.scans.length === 2 && s.watchers.length === 2, 'the scan after the error and a new watch');
  expect(s.scans[1]).toEqual(['conf', 'watch-error']);
  expect(s.watchers[0].closed).toBe(true);
  expect(s.watchers[1].closed).toBe(false);
  await s.loop.stop();
});

it('the rescan interval scans everything without any event', async () => {
  const s = setup(1000);
  s.loop.start();
  await waitFor(() => s.scans.some(([, r]) => r === 'rescan'), 'a rescan', 20_000);
  await s.loop.stop();
  const n = s.scans.length;
  // Stopped means stopped: no scan starts afterwards, whatever the watcher says.
  s.watchers[0].listener('change', Buffer.from('a.conf'));
  await new Promise((r) => setImmediate(r));
  expect(s.scans.length).toBe(n);
});
