/**
 * A bulk load (src/db/bulk-load.ts) inserts its rows with the identity index dropped and
 * rebuilds it afterwards as the check. These files are large enough to take that path (at
 * least 5 MB, i.e. 50,000 estimated rows): a restated row, within the file or against the
 * store, must come out exactly as the careful path would have it, and the indexes must be back
 * (on SQLite those only a narrow reconcile reads once the first one ran).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onPostgres, openTestStore } from '../helpers/backend.js';
import { FIXTURES, parseJson, runCli, startCli, useTempDb } from '../helpers/cli.js';

const HEADER = 'entry_id,booked_at,reference,psp_reference,type,amount,currency,fee,description';
const ctx = { dir: '', db: '' };
useTempDb((t) => Object.assign(ctx, t));

function ledger(name: string, ids: Iterable<number>, extra: string[] = []): string {
  const rows = [HEADER];
  for (const i of ids) rows.push(`L-${i},2025-03-03,ORD-${i},,charge,${i % 1000}.${String(i % 100).padStart(2, '0')},EUR,,a description long enough to make the file large ${i}`);
  rows.push(...extra);
  const path = join(ctx.dir, name);
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

/** The secondary indexes of transactions and transaction_ids (not the primary keys). */
function indexes(): string[] {
  const db = openTestStore(ctx.db);
  const names = (
    onPostgres
      ? db.prepare(`SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('transactions', 'transaction_ids') AND indexname NOT LIKE '%_pkey' ORDER BY indexname`)
      : db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('transactions', 'transaction_ids') AND sql IS NOT NULL ORDER BY name`)
  )
    .pluck()
    .all() as string[];
  db.close();
  return names;
}

const ALL_INDEXES = ['transaction_ids_ident', 'transactions_identity', 'transactions_payout', 'transactions_psp_ref', 'transactions_window'];
/** After a bulk load: the indexes only a narrow reconcile reads wait for the first one (src/db/window-indexes.ts). */
const AFTER_BULK = ['transaction_ids_ident', 'transactions_identity'];
/**
 * After a bulk load that met a restated row and read the file again the careful way: SQLite
 * rolled back to before the load, indexes included; a server's set-aside stays for the careful
 * pass too (src/db/bulk-load-pg.ts), so the window-only indexes still wait there.
 */
const AFTER_CAREFUL = onPostgres ? AFTER_BULK : ALL_INDEXES;
/** Those three, as the store defines them (SQLite's or the server's catalog). */
const WINDOW_ONLY = ['transactions_payout', 'transactions_psp_ref', 'transactions_window'];

/**
 * PostgreSQL: the window indexes and the foreign keys of transactions and transaction_ids as the
 * server defines them (a bulk load there sets them aside and adds them back: src/db/bulk-load-pg.ts).
 */
function serverDefinitions(): string[] {
  const db = openTestStore(ctx.db);
  const defs = db
    .prepare(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('transactions', 'transaction_ids')
       UNION ALL
       SELECT c.conname || ' ' || pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid
       WHERE c.contype = 'f' AND r.relname IN ('transactions', 'transaction_ids') ORDER BY 1`,
    )
    .pluck()
    .all() as string[];
  db.close();
  return defs;
}

