/**
 * Imports larger than one write batch (rows are written 50 per INSERT): in-file repeats and
 * restatements inside a batch are still compared row by row, outcomes and rejects keep file
 * order, and only aliases go to transaction_ids (a row's own id is in the identity index).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTestStore } from '../helpers/backend.js';
import { parseJson, runCli, useTempDb } from '../helpers/cli.js';

const STRIPE_HEADER =
  'balance_transaction_id,created_utc,available_on_utc,currency,gross,fee,net,reporting_category,source_id,description,automatic_payout_id';

let dir: string;
let db: string;
useTempDb((t) => ({ dir, db } = t));

function row(i: number, gross = '10.00'): string {
  return `txn_${i},2025-03-03 10:00:${String(i % 60).padStart(2, '0')},2025-03-05 00:00:00,usd,${gross},0.30,${(Number(gross) - 0.3).toFixed(2)},charge,ch_${i},Order ${i},po_1`;
}

function write(name: string, lines: string[]): string {
  const p = join(dir, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

function query<T>(sql: string): T[] {
  const h = openTestStore(db);
  try {
    return h.prepare(sql).all() as T[];
  } finally {
    h.close();
  }
}

describe('payrecon import: files larger than a write batch', () => {
  it('repeats inside the file are skipped or rejected in place, rejects listed and stored in line order', () => {
    const lines = [STRIPE_HEADER];
    for (let i = 1; i <= 120; i++) {
      lines.push(row(i));
      if (i === 60) lines.push(row(10)); // identical repeat of an id from the same batch
      if (i === 70) lines.push(`txn_bad,2025-03-03 10:00:00,2025-03-05 00:00:00,usd,N/A,0.30,9.70,charge,ch_bad,x,po_1`);
      if (i === 90) lines.push(row(20, '11.00')); // the same id, another amount
    }
    const f = write('big.csv', lines);
    const r = runCli(['--db', db, 'import', 'psp', f, '--json']);
    expect(r.code, r.stderr).toBe(8);
    const file = parseJson(r).files[0];
    expect(file.rows).toEqual({ total: 123, imported: 120, skipped: 1, rejected: 2 });
    const lineOf20 = lines.indexOf(row(20)) + 1;
    const lineOfBad = lines.findIndex((l) => l.startsWith('txn_bad')) + 1;
    const lineOfConflict = lines.lastIndexOf(row(20, '11.00')) + 1;
    expect(file.rejects.map((x: { line: number }) => x.line)).toEqual([lineOfBad, lineOfConflict]);
    expect(file.rejects[1].reason).toMatch(new RegExp(`conflicting restatement of txn_20, first imported from .*big\\.csv:${lineOf20}: amount_minor 1000 -> 1100`));
    expect(query<{ line: number }>('SELECT line FROM rejects ORDER BY id').map((x) => x.line)).toEqual([lineOfBad, lineOfConflict]);
    // Every stored row kept its own line; the aliases (ch_...) are indexed, once each.
    expect(query<{ n: number }>('SELECT count(*) AS n FROM transactions')[0].n).toBe(120);
    expect(query<{ n: number }>(`SELECT count(*) AS n FROM transactions WHERE line = (SELECT min(line) FROM transactions t2 WHERE t2.external_id = transactions.external_id)`)[0].n).toBe(120);
    expect(query<{ ident: string; ext: string }>('SELECT ti.ident, t.external_id AS ext FROM transaction_ids ti JOIN transactions t ON t.id = ti.tx_id ORDER BY t.id').map((x) => `${x.ident}:${x.ext}`)).toEqual(
      Array.from({ length: 120 }, (_, k) => `ch_${k + 1}:txn_${k + 1}`),
    );
  });

  it('a restated report of many rows: identical rows skipped, a changed one rejected, new ones imported', () => {
    const first = [STRIPE_HEADER];
    for (let i = 1; i <= 120; i++) first.push(row(i));
    expect(runCli(['--db', db, 'import', 'psp', write('a.csv', first)]).code).toBe(0);
    const second = [STRIPE_HEADER];
    for (let i = 1; i <= 125; i++) second.push(i === 77 ? row(i, '12.00') : row(i));
    const r = runCli(['--db', db, 'import', 'psp', write('b.csv', second), '--json']);
    expect(r.code, r.stderr).toBe(8);
    const file = parseJson(r).files[0];
    expect(file.rows).toEqual({ total: 125, imported: 5, skipped: 119, rejected: 1 });
    expect(file.rejects[0]).toMatchObject({ line: 78 });
    expect(file.rejects[0].reason).toMatch(/conflicting restatement of txn_77, first imported from .*a\.csv:78: amount_minor 1000 -> 1200/);
    expect(query<{ n: number }>('SELECT count(*) AS n FROM transactions')[0].n).toBe(125);
    expect(query<{ n: number }>('SELECT count(*) AS n FROM transaction_ids')[0].n).toBe(125);
  });
});
