// A separate payrecon process migrating the PostgreSQL store at argv[2] with the built runner
// (dist/db/migrate-pg.js): prints {"applied": [...]} or {"error": "..."} as one JSON line.
import { migratePg } from '../../dist/db/migrate-pg.js';
import { SyncPg } from './pg-sync-port.mjs';

const db = new SyncPg(process.argv[2]);
try {
  console.log(JSON.stringify({ applied: migratePg(db, 'the test store') }));
} catch (err) {
  console.log(JSON.stringify({ error: err.message }));
  process.exitCode = 1;
} finally {
  db.close();
}
