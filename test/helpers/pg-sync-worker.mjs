// The worker half of test/helpers/pg-sync-port.mjs: runs each query on its own pg client and
// wakes the blocked caller through the shared flag once the reply is posted.
import { workerData } from 'node:worker_threads';
import pg from 'pg';

const { url, port, signal } = workerData;
const flag = new Int32Array(signal);
const client = new pg.Client({ connectionString: url });
const connected = client.connect();

port.on('message', async ({ sql, params, end }) => {
  let reply;
  try {
    await connected;
    if (end) {
      await client.end();
      reply = { ended: true };
    } else {
      const r = await client.query(params.length ? { text: sql, values: params } : sql);
      const last = Array.isArray(r) ? r[r.length - 1] : r;
      reply = { rows: last.rows, fields: last.fields.map((f) => f.name), rowCount: last.rowCount ?? 0 };
    }
  } catch (err) {
    reply = { error: err.message, code: err.code };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  if (end) port.close();
});
