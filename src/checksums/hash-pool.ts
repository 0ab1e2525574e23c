/**
 * The main thread's handle on the hashing worker (hash-worker.ts). The worker claims files from
 * the front of a shared WorkQueue and reports results in batches; if it dies, whatever it had
 * claimed and not reported is hashed on this thread instead, so no file is ever skipped.
 */
import { Worker } from 'node:worker_threads';
import { Hasher, type HashResult } from './hasher.js';
import { readXattrs } from './xattrs.js';
import type { WalkItem } from './walker.js';
import type { WorkQueue } from './work-queue.js';

export class HashWorker {
  private readonly worker: Worker;
  private readonly reported = new Set<number>();
  finished = false;
  readonly whenFinished: Promise<void>;

  constructor(
    private readonly files: WalkItem[],
    private readonly queue: WorkQueue,
    private readonly sha512: boolean,
    private readonly accept: (item: WalkItem, r: HashResult) => void,
    private readonly xattrs = false,
  ) {
    this.worker = new Worker(new URL('./hash-worker.js', import.meta.url), {
      workerData: { paths: files.map((f) => f.path), sha512, xattrs, shared: queue.cells.buffer },
    });
    let finish!: () => void;
    this.whenFinished = new Promise((r) => (finish = r));
    this.worker.on('message', (m: { results: Array<[number, HashResult]>; done?: boolean }) => {
      for (const [i, r] of m.results) {
        this.reported.add(i);
        this.accept(this.files[i], r);
      }
      if (m.done && !this.finished) {
        this.finished = true;
        finish();
      }
    });
    const fallBack = () => {
      if (this.finished) return;
      this.finished = true;
      this.recoverUnreported();
      finish();
    };
    this.worker.on('error', fallBack);
    this.worker.on('exit', fallBack);
  }

  /** Everything before the queue's head was claimed by the worker; hash what it did not report. */
  private recoverUnreported() {
    const hasher = new Hasher(undefined, undefined, this.xattrs ? readXattrs : undefined);
    for (let i = 0; i < this.queue.head; i++) {
      if (!this.reported.has(i)) this.accept(this.files[i], hasher.hash(this.files[i].path, this.sha512));
    }
  }

  async close(): Promise<void> {
    this.finished = true;
    await this.worker.terminate();
  }
}
