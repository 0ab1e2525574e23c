/**
 * `payrecon import bank` end to end: every balanced real sample imports, every unbalanced one
 * is refused (exit 17) naming what does not add up; proofs, idempotency, restatement and the
 * character sets, on generated files whose figures the test states.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTestStore } from '../helpers/backend.js';
import { bai2, camt053, mt940 } from '../helpers/bank-files.js';
import { parseJson, ROOT, runCli, useTempDb } from '../helpers/cli.js';

const SAMPLES = join(ROOT, '../shared/real-samples/bank');

let dir: string;
let db: string;
useTempDb((t) => ({ dir, db } = t));

function write(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

function query<T = any>(sql: string, ...params: unknown[]): T[] {
  const h = openTestStore(db);
  try {
    return h.prepare(sql).all(...params) as T[];
  } finally {
    h.close();
  }
}

function importBank(...args: string[]) {
  return runCli(['--db', db, 'import', 'bank', ...args, '--json']);
}

// What each refused sample must say: the figures that do not add up, or why it cannot be read.
const REFUSALS: Record<string, RegExp> = {
  'bmo_ca_camt053_v02_malformed_xml_REFUSE.xml': /:993:45: not well-formed XML/,
  'camt052_de_ruecklastschrift_v02_REFUSE.xml': /opening 100\.00 EUR \+ 1 entries -53\.00 EUR = 47\.00 EUR, but the closing balance is 100\.00 EUR \(difference 53\.00 EUR\)/,
  'goldman_sachs_us_sample_camt053_v02_REFUSE.xml': /does not balance: .*closing balance is -846665\.15 USD \(difference -3038\.95 USD\)/,
  'postfinance_ch_camt053_v02_dupl_REFUSE.xml': /no currency/,
  'mbank_pl_iph_truncated_REFUSE.txt': /no closing balance :62F:/,
  'rabobank_nl_old_format_demo_REFUSE.txt': /difference 2145\.00 EUR/,
  'raiffeisen_hu_cp852_REFUSE.sta': /= 24158423\.60 HUF, but the closing balance is 25281687\.60 HUF \(difference 1123264\.00 HUF\)/,
  'citi_gb_example_REFUSE.bai2': /= 100\.01 GBP, but the closing balance is 100\.00 GBP \(difference -0\.01 GBP\)/,
  'goldman_sachs_us_issue113_REFUSE.bai2': /control total in 49 is -12601613417\.62, the records add up to 79999\.60/,
  'svb_us_eod_bad_control_total_REFUSE.bai2': /control total in 49 is 83259\.83, the records add up to 83259\.82 \(difference -0\.01\)/,
};

describe('real bank samples', () => {
  for (const format of ['camt053', 'mt940', 'bai2']) {
    const files = readdirSync(join(SAMPLES, format)).filter((f) => f !== 'SOURCE.txt');
    it(`${format}: every balanced file imports and every unbalanced one is refused`, () => {
      // One run for the folder: a refused file stops only itself.
      const r = importBank(...files.map((f) => join(SAMPLES, format, f)));
      const doc = parseJson(r);
      expect(r.code).toBe(files.some((f) => REFUSALS[f]) ? 17 : 0);
      files.forEach((f, i) => {
        const res = doc.files[i];
        if (REFUSALS[f]) {
          expect(res.status, f).toBe('failed');
          expect(res.error.message, f).toMatch(REFUSALS[f]);
        } else {
          expect(res.status, `${f}: ${res.error?.message}`).toBe('imported');
          expect(res.format).toBe(format);
          expect(res.statements.length, f).toBeGreaterThan(0);
        }
      });
      // Refused files leave nothing behind.
      const refused = files.filter((f) => REFUSALS[f]).map((f) => `%${f}`);
      for (const f of refused) expect(query('SELECT id FROM bank_imports WHERE path LIKE ?', f)).toEqual([]);
    });
  }

  it('every file the collectors marked _REFUSE is in the refusal table', () => {
    const marked = ['camt053', 'mt940', 'bai2'].flatMap((d) => readdirSync(join(SAMPLES, d)).filter((f) => f.includes('_REFUSE')));
    for (const f of marked) expect(REFUSALS, f).toHaveProperty([f]);
  });
});

describe('import bank on generated statements', () => {
  const stmt = { id: 'S-1', seq: 1, opening: '1000.00', entries: [{ amount: '250.00', ref: 'B1', text: 'STRIPE PAYOUT po_123' }, { amount: '-40.00', ref: 'B2' }] };

  it('stores entries with exact amounts, dates, references and remittance; the same bytes again are a no-op', () => {
    const file = write('s1.xml', camt053(stmt));
    const r = importBank(file);
    expect(r.code).toBe(0);
    const doc = parseJson(r);
    expect(doc.files[0].statements[0]).toMatchObject({ statement_id: 'S-1', opening: '1000.00', closing: '1210.00', entries: 2, credits: '250.00', debits: '40.00', status: 'new' });
    expect(query('SELECT amount_minor, booking_date, bank_reference, remittance FROM bank_entries ORDER BY id')).toEqual([
      { amount_minor: 25000, booking_date: '2025-03-05', bank_reference: 'B1', remittance: 'STRIPE PAYOUT po_123' },
      { amount_minor: -4000, booking_date: '2025-03-05', bank_reference: 'B2', remittance: null },
    ]);
    const again = parseJson(importBank(file));
    expect(again.files[0].status).toBe('already_imported');
    expect(query('SELECT count(*) AS n FROM bank_entries')[0].n).toBe(2);
  });

  it('refuses a statement whose entries do not reach its closing balance, naming the difference, and stores nothing', () => {
    const file = write('bad.xml', camt053({ ...stmt, closing: '1200.00' }));
    const r = importBank(file);
    expect(r.code).toBe(17);
    expect(parseJson(r).files[0].error.message).toMatch(
      /statement S-1 of account DE89370400440532013000 does not balance: opening 1000\.00 EUR \+ 2 entries 210\.00 EUR = 1210\.00 EUR, but the closing balance is 1200\.00 EUR \(difference -10\.00 EUR\)/,
    );
    expect(query('SELECT count(*) AS n FROM bank_statements')[0].n).toBe(0);
  });

  it('refuses a sequence number that skips one, unless the balances chain; reports a break between statements', () => {
    expect(importBank(write('1.xml', camt053(stmt))).code).toBe(0);
    const skip = importBank(write('3.xml', camt053({ id: 'S-3', seq: 3, opening: '5000.00', entries: [] })));
    expect(skip.code).toBe(17);
    expect(parseJson(skip).files[0].error.message).toMatch(/sequence number 3, but the last imported for the account is 1: 1 statement\(s\) missing \(expected 2\)/);
    const next = parseJson(importBank(write('2.xml', camt053({ id: 'S-2', seq: 2, opening: '1200.00', entries: [{ amount: '1.00' }] }))));
    expect(next.exit_code).toBe(0);
    expect(next.files[0].gaps).toEqual([
      { account: 'DE89370400440532013000', currency: 'EUR', previous_statement: 'S-1', statement: 'S-2', previous_closing: '1210.00', opening: '1200.00', difference: '-10.00' },
    ]);
  });

  it('a corrected statement supersedes the earlier one; the same statement in another file is skipped', () => {
    expect(importBank(write('a.xml', camt053(stmt))).code).toBe(0);
    const corrected = { ...stmt, entries: [{ amount: '260.00', ref: 'B1' }, { amount: '-40.00', ref: 'B2' }] };
    const r = parseJson(importBank(write('b.xml', camt053(corrected))));
    expect(r.files[0].statements[0]).toMatchObject({ status: 'restated', closing: '1220.00' });
    const live = query("SELECT e.amount_minor FROM bank_entries e JOIN bank_statements s ON s.id = e.statement_row WHERE s.status = 'active' ORDER BY e.id");
    expect(live.map((x) => x.amount_minor)).toEqual([26000, -4000]);
    expect(query("SELECT count(*) AS n FROM bank_statements WHERE status = 'superseded'")[0].n).toBe(1);
    const same = parseJson(importBank(write('c.xml', camt053(corrected) + '\n')));
    expect(same.files[0].statements[0].status).toBe('unchanged');
    expect(query("SELECT count(*) AS n FROM bank_statements WHERE status = 'active'")[0].n).toBe(1);
  });

  it('reads an MT940 in Latin-1 with several statements', () => {
    const text = mt940(
      { id: 'M1', seq: 1, opening: '100.00', entries: [{ amount: '12.50', text: 'Überweisung Müller' }] },
      { id: 'M2', seq: 2, opening: '112.50', date: '2025-03-06', entries: [{ amount: '-2.50', text: 'Gebühr' }] },
    );
    const r = importBank(write('latin1.sta', Buffer.from(text, 'latin1')), '--format', 'mt940');
    expect(r.code, r.stdout).toBe(0);
    expect(parseJson(r).files[0].statements.map((s: any) => s.closing)).toEqual(['112.50', '110.00']);
    expect(query('SELECT remittance FROM bank_entries ORDER BY id').map((x) => x.remittance)).toEqual(['Überweisung Müller', 'Gebühr']);
  });

  it('reads BAI2 and refuses a file whose control totals disagree', () => {
    const good = bai2({ id: 'x', opening: '10.00', entries: [{ amount: '5.00', text: 'WIRE IN' }, { amount: '-1.00' }] });
    expect(importBank(write('ok.bai2', good)).code).toBe(0);
    const bad = good.replace(/^49,(\d+),/m, (_m, t) => `49,${BigInt(t) + 1n},`);
    const r = importBank(write('bad.bai2', bad));
    expect(r.code).toBe(17);
    expect(parseJson(r).files[0].error.message).toMatch(/control total in 49 is .*\(difference -0\.01\)/);
  });

  it('--account names the account; a file of several accounts with --account is refused', () => {
    const r = parseJson(importBank(write('one.xml', camt053(stmt)), '--account', 'operating-eur'));
    expect(r.files[0].statements[0].account).toBe('operating-eur');
    const two = importBank(write('two.xml', camt053({ ...stmt, id: 'A' }, { ...stmt, id: 'B', account: 'GB33BUKB20201555555555' })), '--account', 'x');
    expect(two.code).toBe(17);
    expect(parseJson(two).files[0].error.message).toMatch(/several accounts/);
  });
});
