/**
 * The audit log as evidence (SECURITY.md, "an attacker who can edit the database"): an editor
 * of the SQLite file who deletes the newest entries, empties the log, resolves a discrepancy
 * with an invented note, or deletes the baselines is caught by `audit verify` (exit 20) when a
 * key is configured or an anchored head is given; without a key, verify says so plainly.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { onPostgres, openTestStore } from '../helpers/backend.js';
import { FIXTURES, parseJson, runCli, tempDir } from '../helpers/cli.js';

const DEMO = join(FIXTURES, 'demo');
const PSP = ['stripe-balance-report-2025-03.csv', 'settlement_detail_report_batch_118.csv', 'STL-20250310.01.009.CSV', 'checkout-settlement-breakdown-2025-03.csv'];

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

/** A database with two imports, a reconcile run and one resolved discrepancy; keyed or not. */
function night(keyed: boolean) {
  const t = tempDir('payrecon-audit-');
  cleanups.push(t.cleanup);
  const db = join(t.dir, 'p.db');
  const key = join(t.dir, 'hmac.key');
  writeFileSync(key, randomBytes(32));
  chmodSync(key, 0o600);
  const env = keyed ? { PAYRECON_KEY_FILE: key } : {};
  const cli = (args: string[], extra: NodeJS.ProcessEnv = env) => runCli(['--db', db, ...args], { cwd: DEMO, env: extra });
  expect(cli(['import', 'psp', ...PSP]).code).toBe(0);
  expect(cli(['import', 'ledger', 'ledger.csv']).code).toBe(8);
  const rec = cli(['reconcile', '--json']);
  expect(rec.code).toBe(15);
  expect(cli(['resolve', '7', '--note', 'fee booked late', '--by', 'alice']).code).toBe(0);
  const sql = (statement: string) => {
    const h = openTestStore(db);
    try {
      h.exec(statement);
    } finally {
      h.close();
    }
  };
  const verify = (...extra: string[]) => cli(['audit', 'verify', ...extra]);
  return { dir: t.dir, db, key, cli, sql, verify, reconcile: parseJson(rec) };
}

describe('audit verify with a key configured', () => {
  it('reports a keyed, intact log whose tables match, with its head', () => {
    const n = night(true);
    const r = n.verify('--json');
    expect(r.code).toBe(0);
    const doc = parseJson(r);
    expect(doc).toMatchObject({ ok: true, keyed: true, macs_checked: true, differences: [], broken: null });
    expect(doc.head).toMatch(/^[0-9a-f]{64}$/);
    const text = n.verify();
    expect(text.stdout).toMatch(/keyed \(key id [0-9a-f]{16}\), every MAC verifies/);
  });

  it('deleting the newest entries is tamper (20), even with the head record rewritten to match', () => {
    const n = night(true);
    n.sql(`DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)`);
    const r = n.verify();
    expect(r.code).toBe(20);
    expect(r.stderr).toMatch(/head record says \d+ entries/);
    // The editor also rewrites the head to the new newest entry: its MAC no longer verifies.
    n.sql(`UPDATE audit_head SET entries = entries - 1, hash = (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1)`);
    const again = n.verify();
    expect(again.code).toBe(20);
    expect(again.stderr).toMatch(/head record MAC does not verify/);
  });

  it('an entry rewritten with a recomputed chain hash fails its MAC (20)', () => {
    const n = night(true);
    const h = openTestStore(n.db);
    const e = h.prepare(`SELECT * FROM audit_log WHERE action = 'resolve'`).get() as Record<string, string | number | null>;
    h.close();
    expect(e.key_id).toMatch(/^[0-9a-f]{16}$/);
    // Strip the key from the newest entry and its head: "it was written without a key".
    n.sql(`UPDATE audit_log SET key_id = NULL, mac = NULL WHERE id = ${e.id}; UPDATE audit_head SET key_id = NULL, mac = NULL`);
    const r = n.verify();
    expect(r.code).toBe(20);
    expect(r.stderr).toMatch(/entry \d+ does not verify/);
  });

  it('a discrepancy resolved with an invented note directly in SQLite is named (20)', () => {
    const n = night(true);
    n.sql(`UPDATE discrepancies SET status = 'resolved', note = 'approved by CFO', resolved_by = 'mallory', resolved_at = '2025-03-31T00:00:00Z' WHERE id = 3`);
    const r = n.verify('--json');
    expect(r.code).toBe(20);
    const doc = parseJson(r);
    expect(doc.ok).toBe(false);
    expect(doc.differences).toEqual(
      expect.arrayContaining([
        'discrepancy 3: status is "resolved" in the table, the log says "open" (no audit entry changed it)',
        'discrepancy 3: note is "approved by CFO" in the table, the log says nothing (no audit entry changed it)',
      ]),
    );
    // And a resolved note edited after the fact.
    const m = night(true);
    m.sql(`UPDATE discrepancies SET note = 'nothing to see' WHERE id = 7`);
    const t = m.verify();
    expect(t.code).toBe(20);
    expect(t.stderr).toMatch(/discrepancy 7: note is "nothing to see" in the table, the log says "fee booked late" \(audit entry \d+\)/);
  });

  it('emptying the whole log (entries and head) is tamper: the tables hold what it recorded', () => {
    const n = night(true);
    n.sql('DELETE FROM audit_log; DELETE FROM audit_head');
    const r = n.verify();
    expect(r.code).toBe(20);
    expect(r.stderr).toMatch(/import 1, 2, 3, 4, 5: in the tables but not in the audit log/);
    expect(r.stderr).toMatch(/reconcile run 1: in the tables but not in the audit log/);
    expect(r.stderr).toMatch(/discrepancy 7: status is "resolved" in the table, the log says "open"/);
  });

  it('every MAC stripped and the chain recomputed (a forged resolution added): exit 20 with the key', () => {
    const n = night(true);
    // Rebuild the chain as an editor without the key can: unkeyed entries, a forged one, fresh hashes.
    const h = openTestStore(n.db);
    const rows = h.prepare('SELECT id, at, actor, action, subject, details FROM audit_log ORDER BY id').all() as Array<Record<string, string | number>>;
    rows.push({ id: rows.length + 1, at: '2025-03-31T00:00:00Z', actor: 'cfo', action: 'resolve', subject: 'discrepancy 3', details: JSON.stringify({ note: 'approved' }) });
    let prev = '0'.repeat(64);
    h.exec('DELETE FROM audit_log');
    const ins = h.prepare('INSERT INTO audit_log (id, at, actor, action, subject, details, prev_hash, hash, key_id, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)');
    for (const r of rows) {
      const hash = createHash('sha256').update(JSON.stringify([r.id, r.at, r.actor, r.action, r.subject, r.details, prev])).digest('hex');
      ins.run(r.id, r.at, r.actor, r.action, r.subject, r.details, prev, hash);
      prev = hash;
    }
    h.prepare('UPDATE audit_head SET entries = ?, hash = ?, key_id = NULL, mac = NULL').run(rows.length, prev);
    h.prepare(`UPDATE discrepancies SET status = 'resolved', note = 'approved', resolved_by = 'cfo', resolved_at = '2025-03-31T00:00:00Z' WHERE id = 3`).run();
    h.close();
    expect(n.verify('--json').code).toBe(20);
    expect(n.verify().stderr).toMatch(/no entry is keyed although a key is configured/);
  });

  it('a command without the key cannot write to a keyed log (16), and nothing is written', () => {
    const n = night(true);
    const before = parseJson(n.verify('--json'));
    const r = n.cli(['resolve', '8', '--note', 'x'], {});
    expect(r.code).toBe(16);
    expect(r.stderr).toMatch(/audit log of this database is keyed .*nothing was written/);
    const after = parseJson(n.verify('--json'));
    expect(after.entries).toBe(before.entries);
    expect(parseJson(n.cli(['discrepancies', '--status', 'all', '--json'])).discrepancies.find((d: { id: number }) => d.id === 8).status).toBe('open');
  });
});

