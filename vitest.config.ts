import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { postgresMissing } from './test/helpers/pg-cluster.js';

// The end-to-end files that also run against PostgreSQL (issue 16), as the `postgres` project:
// the same tests with every --db path standing for a database on the run's throw-away cluster
// (test/helpers/backend.ts). Without a PostgreSQL server on the machine the project is left
// out, and said so.
const onPostgres: string[] = JSON.parse(readFileSync('test/e2e/on-postgres.json', 'utf8')).files;
const missing = postgresMissing();
if (missing) console.warn(`the postgres project is skipped: ${missing}`);

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/setup/pg-global.ts'],
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts', 'test/**/*.test.tsx'] } },
      ...(missing
        ? []
        : [{ extends: true, test: { name: 'postgres', include: onPostgres, env: { PAYRECON_TEST_BACKEND: 'postgres' } } }]),
    ],
  },
});