/** The definitions of the three window-only indexes, as the store's catalog gives them. */
function windowDefinitions(): string[] {
  const db = openTestStore(ctx.db);
  const list = WINDOW_ONLY.map((n) => `'${n}'`).join(', ');
  const defs = (
    onPostgres
      ? db.prepare(`SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN (${list}) ORDER BY indexname`)
      : db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'index' AND name IN (${list}) ORDER BY name`)
  )
    .pluck()
    .all() as string[];
  db.close();
  return defs;
}

describe('bulk loads', () => {
  it('a first load with no restated row: every row imported, the identity index back', () => {
    const f = ledger('first.csv', range(0, 60_000));
    const r = runCli(['--db', ctx.db, '--json', 'import', 'ledger', f]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson(r).files[0].rows).toEqual({ total: 60_000, imported: 60_000, skipped: 0, rejected: 0 });
    expect(indexes()).toEqual(AFTER_BULK);
  });

  it('the first narrow reconcile after a bulk load builds the window indexes, once, even as a dry run; a full one does not', () => {
    // A store made the careful way first: its definitions are the migrations'.
    expect(runCli(['--db', ctx.db, 'import', 'ledger', ledger('small.csv', range(100_000, 100_010))]).code).toBe(0);
    const defined = windowDefinitions();
    expect(defined).toHaveLength(3);
    expect(runCli(['--db', ctx.db, 'import', 'ledger', ledger('history.csv', range(0, 60_000))]).code).toBe(0);
    // A night of a few rows on another date: a narrow window (src/reconcile/rows.ts).
    const night = ledger('night.csv', range(70_000, 70_100));
    writeFileSync(night, readFileSync(night, 'utf8').replaceAll('2025-03-03', '2025-03-10'));
    expect(runCli(['--db', ctx.db, 'import', 'ledger', night]).code).toBe(0);
    expect(indexes()).toEqual(AFTER_BULK);
    const full = runCli(['--db', ctx.db, '--json', 'reconcile', '--fail-on', 'none']);
    expect(full.code, full.stderr).toBe(0);
    expect(indexes()).toEqual(AFTER_BULK);
    const args = ['--db', ctx.db, '--json', 'reconcile', '--from', '2025-03-10', '--to', '2025-03-10', '--fail-on', 'none'];
    const first = runCli([...args, '--dry-run']);
    expect(first.code, first.stderr).toBe(0);
    expect(indexes()).toEqual(ALL_INDEXES);
    // The same night again, now through the indexes: the same findings.
    const again = runCli([...args, '--dry-run']);
    expect(parseJson(again).counts).toEqual(parseJson(first).counts);
    expect(parseJson(first).counts).toMatchObject({ psp: 0, ledger: 100, discrepancies: 100 });
    // Built as the migrations define them.
    expect(windowDefinitions()).toEqual(defined);
  });

  it.runIf(onPostgres)('on PostgreSQL the indexes and foreign keys set aside for the load are back exactly, and enforced', () => {
    const small = ledger('small.csv', range(0, 10));
    expect(runCli(['--db', ctx.db, 'import', 'ledger', small]).code).toBe(0);
    const before = serverDefinitions();
    expect(before.filter((d) => d.includes('FOREIGN KEY'))).toEqual([
      'transaction_ids_tx_id_fkey FOREIGN KEY (tx_id) REFERENCES transactions(id)',
      'transactions_import_id_fkey FOREIGN KEY (import_id) REFERENCES imports(id)',
    ]);
    const r = runCli(['--db', ctx.db, '--json', 'import', 'ledger', ledger('big.csv', range(10, 60_010))]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson(r).files[0].rows.imported).toBe(60_000);
    // Everything set aside is back but the indexes the first narrow reconcile builds.
    expect(serverDefinitions()).toEqual(before.filter((d) => !WINDOW_ONLY.some((n) => d.includes(`INDEX ${n} `))));
    const db = openTestStore(ctx.db);
    try {
      expect(() => db.prepare("INSERT INTO transaction_ids (ident, tx_id) VALUES ('x', 999999999)").run()).toThrow(/foreign key/);
    } finally {
      db.close();
    }
  });

  it('a file restating its own rows, identically and not: skipped and rejected as on the careful path', () => {
    const f = ledger('restating.csv', range(0, 60_000), [
      'L-7,2025-03-03,ORD-7,,charge,7.07,EUR,,a description long enough to make the file large 7',
      'L-8,2025-03-03,ORD-8,,charge,9.99,EUR,,changed amount',
    ]);
    const r = runCli(['--db', ctx.db, '--json', 'import', 'ledger', f]);
    expect(r.code, r.stderr).toBe(8);
    const file = parseJson(r).files[0];
    expect(file.rows).toEqual({ total: 60_002, imported: 60_000, skipped: 1, rejected: 1 });
    expect(file.rejects[0]).toMatchObject({ line: 60_003 });
    expect(file.rejects[0].reason).toMatch(/conflicting restatement of L-8, first imported from .*restating\.csv:10: amount_minor 808 -> 999/);
    expect(indexes()).toEqual(AFTER_CAREFUL);
  });

  it('a large file restating a row of a smaller store: the stored row wins, the restatement is skipped', () => {
    expect(runCli(['--db', ctx.db, 'import', 'ledger', ledger('small.csv', range(0, 100))]).code).toBe(0);
    const r = runCli(['--db', ctx.db, '--json', 'import', 'ledger', ledger('large.csv', range(50, 60_050))]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson(r).files[0].rows).toEqual({ total: 60_000, imported: 59_950, skipped: 50, rejected: 0 });
    expect(indexes()).toEqual(AFTER_CAREFUL);
    const db = openTestStore(ctx.db);
    expect(db.prepare('SELECT count(*) FROM transactions').pluck().get()).toBe(60_050);
    db.close();
  });

  it('a mapped export loaded in bulk: the same rows and rejects as the golden file says, per copy', () => {
    const dir = join(FIXTURES, 'mapping');
    const [header, ...body] = readFileSync(join(dir, 'erp-export-de.csv'), 'utf8').trimEnd().split('\n');
    const expected = JSON.parse(readFileSync(join(dir, 'erp-export-de.expected.json'), 'utf8')) as { items: Array<{ tx?: { externalId: string; amountMinor: string; bookedAt: string; currency: string }; reject?: { line: number; reason: string } }> };
    const copies = 8_000;
    const rows = [header];
    for (let k = 0; k < copies; k++) for (const line of body) rows.push(line.replace(/^BN-2025-/, `BN-${k}-`));
    const f = join(ctx.dir, 'erp-big.csv');
    writeFileSync(f, rows.join('\n') + '\n');
    const r = runCli(['--db', ctx.db, '--json', 'import', 'ledger', f, '--mapping', join(dir, 'erp-export-de.mapping.json')]);
    expect(r.code, r.stderr).toBe(8);
    const txs = expected.items.filter((i) => i.tx).length;
    const rejects = expected.items.filter((i) => i.reject).length;
    expect(parseJson(r).files[0].rows).toEqual({ total: copies * body.length, imported: copies * txs, skipped: 0, rejected: copies * rejects });
    const db = openTestStore(ctx.db);
    const last = copies - 1;
    for (const item of expected.items) {
      if (item.tx) {
        const id = item.tx.externalId.replace(/^BN-2025-/, `BN-${last}-`);
        expect(db.prepare('SELECT amount_minor, booked_at, currency FROM transactions WHERE external_id = ?').get(id), id).toEqual({ amount_minor: Number(item.tx.amountMinor), booked_at: item.tx.bookedAt, currency: item.tx.currency });
      } else {
        const line = item.reject!.line + last * body.length;
        expect(db.prepare('SELECT reason FROM rejects WHERE line = ?').pluck().get(line), `line ${line}`).toBe(item.reject!.reason);
      }
    }
    db.close();
    // Its original records read back from the stored file, delimiter and all.
    const shown = parseJson(runCli(['--db', ctx.db, '--json', 'show', 'ledger', `BN-${last}-0002`]));
    expect(shown.original.text).toBe(body[1].replace(/^BN-2025-/, `BN-${last}-`));
  });

  it('a bulk load found broken half-way (a quote that never closes) is refused whole, naming the line', () => {
    const f = ledger('broken.csv', range(0, 60_000));
    const text = readFileSync(f, 'utf8');
    writeFileSync(f, text.replace(',,a description long enough to make the file large 40000\n', ',,"a description long enough to make the file large 40000\n'));
    const r = runCli(['--db', ctx.db, 'import', 'ledger', f]);
    expect(r.code).toBe(17);
    expect(r.stderr).toMatch(/broken\.csv:40002: the record starting here has a quoted field that never closes/);
    const db = openTestStore(ctx.db);
    expect(db.prepare('SELECT (SELECT count(*) FROM imports) + (SELECT count(*) FROM transactions) + (SELECT count(*) FROM import_blocks)').pluck().get()).toBe(0);
    db.close();
  });

  it("a PSP bulk load keeps every row's aliases, each pointing at its row", () => {
    const rows = ['balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,automatic_payout_id'];
    // Ids in no particular order, as real ones are.
    for (let i = 0; i < 60_000; i++) {
      const k = (i * 7919) % 60_000;
      rows.push(`txn_${k},2025-03-01 00:00:00,2025-03-03 00:00:00,usd,10.00,0.59,9.41,charge,ch_${k},Order ORD-${k} with a description that is long,po_1`);
    }
    const f = join(ctx.dir, 'stripe-big.csv');
    writeFileSync(f, rows.join('\n') + '\n');
    const r = runCli(['--db', ctx.db, '--json', 'import', 'psp', f]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseJson(r).files[0].rows.imported).toBe(60_000);
    const db = openTestStore(ctx.db);
    expect(db.prepare('SELECT count(*) FROM transaction_ids').pluck().get()).toBe(60_000);
    expect(db.prepare(`SELECT count(*) FROM transaction_ids ti JOIN transactions t ON t.id = ti.tx_id WHERE substr(ti.ident, 4) <> substr(t.external_id, 5)`).pluck().get()).toBe(0);
    // SQLite's own check of the file its index builds wrote (a server checks its own storage).
    if (!onPostgres) expect(db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
    db.close();
    expect(indexes()).toEqual(AFTER_BULK);
  });
});

/** Poll `seen` while `run` lives (generous deadline: CI machines are shared); whether it held. */
async function whileRunning(run: ReturnType<typeof startCli>, seen: () => boolean, deadlineMs = 120_000): Promise<boolean> {
  const started = Date.now();
  while (Date.now() - started < deadlineMs && run.child.exitCode === null && run.child.signalCode === null) {
    if (seen()) return true;
    await new Promise((r) => setTimeout(r, 5));
  }
  return seen();
}

function countRows(): number {
  const db = openTestStore(ctx.db);
  try {
    return Number(db.prepare('SELECT count(*) FROM transactions').pluck().get());
  } finally {
    db.close();
  }
}

function journalMode(): string {
  const db = openTestStore(ctx.db);
  try {
    return String(db.prepare('PRAGMA journal_mode').pluck().get());
  } finally {
    db.close();
  }
}

// SQLite's journal (src/db/bulk-load.ts journalForLoad): a bulk load alone with the store writes
// through a rollback journal (each page once), and WAL is back after it.
describe.skipIf(onPostgres)('the journal of a bulk load (SQLite)', () => {
  const BIG = 300_000;

  it('alone with the store it writes through a rollback journal; killed in the middle, the store is as before, and WAL comes back', async () => {
    expect(runCli(['--db', ctx.db, 'import', 'ledger', ledger('before.csv', range(0, 10))]).code).toBe(0);
    const big = ledger('big.csv', range(10, 10 + BIG));
    const run = startCli(['--db', ctx.db, 'import', 'ledger', big]);
    // The journal appears when the load first writes pages of its open transaction.
    const journaled = await whileRunning(run, () => existsSync(`${ctx.db}-journal`));
    run.child.kill('SIGKILL');
    await run.done;
    expect(journaled, 'a rollback journal while the load ran').toBe(true);
    expect(existsSync(`${ctx.db}-journal`), 'the crash left its journal').toBe(true);
    // The next open rolls the hot journal back: the rows of before, and nothing of the load.
    expect(countRows()).toBe(10);
    const db = openTestStore(ctx.db);
    expect(db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
    db.close();
    const again = runCli(['--db', ctx.db, '--json', 'import', 'ledger', big]);
    expect(again.code, again.stderr).toBe(0);
    expect(countRows()).toBe(10 + BIG);
    expect(journalMode()).toBe('wal');
    expect(existsSync(`${ctx.db}-journal`)).toBe(false);
  });

  it('with another connection open it stays in WAL, and that connection reads the store as before the load while it runs', async () => {
    expect(runCli(['--db', ctx.db, 'import', 'ledger', ledger('before.csv', range(0, 10))]).code).toBe(0);
    const big = ledger('big.csv', range(10, 10 + BIG));
    const reader = openTestStore(ctx.db);
    try {
      const run = startCli(['--db', ctx.db, '--json', 'import', 'ledger', big]);
      let journal = false;
      // Past the load's page cache (16 MiB) its pages go to the WAL, uncommitted.
      const spilled = await whileRunning(run, () => {
        journal ||= existsSync(`${ctx.db}-journal`);
        return existsSync(`${ctx.db}-wal`) && statSync(`${ctx.db}-wal`).size > 20 * 1024 * 1024;
      });
      expect(spilled, 'the load wrote into the WAL').toBe(true);
      expect(reader.prepare('SELECT count(*) FROM transactions').pluck().get()).toBe(10);
      const r = await run.done;
      expect(r.code, r.stderr).toBe(0);
      expect(journal, 'no rollback journal while another connection was open').toBe(false);
      expect(reader.prepare('SELECT count(*) FROM transactions').pluck().get()).toBe(10 + BIG);
      expect(reader.prepare('PRAGMA journal_mode').pluck().get()).toBe('wal');
    } finally {
      reader.close();
    }
  });
});
