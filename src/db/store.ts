/**
 * Where the data lives, as `--db`, `$PAYRECON_DB` or a scheduler config's `db` names it: a
 * SQLite file (the default, a path) or a PostgreSQL server (`postgres://` or `postgresql://`
 * URL, issue 16). Everything above db/ holds a target string and opens it here; only this file
 * knows which backend a target means.
 */
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { openDatabase, type DB, type OpenOptions } from './open.js';
import { openPostgres } from './pg/open.js';
import { redactUrl } from './pg/url.js';

const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** Is `target` a PostgreSQL URL (as opposed to a SQLite file path)? */
export function isPostgresTarget(target: string): boolean {
  const m = URL_SCHEME.exec(target);
  return m !== null && /^postgres(ql)?$/i.test(m[1]);
}

/**
 * The target a --db value names: a PostgreSQL URL as given, or a file path resolved against
 * `cwd`. Any other URL scheme is a usage error (16) that does not echo a password.
 */
export function storeTarget(value: string, cwd: string): string {
  const m = URL_SCHEME.exec(value);
  if (m === null) return resolve(cwd, value);
  if (isPostgresTarget(value)) return value;
  throw new UsageError(
    `--db ${redactUrl(value)}: payrecon stores its data in a SQLite file or on a PostgreSQL server, not at a ${m[1]}: URL`,
    'give a file path, or postgres://user@host:5432/dbname',
  );
}

/** How messages and logs name a target: the path, or any URL with its password replaced. */
export function storeDisplay(target: string): string {
  return URL_SCHEME.test(target) ? redactUrl(target) : target;
}

/** Open (creating and migrating as `opts` allows) the store a target names. */
export function openStore(target: string, opts: OpenOptions = {}): DB {
  return isPostgresTarget(target) ? openPostgres(target, opts) : openDatabase(target, opts);
}
