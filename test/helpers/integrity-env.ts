/** A temp tree, a key file and a database for spawning `payrecon baseline|scan` end to end. */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { onPostgres, openTestStore } from './backend.js';
import { runCli, tempDir, type CliResult } from './cli.js';

export interface IntegrityEnv {
  dir: string;
  tree: string;
  db: string;
  key: string;
  /** Run payrecon with this db and key (PAYRECON_KEY_FILE), extra env merged. */
  run(args: string[], env?: NodeJS.ProcessEnv): CliResult;
  /** Run an SQL statement directly on the database, as an attacker with file access would. */
  sql(statement: string, ...params: unknown[]): void;
  cleanup(): void;
}

export function integrityEnv(files: Record<string, string> = { 'a.conf': 'alpha\n', 'b.conf': 'beta\n', 'sub/c.conf': 'gamma\n' }): IntegrityEnv {
  const { dir, cleanup } = tempDir('payrecon-integrity-');
  const tree = join(dir, 'tree');
  const db = join(dir, 'state', 'payrecon.db');
  mkdirSync(join(dir, 'state'));
  const key = join(dir, 'hmac.key');
  writeFileSync(key, randomBytes(32));
  chmodSync(key, 0o600);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(tree, rel, '..'), { recursive: true });
    writeFileSync(join(tree, rel), content, { mode: 0o600 });
  }
  return {
    dir,
    tree,
    db,
    key,
    run: (args, env = {}) => runCli(['--db', db, ...args], { cwd: dir, env: { PAYRECON_KEY_FILE: key, ...env } }),
    sql(statement, ...params) {
      // The attacker skips the foreign keys: PRAGMA on SQLite, replica mode (no FK triggers) on PostgreSQL.
      const h = openTestStore(db);
      try {
        if (onPostgres) h.exec('SET session_replication_role = replica');
        else h.exec('PRAGMA foreign_keys = OFF');
        h.prepare(statement).run(...params);
      } finally {
        h.close();
      }
    },
    cleanup,
  };
}
