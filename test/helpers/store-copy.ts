/**
 * A whole store as someone with access to the data sees it, on either backend: copied (a
 * template to restore between tests, a forged store swapped in: on SQLite the file and its WAL,
 * on PostgreSQL the database recreated from the source as its template; no connection may be
 * open on either), or read whole (what a test proves no secret ever reaches).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { onPostgres, openTestStore, storeFor } from './backend.js';
import { postgresBinDir } from './pg-cluster.js';

function pg(tool: string, args: string[], url: URL): void {
  const r = spawnSync(join(postgresBinDir()!, tool), ['-h', url.hostname, '-p', url.port, '-U', decodeURIComponent(url.username), ...args], {
    env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')}: ${r.stderr}`);
}

/** Replace the store `to` stands for with a copy of the store `from` stands for. */
export function copyStore(from: string, to: string): void {
  if (!onPostgres) {
    for (const s of ['', '-wal', '-shm']) rmSync(to + s, { force: true });
    copyFileSync(from, to);
    if (existsSync(from + '-wal')) copyFileSync(from + '-wal', to + '-wal');
    return;
  }
  const source = new URL(storeFor(from));
  const target = new URL(storeFor(to));
  const name = (u: URL) => decodeURIComponent(u.pathname.slice(1));
  pg('dropdb', ['--if-exists', name(target)], target);
  pg('createdb', ['-T', name(source), name(target)], target);
}

/** Everything the store holds: the bytes of its files (main, WAL, shared memory), or every row of every table as text. */
export function storedBytes(path: string): Buffer {
  if (!onPostgres) return Buffer.concat(['', '-wal', '-shm'].filter((s) => existsSync(path + s)).map((s) => readFileSync(path + s)));
  const db = openTestStore(path);
  try {
    const tables = db.prepare('SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()').pluck().all() as string[];
    if (!tables.includes('baseline_entries')) throw new Error(`${path}: not a payrecon store`);
    return Buffer.from(tables.map((name) => (db.prepare(`SELECT CAST(r AS TEXT) FROM "${name}" r`).pluck().all() as string[]).join('\n')).join('\n'));
  } finally {
    db.close();
  }
}