describe('the anchor: head and count in every output, --expect-head', () => {
  it('reconcile, import and report carry the head; a consistent rollback passes plain verify but not --expect-head', () => {
    const n = night(false);
    expect(n.reconcile.audit).toMatchObject({ keyed: false });
    expect(n.reconcile.audit.head).toMatch(/^[0-9a-f]{64}$/);
    const imp = parseJson(n.cli(['import', 'ledger', 'ledger.csv', '--json']));
    expect(imp.audit.entries).toBeGreaterThan(n.reconcile.audit.entries);
    const anchor = parseJson(n.verify('--json')).head as string;
    // Reports pin the same head.
    expect(n.cli(['report', '--out', join(n.dir, 'r.json')]).code).toBe(0);
    expect(n.cli(['report', '--out', join(n.dir, 'r.xml')]).code).toBe(0);
    expect(n.cli(['report', '--out', join(n.dir, 'r.html')]).code).toBe(0);
    expect(JSON.parse(readFileSync(join(n.dir, 'r.json'), 'utf8')).audit.head).toBe(anchor);
    expect(readFileSync(join(n.dir, 'r.xml'), 'utf8')).toContain(`<property name="audit_head" value="${anchor}"/>`);
    expect(readFileSync(join(n.dir, 'r.html'), 'utf8')).toContain(`head ${anchor}, NOT keyed`);

    // Without a key, verify says plainly that the log is not evidence.
    expect(n.verify().stdout).toMatch(/NOT keyed: no entry was written with a key/);

    // An editor undoes the resolution consistently: entry, head and table row.
    n.sql(`DELETE FROM audit_log WHERE id >= (SELECT id FROM audit_log WHERE action = 'resolve');
           UPDATE audit_head SET entries = (SELECT count(*) FROM audit_log), hash = (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1);
           UPDATE discrepancies SET status = 'open', note = NULL, resolved_by = NULL, resolved_at = NULL WHERE id = 7`);
    const quiet = n.verify();
    expect(quiet.stderr).toBe("");
    expect(quiet.code).toBe(0); // undetectable without a key or an anchor: SECURITY.md says so
    const r = n.verify('--expect-head', anchor);
    expect(r.code).toBe(20);
    expect(r.stderr).toContain(`the expected head ${anchor} is not in the audit log`);
    expect(n.verify('--expect-head', 'nonsense').code).toBe(16);
  });

  it('an older head stays found as the log grows', () => {
    const n = night(false);
    const head = n.reconcile.audit.head as string;
    const r = n.verify('--expect-head', head, '--json');
    expect(r.code).toBe(0);
    expect(parseJson(r).expect_head).toEqual({ hash: head, found: true, entry: n.reconcile.audit.entries });
  });
});

