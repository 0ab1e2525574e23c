/**
 * A worker thread that claims files from the front of the shared queue (the main thread claims
 * from the back) and hashes them: on two cores the SHA-256 work is split without either side
 * waiting for the other. Results go back in batches; the last message says it is done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Hasher, type HashResult } from './hasher.js';
import { WorkQueue } from './work-queue.js';
import { readXattrs } from './xattrs.js';

const { paths, sha512, xattrs, shared } = workerData as { paths: string[]; sha512: boolean; xattrs: boolean; shared: SharedArrayBuffer };
const queue = new WorkQueue(paths.length, shared);
const hasher = new Hasher(undefined, undefined, xattrs ? readXattrs : undefined);
let batch: Array<[number, HashResult]> = [];
let batchBytes = 0;
for (let i = queue.takeFront(); i >= 0; i = queue.takeFront()) {
  const r = hasher.hash(paths[i], sha512);
  batch.push([i, r]);
  batchBytes += r.bytes;
  if (batch.length >= 64 || batchBytes >= 32 << 20) {
    parentPort!.postMessage({ results: batch });
    batch = [];
    batchBytes = 0;
  }
}
parentPort!.postMessage({ results: batch, done: true });
