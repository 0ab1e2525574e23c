// A connection worker that dies on its first request without replying (src/db/pg/bridge.ts must notice).
import { workerData } from 'node:worker_threads';
const state = new Int32Array(workerData.shared);
process.on('exit', () => {
  Atomics.store(state, 0, 2);
  Atomics.notify(state, 0);
});
workerData.port.on('message', () => process.exit(3));
