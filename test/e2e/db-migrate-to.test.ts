/**
 * `payrecon db migrate-to postgres://...` (issue 16): a SQLite store copied onto a real
 * PostgreSQL server, verified before it commits. What a team sees: the same items, the same
 * audit head and a baseline whose signatures still verify on the server; a tampered source or
 * an occupied target refused with nothing written; the password never printed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { FIXTURES, parseJson, runCli, useTempDb } from '../helpers/cli.js';
import { onPostgres } from '../helpers/backend.js';
import { createDatabase, postgresMissing } from '../helpers/pg-cluster.js';
import pg from 'pg';

const missing = postgresMissing();
if (missing) console.warn(`skipped: ${missing}`);

async function tablesOf(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'")).rows[0].n);
  } finally {
    await c.end();
  }
}

// The source is a SQLite file by nature (--db names a file, the URL is given as such): this
// file runs in the sqlite project against the run's cluster, and skips itself in the postgres
// project, where every --db path would stand for a server database.
describe.skipIf(missing !== null || onPostgres)('db migrate-to', () => {
  let dir = '';
  let db = '';
  useTempDb((t) => ({ dir, db } = t));

  /** A SQLite store with imports, a reconcile run with a resolved item, and a signed baseline with a scan. */
  function buildStore(): { key: string } {
    const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(['--db', db, ...args], { cwd: dir, env });
    const demo = join(FIXTURES, 'demo');
    for (const f of ['stripe-balance-report-2025-03.csv', 'settlement_detail_report_batch_118.csv']) expect(cli(['import', 'psp', join(demo, f)]).code).toBe(0);
    expect(cli(['import', 'ledger', join(demo, 'ledger.csv')]).code).toBe(8); // one rejected row
    expect(cli(['reconcile']).code).toBeGreaterThan(0);
    expect(cli(['resolve', '1', '--note', 'booked late, JE-881']).code).toBe(0);
    expect(runCli(['key', 'generate', '--out', join(dir, 'keys')], { cwd: dir }).code).toBe(0);
    const key = join(dir, 'keys', 'payrecon-ed25519.key');
    mkdirSync(join(dir, 'mon'));
    writeFileSync(join(dir, 'mon', 'tls.pem'), 'one\n');
    expect(cli(['baseline', 'init', 'keys', '--path', join(dir, 'mon')], { PAYRECON_KEY_FILE: key }).code).toBe(0);
    writeFileSync(join(dir, 'mon', 'tls.pem'), 'two\n');
    expect(cli(['scan', 'keys'], { PAYRECON_KEY_FILE: key }).code).toBe(4);
    return { key };
  }

  it('copies every table; on the server the items, the audit head and the signed baseline are the same', async () => {
    const { key } = buildStore();
    const url = await createDatabase(inject('pgUrl')!, 'mig');
    const before = parseJson(runCli(['--db', db, '--json', 'audit', 'verify', '--key-file', key], { cwd: dir }));
    const items = runCli(['--db', db, '--json', 'discrepancies', '--status', 'all'], { cwd: dir }).stdout;

    const r = runCli(['--db', db, '--json', 'db', 'migrate-to', url, '--key-file', key], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const doc = parseJson(r);
    const password = new URL(url).password;
    expect(r.stdout + r.stderr).not.toContain(password);
    expect(doc.target).toContain(':***@');
    expect(doc.audit).toEqual({ entries: before.entries, head: before.head, macs_checked: true });
    expect(doc.baselines).toEqual(['keys']);
    const rows = Object.fromEntries(doc.tables.map((t: { name: string; rows: number }) => [t.name, t.rows]));
    expect(rows.transactions).toBe(12 + 9 + 28); // Stripe, Adyen and the ledger's good rows
    expect(rows.discrepancies).toBeGreaterThan(0);
    expect(rows.scans).toBe(1);

    // The server now answers as the file did.
    const after = parseJson(runCli(['--db', url, '--json', 'audit', 'verify', '--key-file', key], { cwd: dir }));
    expect(after).toMatchObject({ ok: true, entries: before.entries, head: before.head, macs_checked: true });
    expect(runCli(['--db', url, '--json', 'discrepancies', '--status', 'all'], { cwd: dir }).stdout).toBe(items);
    // The log arrived keyed: a write without the key is refused there as it was in the file.
    expect(runCli(['--db', url, 'import', 'psp', join(FIXTURES, 'demo', 'STL-20250310.01.009.CSV')], { cwd: dir }).code).toBe(16);
    // New rows on the server number after the copied ones, and the chain goes on verifying.
    expect(runCli(['--db', url, 'import', 'psp', join(FIXTURES, 'demo', 'STL-20250310.01.009.CSV')], { cwd: dir, env: { PAYRECON_KEY_FILE: key } }).code).toBe(0);
    expect(runCli(['--db', url, 'audit', 'verify', '--key-file', key], { cwd: dir }).code).toBe(0);
  });

  it('a monitored name that is not UTF-8 arrives byte for byte: the signed baseline verifies and a scan finds nothing new', async () => {
    expect(runCli(['key', 'generate', '--out', join(dir, 'keys')], { cwd: dir }).code).toBe(0);
    const key = join(dir, 'keys', 'payrecon-ed25519.key');
    const mon = join(dir, 'mon');
    mkdirSync(mon);
    // A file name with the bytes 0xfe and 0xff, which no UTF-8 text holds.
    writeFileSync(Buffer.concat([Buffer.from(`${mon}/cert-`), Buffer.from([0xfe, 0xff]), Buffer.from('.pem')]), 'one\n');
    const env = { PAYRECON_KEY_FILE: key };
    expect(runCli(['--db', db, 'baseline', 'init', 'keys', '--path', mon], { cwd: dir, env }).code).toBe(0);
    const before = parseJson(runCli(['--db', db, '--json', 'baseline', 'show', 'keys'], { cwd: dir, env }));
    const url = await createDatabase(inject('pgUrl')!, 'mig');
    const r = runCli(['--db', db, 'db', 'migrate-to', url], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson(runCli(['--db', url, '--json', 'baseline', 'show', 'keys'], { cwd: dir, env }))).toEqual(before);
    expect(runCli(['--db', url, 'scan', 'keys'], { cwd: dir, env }).code).toBe(0);
  });

  it('a source whose audit log was edited is refused (20); the server is left without a table', async () => {
    buildStore();
    const { default: Database } = await import('better-sqlite3');
    const s = new Database(db);
    s.prepare("UPDATE audit_log SET actor = 'mallory' WHERE id = 2").run();
    s.close();
    const url = await createDatabase(inject('pgUrl')!, 'mig');
    const r = runCli(['--db', db, 'db', 'migrate-to', url], { cwd: dir });
    expect(r.code).toBe(20);
    expect(r.stderr).toContain('audit chain broken at entry 2');
    expect(await tablesOf(url)).toBe(0);
  });

  it('a database already holding a store is refused (19), naming what it holds, and keeps it', async () => {
    buildStore();
    const url = await createDatabase(inject('pgUrl')!, 'mig');
    expect(runCli(['--db', url, 'import', 'psp', join(FIXTURES, 'demo', 'STL-20250310.01.009.CSV')], { cwd: dir }).code).toBe(0);
    const r = runCli(['--db', db, 'db', 'migrate-to', url], { cwd: dir });
    expect(r.code).toBe(19);
    expect(r.stderr).toMatch(/already holds a payrecon store \(audit_head: 1 rows, audit_log: 1 rows/);
    expect(parseJson(runCli(['--db', url, '--json', 'audit', 'verify'], { cwd: dir })).entries).toBe(1);
  });

  it('only a postgres:// URL, only from a SQLite store: usage errors (16) that do not echo a password', () => {
    const r = runCli(['--db', db, 'db', 'migrate-to', 'mysql://ana:s3cret@db.example/recon'], { cwd: dir });
    expect(r.code).toBe(16);
    expect(r.stderr).not.toContain('s3cret');
  });
});
