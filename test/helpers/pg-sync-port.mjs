/**
 * A test-only synchronous connection to PostgreSQL with the storage port's shape
 * (src/db/port.ts), enough to run src/db/migrate-pg.ts for real before the production facade
 * (src/db/pg/) exists: a worker thread owns a `pg` client and the caller blocks on a shared flag
 * (Atomics.wait) until the worker has posted the reply. `?` parameters become $1, $2, ...
 * Plain JavaScript so a child process (test/helpers/pg-migrate-child.mjs) can load it too.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

export class SyncPg {
  constructor(url) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.flag = new Int32Array(new SharedArrayBuffer(4));
    this.worker = new Worker(new URL('./pg-sync-worker.mjs', import.meta.url), {
      workerData: { url, port: port2, signal: this.flag.buffer },
      transferList: [port2],
    });
    this.inTransaction = false;
  }

  call(message) {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(message);
    // Generous: a migration waiting for another's advisory lock blocks here until it commits.
    if (Atomics.wait(this.flag, 0, 0, 120_000) === 'timed-out') throw new Error('no reply from PostgreSQL within 120 s');
    const reply = receiveMessageOnPort(this.port)?.message;
    if (!reply) throw new Error('the PostgreSQL worker woke without a reply');
    if (reply.error) throw Object.assign(new Error(reply.error), { code: reply.code });
    return reply;
  }

  query(sql, params = []) {
    let n = 0;
    return this.call({ sql: params.length ? sql.replace(/\?/g, () => `$${++n}`) : sql, params });
  }

  exec(sql) {
    this.query(sql);
    return this;
  }

  prepare(sql) {
    const conn = this;
    let pluck = false;
    const rows = (params) => {
      const r = conn.query(sql, params);
      return { rows: pluck ? r.rows.map((row) => row[r.fields[0]]) : r.rows, changes: r.rowCount };
    };
    return {
      run: (...params) => ({ changes: rows(params).changes, lastInsertRowid: 0 }),
      get: (...params) => rows(params).rows[0],
      all: (...params) => rows(params).rows,
      iterate: (...params) => rows(params).rows[Symbol.iterator](),
      pluck(toggle = true) {
        pluck = toggle;
        return this;
      },
      raw() {
        throw new Error('raw() is not needed by the migration runner');
      },
      safeIntegers() {
        return this;
      },
    };
  }

  transaction(fn) {
    const run = (...args) => {
      this.exec('BEGIN');
      this.inTransaction = true;
      try {
        const result = fn(...args);
        this.exec('COMMIT');
        return result;
      } catch (err) {
        this.exec('ROLLBACK');
        throw err;
      } finally {
        this.inTransaction = false;
      }
    };
    run.immediate = run;
    return run;
  }

  close() {
    this.call({ end: true });
    void this.worker.terminate();
  }
}
