/** Shared by the scheduler tests: a temp database with the outbox, and polling without timing asserts. */
import { join } from 'node:path';
import { openDatabase, type DB } from '../../src/db/open.js';
import { Outbox } from '../../src/schedule/outbox.js';
import { tempDir } from './cli.js';

export function tempStore() {
  const tmp = tempDir('payrecon-sched-');
  const path = join(tmp.dir, 'x.db');
  const handles: DB[] = [];
  return {
    dir: tmp.dir,
    path,
    /** A fresh connection and outbox, as a (re)started scheduler would open them. */
    open(): { db: DB; outbox: Outbox } {
      const db = openDatabase(path, { busyTimeoutMs: 0 });
      handles.push(db);
      return { db, outbox: new Outbox(db) };
    },
    cleanup() {
      for (const h of handles) if (h.open) h.close();
      tmp.cleanup();
    },
  };
}

/** Poll until `cond` holds; fail with `what` after `ms` (a generous bound, not a timing assert). */
export async function waitFor(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function outboxRows(db: DB) {
  return db.prepare('SELECT alert_id, sink, status, attempts, last_error FROM schedule_outbox ORDER BY rowid').all() as Array<{
    alert_id: string;
    sink: string;
    status: string;
    attempts: number;
    last_error: string | null;
  }>;
}
