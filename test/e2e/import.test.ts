/**
 * The import contract end to end: spawn bin/payrecon and check exit codes, JSON and what the
 * database holds afterwards.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { beginWrite } from '../../src/db/open.js';
import { onPostgres, openTestStore } from '../helpers/backend.js';
import { emptyDatabase, FIXTURES, parseJson, runCli, startCli, useTempDb } from '../helpers/cli.js';

const LEDGER_HEADER = 'entry_id,booked_at,reference,psp_reference,type,amount,currency,fee,description';
const STRIPE_HEADER =
  'balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,automatic_payout_id';

let dir: string;
let db: string;
useTempDb((t) => ({ dir, db } = t));

function write(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

function count(table: string): number {
  const h = openTestStore(db);
  try {
    return Number(h.prepare(`SELECT count(*) AS n FROM ${table}`).pluck().get());
  } finally {
    h.close();
  }
}

const goodLedger = [
  LEDGER_HEADER,
  'L-1,2025-03-03,ORD-1,ch_1,charge,120.00,EUR,,first',
  'L-2,2025-03-04T10:00:00+01:00,ORD-2,,refund,-20.00,EUR,0.50,"refund, partial"',
  'L-3,2025-03-04,ORD-3,,charge,1000,JPY,,yen',
  'L-4,2025-03-05,ORD-4,,charge,1.250,KWD,,dinar',
].join('\n');

describe('payrecon import (end to end)', () => {
  it('imports a clean ledger file: exit 0, JSON counts, rows and an audit entry stored', () => {
    const f = write('ledger.csv', goodLedger + '\n');
    const r = runCli(['--db', db, 'import', 'ledger', f, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = parseJson(r);
    expect(doc.exit_code).toBe(0);
    expect(doc.files).toHaveLength(1);
    expect(doc.files[0]).toMatchObject({ status: 'imported', format: 'ledger', source: 'ledger', rows: { total: 4, imported: 4, skipped: 0, rejected: 0 } });
    expect(count('transactions')).toBe(4);
    const h = openTestStore(db);
    const rows = h.prepare('SELECT external_id, currency, amount_minor, fee_minor, booked_at FROM transactions ORDER BY external_id').safeIntegers(true).all() as any[];
    h.close();
    expect(rows.map((x) => [x.external_id, x.currency, String(x.amount_minor)])).toEqual([
      ['L-1', 'EUR', '12000'],
      ['L-2', 'EUR', '-2000'],
      ['L-3', 'JPY', '1000'],
      ['L-4', 'KWD', '1250'],
    ]);
    expect(rows[1].booked_at).toBe('2025-03-04T09:00:00Z');
    const v = runCli(['--db', db, 'audit', 'verify', '--json']);
    expect(v.code).toBe(0);
    expect(parseJson(v)).toMatchObject({ ok: true, entries: 1 });
  });

  it('re-importing the same bytes is a no-op that says so, exit 0', () => {
    const f = write('ledger.csv', goodLedger);
    expect(runCli(['--db', db, 'import', 'ledger', f]).code).toBe(0);
    const again = runCli(['--db', db, 'import', 'ledger', f]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already imported/);
    expect(count('transactions')).toBe(4);
    expect(count('imports')).toBe(1);
  });

  it('skips identical restatements from another file and rejects conflicting ones (exit 8)', () => {
    expect(runCli(['--db', db, 'import', 'ledger', write('a.csv', goodLedger)]).code).toBe(0);
    const restated = [LEDGER_HEADER, 'L-1,2025-03-03,ORD-1,ch_1,charge,120.00,EUR,,first', 'L-2,2025-03-04T10:00:00+01:00,ORD-2,,refund,-25.00,EUR,0.50,x', 'L-9,2025-03-06,ORD-9,,charge,5.00,EUR,,new'].join('\n');
    const r = runCli(['--db', db, 'import', 'ledger', write('b.csv', restated), '--json']);
    expect(r.code).toBe(8);
    const doc = parseJson(r);
    expect(doc.files[0].rows).toEqual({ total: 3, imported: 1, skipped: 1, rejected: 1 });
    expect(doc.files[0].rejects[0].reason).toMatch(/conflicting restatement of L-2.*a\.csv:3.*amount_minor -2000 -> -2500/);
    expect(count('transactions')).toBe(5);
  });

  it('keeps the good rows and rejects the bad ones with file, line and reason (exit 8)', () => {
    const bad = [LEDGER_HEADER, 'L-1,2025-03-03,ORD-1,,charge,N/A,EUR,,', 'L-2,2025-03-03,ORD-2,,charge,12.00,EUR,,ok', 'L-3,2025-02-30,ORD-3,,charge,1.00,EUR,,'].join('\n');
    const f = write('bad.csv', bad);
    const r = runCli(['--db', db, 'import', 'ledger', f]);
    expect(r.code).toBe(8);
    expect(r.stdout).toMatch(/1 imported, 0 skipped, 2 rejected/);
    expect(r.stdout).toMatch(/bad\.csv:2.*N\/A/);
    expect(r.stdout).toMatch(/bad\.csv:4/);
    expect(count('transactions')).toBe(1);
    expect(count('rejects')).toBe(2);
  });

  it('two runs importing the same file at once: one imports, the other says already imported (both exit 0)', async () => {
    const rows = [LEDGER_HEADER];
    for (let i = 0; i < 100_000; i++) rows.push(`L-${i},2025-03-03,ORD-${i},,charge,1.00,EUR,,row ${i}`);
    const f = write('same.csv', rows.join('\n'));
    emptyDatabase(db);
    const a = startCli(['--db', db, 'import', 'ledger', f, '--json'], { env: { PAYRECON_BUSY_TIMEOUT_MS: '60000' } });
    const b = startCli(['--db', db, 'import', 'ledger', f, '--json'], { env: { PAYRECON_BUSY_TIMEOUT_MS: '60000' } });
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect([ra.code, rb.code], ra.stderr + rb.stderr).toEqual([0, 0]);
    const statuses = [JSON.parse(ra.stdout).files[0].status, JSON.parse(rb.stdout).files[0].status].sort();
    expect(statuses).toEqual(['already_imported', 'imported']);
    expect(count('imports')).toBe(1);
    expect(count('transactions')).toBe(100_000);
  });

  it('a non-UTF-8 byte deep in a large file is reported on its own line', () => {
    const rows = [LEDGER_HEADER];
    for (let i = 0; i < 60_000; i++) rows.push(`L-${i},2025-03-03,ORD-${i},,charge,1.00,EUR,,row ${i}`);
    const text = Buffer.from(rows.join('\n') + '\n', 'utf8');
    const bad = Buffer.concat([text, Buffer.from('L-x,2025-03-03,ORD-x,,charge,1.00,EUR,,caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const r = runCli(['--db', db, 'import', 'ledger', write('latin.csv', bad)]);
    expect(r.code).toBe(17);
    expect(r.stderr).toMatch(/latin\.csv:60002: the file is not UTF-8/);
  });

  it('control characters from a file are shown, never sent to the terminal', () => {
    const f = write('hostile.csv', [LEDGER_HEADER, 'L-1,2025-03-03,ORD-1,,charge,1.00,\u001b]0;pwned\u0007,,'].join('\n'));
    const r = runCli(['--db', db, 'import', 'ledger', f]);
    expect(r.code).toBe(8);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('\\x1b]0;pwned\\x07');
  });

  it('a ledger export described by a mapping file imports; a bad or missing mapping is refused', () => {
    const fx = join(FIXTURES, 'mapping');
    const r = runCli(['--db', db, 'import', 'ledger', join(fx, 'erp-export-de.csv'), '--mapping', join(fx, 'erp-export-de.mapping.json'), '--json']);
    expect(r.code).toBe(8); // the fixture plants two bad rows
    expect(parseJson(r).files[0]).toMatchObject({ format: 'mapping', source: 'ledger', rows: { total: 9, imported: 7, rejected: 2 } });
    const bad = write('bad.mapping.json', JSON.stringify({ columns: { entry_id: 'Belegnr', booked_at: 'Buchungsdatum', amount: 'Betrag' }, colour: 'red' }));
    const rb = runCli(['--db', db, 'import', 'ledger', join(fx, 'erp-export-de.csv'), '--mapping', bad]);
    expect(rb.code).toBe(17);
    expect(rb.stderr).toMatch(/colour/);
    expect(runCli(['--db', db, 'import', 'ledger', join(fx, 'erp-export-de.csv'), '--mapping', join(dir, 'none.json')]).code).toBe(18);
  });

  it('--format names the importer and --source the rows source', () => {
    const f = write('s.csv', [STRIPE_HEADER, 'txn_9,2025-03-03 14:02:11,2025-03-05 00:00:00,usd,1.00,0.00,1.00,charge,ch_9,Order ORD-9,po_1'].join('\n'));
    const r = runCli(['--db', db, 'import', 'psp', f, '--format', 'stripe', '--source', 'stripe-eu', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson(r).files[0]).toMatchObject({ format: 'stripe', source: 'stripe-eu' });
    const g = write('s2.csv', [STRIPE_HEADER, 'txn_10,2025-03-03 14:02:11,2025-03-05 00:00:00,usd,1.00,0.00,1.00,charge,ch_10,Order ORD-10,po_1'].join('\n'));
    const wrong = runCli(['--db', db, 'import', 'psp', g, '--format', 'adyen']);
    expect(wrong.code).toBe(17);
    expect(wrong.stderr).toMatch(/s2\.csv/);
  });

  it('an unrecognised file writes nothing and exits 17 naming the file and what was expected', () => {
    const f = write('weird.csv', 'a,b,c\n1,2,3\n');
    const r = runCli(['--db', db, 'import', 'psp', f]);
    expect(r.code).toBe(17);
    expect(r.stderr).toMatch(/weird\.csv/);
    expect(r.stderr).toMatch(/expected/i);
    expect(count('imports')).toBe(0);
  });

  it('an empty file and a binary file exit 17, writing nothing', () => {
    expect(runCli(['--db', db, 'import', 'ledger', write('empty.csv', '')]).code).toBe(17);
    const bin = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xfe, 0x00]);
    const r = runCli(['--db', db, 'import', 'psp', write('image.csv', bin)]);
    expect(r.code).toBe(17);
    expect(r.stderr).toMatch(/image\.csv/);
    expect(count('imports')).toBe(0);
  });

  it('a path that does not exist exits 18 naming it', () => {
    const r = runCli(['--db', db, 'import', 'psp', join(dir, 'nope.csv')]);
    expect(r.code).toBe(18);
    expect(r.stderr).toMatch(/nope\.csv.*no such file/);
  });

  it('one bad file among several: the good ones land, the exit code is the failure', () => {
    const good = write('good.csv', goodLedger);
    const r = runCli(['--db', db, 'import', 'ledger', good, join(dir, 'missing.csv'), '--json']);
    expect(r.code).toBe(18);
    const doc = parseJson(r);
    expect(doc.files.map((x: any) => x.status)).toEqual(['imported', 'failed']);
    expect(count('transactions')).toBe(4);
  });

  it('identifies a Stripe balance report with lowercase currency', () => {
    const f = write(
      'stripe.csv',
      [STRIPE_HEADER, 'txn_1,2025-03-03 14:02:11,2025-03-05 00:00:00,usd,120.00,3.78,116.22,charge,ch_1,Order ORD-1,po_1'].join('\n'),
    );
    const r = runCli(['--db', db, 'import', 'psp', f, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson(r).files[0]).toMatchObject({ format: 'stripe', source: 'stripe', rows: { imported: 1 } });
  });

  it('a ledger file given to import psp is refused (17) with the right command named', () => {
    const r = runCli(['--db', db, 'import', 'psp', write('ledger.csv', goodLedger)]);
    expect(r.code).toBe(17);
    expect(r.stderr).toMatch(/ledger\.csv:1: this is a ledger file.*use "payrecon import ledger"/);
  });

  it('--json prints exactly one JSON document on stdout even with rejects', () => {
    const f = write('bad.csv', [LEDGER_HEADER, 'L-1,2025-03-03,ORD-1,,charge,1e3,EUR,,'].join('\n'));
    const r = runCli(['--db', db, 'import', 'ledger', f, '--json']);
    expect(r.code).toBe(8);
    const doc = parseJson(r);
    expect(doc.files[0].rejects[0]).toMatchObject({ line: 2 });
  });

  it('Ctrl-C in the middle of an import leaves the database as before (exit 130)', async () => {
    // Large enough to be interrupted part-way; a server writes rows several times slower than a
    // local file, so a quarter of the rows keeps the run to complete below within the test's time.
    const n = onPostgres ? 100_000 : 400_000;
    const rows = [LEDGER_HEADER];
    for (let i = 0; i < n; i++) rows.push(`L-${i},2025-03-03,ORD-${i},,charge,${i % 1000}.${String(i % 100).padStart(2, '0')},EUR,,row ${i}`);
    const f = write('big.csv', rows.join('\n'));
    // Create the schema first, so the WAL we watch below is the import's own writing.
    emptyDatabase(db);
    const run = startCli(['--db', db, 'import', 'ledger', f]);
    // Wait until the import has read (and so written into its open transaction) a part of the
    // file, then interrupt it. The rows may all sit in SQLite's page cache until the commit, so
    // the file's read position is what tells that the import is under way.
    const size = statSync(f).size;
    const started = Date.now();
    let at = 0;
    while (Date.now() - started < 60_000 && at < size / 20) {
      at = readPosition(run.child.pid!, f);
      if (at < 0) break; // the process is gone
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(at, 'the import was interrupted while reading the file').toBeLessThan(size);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    expect(count('imports')).toBe(0);
    expect(count('transactions')).toBe(0);
    // And it is safe to run again to completion.
    expect(runCli(['--db', db, 'import', 'ledger', f]).code).toBe(0);
    expect(count('transactions')).toBe(n);
  });
});

describe('CLI contract basics', () => {
  it('unknown options and commands exit 16 with a hint', () => {
    const a = runCli(['--db', db, 'import', 'psp', '--bogus', 'x.csv']);
    expect(a.code).toBe(16);
    expect(a.stderr).toMatch(/unknown option/);
    const b = runCli(['reconcil']);
    expect(b.code).toBe(16);
    expect(b.stderr).toMatch(/Did you mean reconcile/);
    expect(runCli(['import', 'psp', 'x.csv', '--format', 'nope']).code).toBe(16);
  });

  it('global options work after the command too', () => {
    emptyDatabase(db);
    const r = runCli(['audit', 'verify', '--json', '--db', db]);
    expect(r.code).toBe(0);
    expect(parseJson(r).ok).toBe(true);
    // A PostgreSQL store is a database on the server, not a file beside the command.
    if (!onPostgres) expect(existsSync(db)).toBe(true);
  });

  it('help exit-codes prints the contract table; --version prints the version', () => {
    const r = runCli(['help', 'exit-codes']);
    expect(r.code).toBe(0);
    for (const code of ['bit 1', 'bit 8', '16', '17', '18', '19', '20', '21', '130']) expect(r.stdout).toContain(code);
    expect(runCli(['--version']).stdout).toMatch(/^payrecon \d+\.\d+\.\d+\n$/);
  });

  it('a reader that closes the pipe early (| head) is not an error: no stack trace, the real exit code', async () => {
    const rows = [LEDGER_HEADER];
    for (let i = 0; i < 3000; i++) rows.push(`L-${i},2025-03-03,ORD-${i},,charge,N/A,EUR,,`);
    const f = write('bad.csv', rows.join('\n'));
    const run = startCli(['--db', db, 'import', 'ledger', f, '--json']);
    run.child.stdout.destroy();
    const r = await run.done;
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js/);
    expect(r.code).toBe(8);
    expect(count('rejects')).toBe(3000);
  });

  it('--help lists every command and global option of the contract', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    for (const word of ['import', 'reconcile', 'discrepancies', 'resolve', 'report', 'tui', 'baseline', 'scan', 'schedule', 'audit', 'proposals', 'match', 'unmatch', 'reasons', '--db', '--json', '--quiet', '--no-color', '--version', 'help exit-codes']) {
      expect(r.stdout).toContain(word);
    }
    const psp = runCli(['import', 'psp', '--help']);
    for (const word of ['--format', 'auto', 'stripe', 'adyen', 'paypal', 'checkout', '--source']) expect(psp.stdout).toContain(word);
    const rec = runCli(['reconcile', '--help']);
    for (const word of ['--from', '--to', '--amount-tolerance', '--date-window', '--fail-on', '--report', '--auto-confirm', '--dry-run']) expect(rec.stdout).toContain(word);
    const filters = ['--kind', '--source', '--currency', '--older-than', '--max-amount', '--reference', '--assignee'];
    const res = runCli(['resolve', '--help']);
    for (const word of [...filters, '--status', 'written_off', '--reason', '--note', '--by', '--assign', '--yes', '--dry-run', '--from-file', '--partial']) expect(res.stdout).toContain(word);
    const disc = runCli(['discrepancies', '--help']);
    for (const word of [...filters, '--status', '--run', '--out']) expect(disc.stdout).toContain(word);
    const reasons = runCli(['reasons', '--help']);
    for (const word of ['add', '[code]', '[description...]']) expect(reasons.stdout).toContain(word);
    const match = runCli(['match', '--help']);
    for (const word of ['--psp', '--ledger', '--note', '--by']) expect(match.stdout).toContain(word);
    const unmatch = runCli(['unmatch', '--help']);
    for (const word of ['<match-id>', '--note', '--by']) expect(unmatch.stdout).toContain(word);
    const prop = runCli(['proposals', '--help']);
    for (const word of ['--status', '--accept', '--reject', '--note', '--by']) expect(prop.stdout).toContain(word);
    const scan = runCli(['scan', '--help']);
    for (const word of ['--fail-on', '--key-file', '--report']) expect(scan.stdout).toContain(word);
  });

  it('--quiet prints nothing but errors; the exit code still tells the story', () => {
    const bad = write('bad.csv', [LEDGER_HEADER, 'L-1,2025-03-03,ORD-1,,charge,N/A,EUR,,', 'L-2,2025-03-03,ORD-2,,charge,1.00,EUR,,'].join('\n'));
    const r = runCli(['--db', db, '--quiet', 'import', 'ledger', bad]);
    expect(r.code).toBe(8);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
    const missing = runCli(['--db', db, 'import', 'ledger', join(dir, 'nope.csv'), '--quiet']);
    expect(missing.code).toBe(18);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/nope\.csv/);
  });

  it('$PAYRECON_DB chooses the database when --db is absent', () => {
    const other = join(dir, 'env.db');
    const ledger = write('env-ledger.csv', [LEDGER_HEADER, 'L-1,2025-03-03,ORD-1,,charge,10.00,EUR,,'].join('\n'));
    expect(runCli(['import', 'ledger', ledger], { env: { PAYRECON_DB: other } }).code).toBe(0);
    if (!onPostgres) expect(existsSync(other)).toBe(true);
    expect(runCli(['audit', 'verify'], { env: { PAYRECON_DB: other } }).code).toBe(0);
  });

  it('a database with a newer schema is refused with exit 19', () => {
    emptyDatabase(db);
    const h = openTestStore(db);
    // SQLite keeps the schema version in the file's header, PostgreSQL in payrecon_schema (src/db/migrate-pg.ts).
    if (onPostgres) h.prepare('UPDATE payrecon_schema SET version = 999').run();
    else h.exec('PRAGMA user_version = 999');
    h.close();
    const r = runCli(['--db', db, 'audit', 'verify']);
    expect(r.code).toBe(19);
    expect(r.stderr).toMatch(/newer than this payrecon/);
  });

  it('a second writer waits briefly, then exits 19 saying the database is locked', () => {
    emptyDatabase(db);
    const holder = openTestStore(db);
    // The writer lock every payrecon write takes: the file's write lock, or the server's advisory lock.
    beginWrite(holder);
    try {
      const r = runCli(['--db', db, 'import', 'ledger', write('l.csv', goodLedger)], { env: { PAYRECON_BUSY_TIMEOUT_MS: '300' } });
      expect(r.code).toBe(19);
      expect(r.stderr).toMatch(/locked by another payrecon run/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  // A server holds no file to overwrite; a database without a payrecon schema is tested in database-file.test.ts.
  it.skipIf(onPostgres)('a file that is not a database exits 19', () => {
    writeFileSync(db, 'this is not sqlite at all, just text that is long enough to look like a header....');
    expect(runCli(['--db', db, 'audit', 'verify']).code).toBe(19);
  });

  it('audit verify names the first entry altered directly in SQLite (exit 20)', () => {
    for (const n of [1, 2, 3]) {
      const f = write(`l${n}.csv`, [LEDGER_HEADER, `L-${n},2025-03-03,ORD-${n},,charge,1.00,EUR,,`].join('\n'));
      expect(runCli(['--db', db, 'import', 'ledger', f]).code).toBe(0);
    }
    const h = openTestStore(db);
    h.prepare("UPDATE audit_log SET details = replace(details, '\"imported\":1', '\"imported\":7') WHERE id = 2").run();
    h.close();
    const r = runCli(['--db', db, 'audit', 'verify']);
    expect(r.code).toBe(20);
    expect(r.stderr).toMatch(/entry 2 .*altered/);
  });

  // A file path only: on PostgreSQL the path stands for a database on the server (test/helpers/backend.ts).
  it.skipIf(onPostgres)('a database path in an unwritable place is an error, not a crash', () => {
    const ro = join(dir, 'ro');
    writeFileSync(ro, '');
    chmodSync(ro, 0o400);
    const r = runCli(['--db', join(ro, 'x.db'), 'audit', 'verify']);
    expect([18, 19]).toContain(r.code);
  });
});

/** How far process `pid` has read into `file` (its open descriptor's offset): 0 before it opens it, -1 once the process is gone. */
function readPosition(pid: number, file: string): number {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return -1;
  }
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== file) continue;
      const m = /^pos:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'));
      if (m) return Number(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  return 0;
}