describe('baselines the log records', () => {
  it('deleting every baseline is tamper (20), not "no baselines" (16); verify names it', () => {
    const t = tempDir('payrecon-audit-bl-');
    cleanups.push(t.cleanup);
    const tree = join(t.dir, 'tree');
    mkdirSync(tree);
    writeFileSync(join(tree, 'a.conf'), 'a\n');
    const key = join(t.dir, 'k');
    writeFileSync(key, randomBytes(32));
    chmodSync(key, 0o600);
    const db = join(t.dir, 'p.db');
    const cli = (...args: string[]) => runCli(['--db', db, ...args], { env: { PAYRECON_KEY_FILE: key } });
    expect(cli('baseline', 'init', 'etc', '--path', tree).code).toBe(0);
    const scan = parseJson(cli('scan', '--json'));
    expect(scan.audit).toMatchObject({ entries: 1, keyed: true });
    const h = openTestStore(db);
    h.exec(onPostgres ? 'SET session_replication_role = replica' : 'PRAGMA foreign_keys = OFF');
    h.exec('DELETE FROM scan_findings; DELETE FROM scans; DELETE FROM baseline_entries; DELETE FROM baselines');
    h.close();
    const r = cli('scan');
    expect(r.code).toBe(20);
    expect(r.stderr).toMatch(/every baseline the audit log records is gone/);
    expect(cli('scan', 'etc').code).toBe(20);
    const v = cli('audit', 'verify');
    expect(v.code).toBe(20);
    expect(v.stderr).toMatch(/baseline "etc": approved in audit entry 1 but missing from the table/);
  });
});

describe('old databases', () => {
  // A file an older payrecon left, migrated forward: a PostgreSQL store starts at the current schema.
  it.skipIf(onPostgres)('a log written before keys existed migrates, verifies, and is keyed from the next entry on', () => {
    const n = night(false);
    // Make it what an older payrecon left: no head record, no key columns, schema version 5.
    // (and none of what later migrations added: exception work, the bank leg, extended attributes).
    n.sql(
      `DROP TABLE audit_head; ALTER TABLE audit_log DROP COLUMN key_id; ALTER TABLE audit_log DROP COLUMN mac;
       DROP TABLE manual_match_rows; DROP TABLE manual_matches; DROP TABLE proposals; DROP TABLE reason_codes;
       DROP TABLE recon_deposit_matches; DROP TABLE bank_entries; DROP TABLE bank_statements; DROP TABLE bank_imports;
       ALTER TABLE recon_run_totals DROP COLUMN amount_text;
       DROP TABLE scan_changes; DROP TABLE open_findings; DROP TABLE scan_checkpoints;
       ALTER TABLE scans DROP COLUMN format; ALTER TABLE scans DROP COLUMN change_count; ALTER TABLE scans DROP COLUMN changes_digest;
       ALTER TABLE baselines DROP COLUMN checkpoint_id; ALTER TABLE baselines DROP COLUMN checkpoint_mac; ALTER TABLE baselines DROP COLUMN head_mac;
       ALTER TABLE baseline_entries DROP COLUMN xattrs; ALTER TABLE baseline_entries DROP COLUMN acl;
       ALTER TABLE baseline_entries DROP COLUMN default_acl; ALTER TABLE baseline_entries DROP COLUMN caps;
       ALTER TABLE baseline_entries DROP COLUMN selinux; ALTER TABLE baseline_entries DROP COLUMN entries;
       DROP INDEX transactions_window; DROP INDEX transactions_psp_ref; DROP INDEX transactions_payout; DROP INDEX transaction_ids_ident;
       DROP TABLE import_blocks; ALTER TABLE imports DROP COLUMN delimiter;
       PRAGMA user_version = 5`,
    );
    const plain = n.verify('--json');
    expect(plain.code).toBe(0);
    expect(parseJson(plain)).toMatchObject({ ok: true, keyed: false });
    const keyEnv = { PAYRECON_KEY_FILE: n.key };
    // With a key configured, a log that was never keyed is not trusted until one entry is.
    const early = n.cli(['audit', 'verify'], keyEnv);
    expect(early.code).toBe(20);
    expect(early.stderr).toMatch(/nothing was written with this key yet \(then record one entry with it/);
    expect(n.cli(['resolve', '8', '--note', 'checked'], keyEnv).code).toBe(0);
    const keyed = parseJson(n.cli(['audit', 'verify', '--json'], keyEnv));
    expect(keyed).toMatchObject({ ok: true, keyed: true, macs_checked: true });
    expect(n.cli(['audit', 'verify'], keyEnv).stdout).toMatch(/entries before keying are fixed by the first keyed one/);
  });
});
