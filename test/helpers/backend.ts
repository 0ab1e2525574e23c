/**
 * Which backend the end-to-end tests run against (issue 16): SQLite files by default, a
 * PostgreSQL server when PAYRECON_TEST_BACKEND=postgres (vitest.config.ts runs the listed e2e
 * files that way as its `postgres` project). Tests keep writing `--db <dir>/test.db`; here
 * each such path stands for a database of its own on the run's throw-away cluster
 * (test/setup/pg-global.ts), created on first use, so a test reads the same on both.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { inject } from 'vitest';
import { openStore } from '../../src/db/store.js';
import type { DB } from '../../src/db/open.js';
import type { OpenOptions } from '../../src/db/open.js';
import { postgresBinDir } from './pg-cluster.js';

export type Backend = 'sqlite' | 'postgres';

export const BACKEND: Backend = process.env.PAYRECON_TEST_BACKEND === 'postgres' ? 'postgres' : 'sqlite';

export const onPostgres = BACKEND === 'postgres';

const created = new Set<string>();

function isUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
}

/** The store a test's database path stands for on the backend under test (URLs pass as they are). */
export function storeFor(path: string): string {
  if (!onPostgres || isUrl(path)) return path;
  const base = inject('pgUrl');
  if (!base) throw new Error('PAYRECON_TEST_BACKEND=postgres but no PostgreSQL server was started (is it installed?)');
  const name = `e2e_${createHash('sha256').update(path).digest('hex').slice(0, 20)}`;
  const url = new URL(base);
  if (!created.has(name)) {
    const r = spawnSync(join(postgresBinDir()!, 'createdb'), ['-h', url.hostname, '-p', url.port, '-U', decodeURIComponent(url.username), name], {
      env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) },
      encoding: 'utf8',
    });
    if (r.status !== 0 && !/already exists/.test(r.stderr)) throw new Error(`createdb ${name}: ${r.stderr}`);
    created.add(name);
  }
  url.pathname = `/${name}`;
  return url.toString();
}

const at = (cwd: string, path: string) => (isUrl(path) ? path : resolve(cwd, path));

/**
 * A run's arguments and environment on the backend under test: every --db value and
 * PAYRECON_DB mapped through storeFor, and when neither is given, PAYRECON_DB set to what the
 * default (payrecon.db in the working directory) stands for.
 */
export function onBackend(args: string[], env: NodeJS.ProcessEnv, cwd: string): { args: string[]; env: NodeJS.ProcessEnv } {
  if (!onPostgres) return { args, env };
  let given = false;
  const mapped = args.map((a, i) => {
    if (args[i - 1] === '--db') {
      given = true;
      return storeFor(at(cwd, a));
    }
    if (a.startsWith('--db=')) {
      given = true;
      return `--db=${storeFor(at(cwd, a.slice('--db='.length)))}`;
    }
    return a;
  });
  const db = env.PAYRECON_DB ?? (given ? undefined : 'payrecon.db');
  return { args: mapped, env: db === undefined ? env : { ...env, PAYRECON_DB: storeFor(at(cwd, db)) } };
}

/**
 * Open the store a test's database path stands for, as a command would (created and migrated
 * unless `opts` says otherwise): for tests that read or seed the database directly.
 */
export function openTestStore(path: string, opts: OpenOptions = {}): DB {
  return openStore(storeFor(path), opts);
}
