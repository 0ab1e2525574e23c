/**
 * The `db` a scheduler config names, on the backend under test: the path as written (relative
 * to the config) on SQLite, the database that path stands for on PostgreSQL (runCli maps only
 * --db and PAYRECON_DB; a config file is read by payrecon itself).
 */
import { resolve } from 'node:path';
import { onPostgres, storeFor } from './backend.js';

export function configStore(configDir: string, db: string): string {
  return onPostgres ? storeFor(resolve(configDir, db)) : db;
}
