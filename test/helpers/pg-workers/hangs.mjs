// A connection worker whose thread hangs on its first request: no reply, no heartbeat.
import { workerData } from 'node:worker_threads';
workerData.port.on('message', () => {
  for (;;);
});
