/**
 * Monitored content is secret: nothing of it may appear in stdout, stderr or the database
 * (main file, WAL and shared memory), whatever the command and whatever changed.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { onPostgres, openTestStore } from '../helpers/backend.js';
import { integrityEnv } from '../helpers/integrity-env.js';

describe('secrets stay secret', () => {
  const marker = `SECRET-MARKER-${randomUUID()}`;
  const later = `SECRET-LATER-${randomUUID()}`;
  const t = integrityEnv({
    '.env': `DB_PASSWORD=${marker}\n`,
    'id_ed25519': `-----BEGIN OPENSSH PRIVATE KEY-----\n${marker}\n-----END OPENSSH PRIVATE KEY-----\n`,
    'app/config.json': JSON.stringify({ token: marker }),
  });
  afterAll(t.cleanup);

  /** Every row of every table of the PostgreSQL store, as text, by table. */
  const storedRows = (): Map<string, Buffer> => {
    const db = openTestStore(t.db);
    try {
      const tables = db.prepare("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()").pluck().all() as string[];
      expect(tables).toContain('baseline_entries');
      return new Map(tables.map((name) => [name, Buffer.from((db.prepare(`SELECT CAST(r AS TEXT) FROM "${name}" r`).pluck().all() as string[]).join('\n'))]));
    } finally {
      db.close();
    }
  };

  const outputs: string[] = [];
  const run = (args: string[]) => {
    const r = t.run(args);
    outputs.push(r.stdout, r.stderr);
    return r;
  };

  it('through init, findings of every kind, update, list and errors', () => {
    chmodSync(join(t.tree, 'id_ed25519'), 0o644); // a policy finding on a file holding the marker
    expect(run(['baseline', 'init', 'secrets', '--path', t.tree]).code).toBe(0);
    // Hold a read transaction open: SQLite then cannot checkpoint the later writes into the main
    // file or remove the WAL at exit, so the WAL's bytes are checked too.
    const holder = onPostgres ? undefined : new Database(t.db, { readonly: true });
    holder?.exec('BEGIN');
    holder?.prepare('SELECT count(*) FROM baselines').get();
    expect(run(['--json', 'scan']).code).toBe(0);
    writeFileSync(join(t.tree, '.env'), `DB_PASSWORD=${later}\n`);
    writeFileSync(join(t.tree, 'app', 'new.json'), later);
    expect(run(['--json', 'scan', 'secrets']).code).toBe(5);
    expect(run(['scan', 'secrets']).code).toBe(5);
    expect(run(['--json', 'baseline', 'update', 'secrets']).code).toBe(0);
    expect(run(['baseline', 'list']).code).toBe(0);
    t.sql("UPDATE baseline_entries SET sha256 = 'x' WHERE path LIKE '%.env'");
    expect(run(['scan', 'secrets']).code).toBe(20);

    // What the store holds: the files (main, WAL, shared memory), or on PostgreSQL every row of every table.
    const bytes = onPostgres ? storedRows() : new Map(readdirSync(join(t.db, '..')).map((f) => [join(t.db, '..', f), readFileSync(join(t.db, '..', f))]));
    holder?.exec('COMMIT');
    holder?.close();
    if (onPostgres) {
      expect(bytes.get('scan_changes')!.includes(Buffer.from(join(t.tree, 'app', 'new.json')))).toBe(true); // the rows hold the scans' writes
    } else {
      const wal = [...bytes].filter(([f]) => f.endsWith('-wal')).map(([, b]) => b);
      expect(wal).toHaveLength(1);
      expect(wal[0].includes(Buffer.from(join(t.tree, 'app', 'new.json')))).toBe(true); // the WAL holds the scans' writes
    }
    for (const secret of [marker, later]) {
      for (const text of outputs) expect(text).not.toContain(secret);
      for (const [f, b] of bytes) expect(b.includes(Buffer.from(secret)), f).toBe(false);
    }
    // The test would see a leak: the outputs did talk about these files.
    expect(outputs.join('')).toContain(join(t.tree, '.env'));
  });
});
