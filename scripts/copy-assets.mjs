// tsc does not copy non-TypeScript files: the numbered SQL migrations (SQLite's, and
// PostgreSQL's in migrations-pg) ship beside the compiled code.
import { cpSync, mkdirSync } from 'node:fs';
for (const dir of ['migrations', 'migrations-pg']) {
  mkdirSync(`dist/db/${dir}`, { recursive: true });
  cpSync(`src/db/${dir}`, `dist/db/${dir}`, { recursive: true });
}
