/**
 * One run per job and cron tick when several schedulers share one PostgreSQL database (issue
 * 16): the scheduler that fires first takes a session advisory lock keyed by the job and the
 * tick, and keeps it until it claims that job's next tick, so a scheduler whose timer fires a
 * little later finds it taken and skips the tick. A scheduler that dies lets go of its locks
 * with its connection, so the others take over from the next tick. A SQLite file has one
 * scheduler (jobs hold its one write lock), so there every tick is this process's.
 */
import { createHash } from 'node:crypto';
import { dialectOf, type DB } from './open.js';

/** The advisory lock key of a job's tick: 64 bits of SHA-256 over the job name and the tick's second. */
export function tickKey(job: string, tick: Date): bigint {
  const second = Math.floor(tick.getTime() / 1000);
  return createHash('sha256').update(`payrecon schedule\0${job}\0${second}`).digest().readBigInt64BE(0);
}

/** Take the tick's lock for this connection's session; false when another session holds it. */
export function claimTick(db: DB, key: bigint): boolean {
  if (dialectOf(db) === 'sqlite') return true;
  return Boolean(db.prepare('SELECT pg_try_advisory_lock(CAST(? AS BIGINT)) AS ok').pluck().get(key));
}

/** Let go of a tick's lock taken by claimTick. */
export function releaseTick(db: DB, key: bigint): void {
  if (dialectOf(db) === 'sqlite') return;
  db.prepare('SELECT pg_advisory_unlock(CAST(? AS BIGINT))').get(key);
}
