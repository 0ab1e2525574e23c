/**
 * The outbox: every alert, per sink, until delivered. It lives in the payrecon database on a
 * connection of its own that never waits on a lock synchronously (busy timeout 0): jobs hold
 * their write transactions across awaits, and a synchronous wait here would block the very
 * event loop those jobs need to finish. A busy database is retried asynchronously instead.
 */
import { isBusy } from '../db/errors-port.js';
import type { Statement } from '../db/port.js';
import { type DB, sqliteSetting } from '../db/open.js';
import { inJsonText } from '../db/sql.js';
import { claimTick, releaseTick, tickKey } from '../db/tick-claims.js';
import { DatabaseError } from '../errors.js';

/** One pending delivery of one alert to one sink. */
export interface DueDelivery {
  alertId: string;
  sink: string;
  body: string;
  attempts: number;
}

/** What a finished run changes: fingerprints to remember or forget, and the alert to send. */
export interface RunRecord {
  job: string;
  forget: string[];
  remember: Array<{ fingerprint: string; kind: 'finding' | 'failure' }>;
  alert?: { id: string; body: string; at: string };
  /** Keys of the sinks the alert goes to. */
  sinks: string[];
  nowMs: number;
}

const BUSY_RETRY_MS = [10, 25, 50, 100, 250, 500];

export class Outbox {
  private closed = false;
  private readonly statements = new Map<string, Statement>();
  /** The tick lock each job holds (src/db/tick-claims.ts). */
  private readonly ticks = new Map<string, bigint>();
  constructor(
    private readonly db: DB,
    /** Give up on a busy database after this long (ms); a job's transaction may take a while. */
    private readonly busyGiveUpMs = 10 * 60_000,
  ) {}

  /** Run `fn` in one IMMEDIATE transaction; while another writer holds the lock, wait without blocking. */
  async write<T>(fn: () => T): Promise<T> {
    const started = Date.now();
    for (let i = 0; ; i++) {
      try {
        return this.db.transaction(fn).immediate();
      } catch (err) {
        if (!isBusy(err) || this.closed) throw err;
        if (Date.now() - started > this.busyGiveUpMs) {
          throw new DatabaseError(`${this.db.name} stayed locked for ${Math.round(this.busyGiveUpMs / 1000)} s; alert state not written`);
        }
        await new Promise((r) => setTimeout(r, BUSY_RETRY_MS[Math.min(i, BUSY_RETRY_MS.length - 1)]));
      }
    }
  }

  /** Deliveries run these statements thousands of times: compile each once. */
  private sql(text: string): Statement {
    let st = this.statements.get(text);
    if (!st) this.statements.set(text, (st = this.db.prepare(text)));
    return st;
  }

  /** Fingerprints already alerted for `job`, with their kind. */
  alerted(job: string): Map<string, 'finding' | 'failure'> {
    const rows = this.sql('SELECT fingerprint, kind FROM schedule_alerted WHERE job = ?').all(job) as Array<{
      fingerprint: string;
      kind: 'finding' | 'failure';
    }>;
    return new Map(rows.map((r) => [r.fingerprint, r.kind]));
  }

  /** Record a run's outcome and enqueue its alert for every sink, atomically. */
  recordRun(rec: RunRecord): Promise<void> {
    return this.write(() => {
      const del = this.sql('DELETE FROM schedule_alerted WHERE job = ? AND fingerprint = ?');
      for (const fp of rec.forget) del.run(rec.job, fp);
      if (rec.alert) {
        this.sql('INSERT INTO schedule_alerts (id, job, created_at, body) VALUES (?, ?, ?, ?)').run(rec.alert.id, rec.job, rec.alert.at, rec.alert.body);
        const enqueue = this.sql("INSERT INTO schedule_outbox (alert_id, sink, status, next_attempt_at) VALUES (?, ?, 'pending', ?)");
        for (const sink of rec.sinks) enqueue.run(rec.alert.id, sink, rec.nowMs);
      }
      const add = this.sql(
        'INSERT INTO schedule_alerted (job, fingerprint, kind, alert_id, first_alerted_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      );
      for (const r of rec.remember) add.run(rec.job, r.fingerprint, r.kind, rec.alert?.id ?? '', rec.alert?.at ?? new Date(rec.nowMs).toISOString());
    });
  }

  /**
   * Retention: forget delivered alerts beyond the newest `keep.count`, or delivered before
   * `nowMs - keep.ms`. Pending and failed deliveries stay (they are not done with); an alert
   * goes once none of its deliveries is left. Returns how many deliveries were dropped.
   */
  pruneDelivered(keep: { count: number } | { ms: number }, nowMs: number): Promise<number> {
    return this.write(() => {
      const dropped =
        'count' in keep
          ? this.sql(
              `DELETE FROM schedule_outbox WHERE status = 'delivered' AND (alert_id, sink) NOT IN
                 (SELECT alert_id, sink FROM schedule_outbox WHERE status = 'delivered' ORDER BY delivered_at DESC, alert_id DESC, sink DESC LIMIT ?)`,
            ).run(keep.count).changes
          : this.sql("DELETE FROM schedule_outbox WHERE status = 'delivered' AND delivered_at < ?").run(new Date(nowMs - keep.ms).toISOString()).changes;
      if (dropped) this.sql('DELETE FROM schedule_alerts WHERE id NOT IN (SELECT alert_id FROM schedule_outbox)').run();
      return dropped;
    });
  }

  /**
   * Deliveries for `sink` due by `nowMs`, oldest first (by when due, then when raised; no rowid
   * on PostgreSQL), leaving out those already in hand.
   */
  due(sink: string, nowMs: number, limit: number, exclude: Iterable<string>): DueDelivery[] {
    return this
      .sql(
        `SELECT o.alert_id AS "alertId", o.sink AS sink, a.body AS body, o.attempts AS attempts
           FROM schedule_outbox o JOIN schedule_alerts a ON a.id = o.alert_id
          WHERE o.sink = ? AND o.status = 'pending' AND o.next_attempt_at <= ?
            AND ${inJsonText(this.db, 'o.alert_id', '?', true)}
          ORDER BY o.next_attempt_at, a.created_at, o.alert_id
          LIMIT ?`,
      )
      .all(sink, nowMs, JSON.stringify([...exclude]), limit) as DueDelivery[];
  }

  /** When the next pending delivery for `sink` falls due (epoch ms), if any. */
  nextDueAt(sink: string, exclude: Iterable<string>): number | undefined {
    const row = this
      .sql(
        `SELECT MIN(next_attempt_at) AS at FROM schedule_outbox
          WHERE sink = ? AND status = 'pending' AND ${inJsonText(this.db, 'alert_id', '?', true)}`,
      )
      .get(sink, JSON.stringify([...exclude])) as { at: number | null };
    return row.at ?? undefined;
  }

  markDelivered(d: DueDelivery, at: Date): Promise<void> {
    return this.write(() => {
      this
        .sql("UPDATE schedule_outbox SET status = 'delivered', attempts = ?, delivered_at = ?, last_error = NULL WHERE alert_id = ? AND sink = ?")
        .run(d.attempts + 1, at.toISOString(), d.alertId, d.sink);
    });
  }

  markRetry(d: DueDelivery, nextAtMs: number, error: string): Promise<void> {
    return this.write(() => {
      this
        .sql('UPDATE schedule_outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE alert_id = ? AND sink = ?')
        .run(d.attempts + 1, nextAtMs, error, d.alertId, d.sink);
    });
  }

  /** The receiver refused the alert for good (a 4xx): kept for inspection, not retried. */
  markFailed(d: DueDelivery, error: string): Promise<void> {
    return this.write(() => {
      this
        .sql("UPDATE schedule_outbox SET status = 'failed', attempts = ?, last_error = ? WHERE alert_id = ? AND sink = ?")
        .run(d.attempts + 1, error, d.alertId, d.sink);
    });
  }

  /**
   * Rows written before webhook sinks were keyed by a digest held the URL (and its token) as
   * `webhook <url>`: re-key them, configured or not, so restarts still find them and the
   * token leaves the database. Returns how many rows changed.
   */
  async rekeyLegacyWebhooks(keyOf: (url: string) => string): Promise<number> {
    const legacyQuery = "SELECT DISTINCT sink FROM schedule_outbox WHERE sink LIKE 'webhook %' AND sink NOT LIKE 'webhook sha256:%'";
    if (!this.sql(legacyQuery).get()) return 0;
    // Without secure_delete the replaced keys would linger in freed space of the file.
    sqliteSetting(this.db, 'secure_delete = ON');
    try {
      return await this.write(() => {
        let changed = 0;
        for (const { sink } of this.sql(legacyQuery).all() as Array<{ sink: string }>) {
          changed += this.sql('UPDATE schedule_outbox SET sink = ? WHERE sink = ?').run(keyOf(sink.slice('webhook '.length)), sink).changes;
        }
        return changed;
      });
    } finally {
      sqliteSetting(this.db, 'secure_delete = OFF');
    }
  }

  /** Pending deliveries per sink key (including sinks no longer configured). */
  pendingBySink(): Map<string, number> {
    const rows = this.sql("SELECT sink, COUNT(*) AS n FROM schedule_outbox WHERE status = 'pending' GROUP BY sink").all() as Array<{
      sink: string;
      n: number;
    }>;
    return new Map(rows.map((r) => [r.sink, r.n]));
  }

  /**
   * Whether this scheduler runs `job`'s cron tick `at`: always on SQLite; on PostgreSQL unless
   * another scheduler on the same database claimed it first. Holds the claim until the job's next.
   */
  claimTick(job: string, at: Date): boolean {
    const key = tickKey(job, at);
    if (this.ticks.get(job) === key) return true;
    if (!claimTick(this.db, key)) return false;
    const previous = this.ticks.get(job);
    if (previous !== undefined) releaseTick(this.db, previous);
    this.ticks.set(job, key);
    return true;
  }

  close(): void {
    this.closed = true;
  }
}
