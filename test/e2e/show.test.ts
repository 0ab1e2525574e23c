/**
 * `payrecon show psp|ledger <id>` and the original bytes behind it (migration 016): every row
 * of every real provider file reads back, from the stored file alone, as the record the file
 * had; the stored blocks are the file (same SHA-256); `--raw` prints the record byte for byte.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { onPostgres, openTestStore } from '../helpers/backend.js';
import { readOriginalRecord } from '../../src/db/original-bytes.js';
import { readRecordsSync } from '../../src/importers/csv-stream.js';
import { parseJson, runCli, useTempDb } from '../helpers/cli.js';
import { ROOT } from '../helpers/cli.js';

const CORPUS = join(ROOT, '..', 'shared', 'real-samples');
const corpusFiles = () =>
  ['adyen', 'checkout', 'paypal', 'stripe'].flatMap((p) =>
    readdirSync(join(CORPUS, p))
      .filter((n) => n.endsWith('.csv'))
      .sort()
      .map((n) => `${p}/${n}`),
  );

const ctx = { dir: '', db: '' };
useTempDb((t) => Object.assign(ctx, t));

describe('payrecon show', () => {
  it('every row of every real provider file reads back from the stored file as the file had it', () => {
    if (!existsSync(CORPUS)) return expect.fail(`the real-sample corpus is missing at ${CORPUS}`);
    for (const name of corpusFiles()) {
      const path = join(CORPUS, name);
      const db = join(ctx.dir, `${name.replace('/', '-')}.db`);
      const r = runCli(['--db', db, '--json', 'import', 'psp', path]);
      if (r.code === 17) continue; // a file the importers refuse whole (pinned in test/importers/real-samples)
      expect([0, 8], `${name}: ${r.stderr}`).toContain(r.code);
      const store = openTestStore(db);
      const imp = store.prepare('SELECT id, sha256, delimiter FROM imports').get() as { id: number; sha256: string; delimiter: string };
      const bytes = Buffer.concat((store.prepare('SELECT data FROM import_blocks WHERE import_id = ? ORDER BY byte_offset').pluck().all(imp.id) as Buffer[]).map((d) => inflateRawSync(d)));
      expect(createHash('sha256').update(bytes).digest('hex'), name).toBe(imp.sha256);
      const records = new Map(readRecordsSync(readFileSync(path, 'utf8'), name, imp.delimiter).map((rec) => [rec.line, rec.fields]));
      const rows = store.prepare('SELECT line, raw FROM transactions').all() as Array<{ line: number; raw: string | null }>;
      expect(rows.length, name).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row.raw).toBeNull();
        expect(readOriginalRecord(store, imp.id, row.line)?.fields, `${name}:${row.line}`).toEqual(records.get(row.line));
      }
      store.close();
    }
  }, onPostgres ? 300_000 : undefined); // a database of its own per file: created and migrated on the server each time

  it('shows a row beside its original record; --raw is the record byte for byte; unknown or ambiguous ids exit 16', () => {
    const header = 'entry_id,booked_at,reference,psp_reference,type,amount,currency,fee,description';
    const lines = [header, 'L-1,2025-03-03,ORD-1,,charge,10.00,EUR,,"two\r\nlines, ""quoted"""', '', 'L-2,2025-03-03,ORD-2,,charge,1234.50,EUR,,Zürich \u001b[31m'];
    const file = join(ctx.dir, 'ledger.csv');
    writeFileSync(file, lines.join('\r\n') + '\r\n');
    expect(runCli(['--db', ctx.db, 'import', 'ledger', file]).code).toBe(0);

    const raw = runCli(['--db', ctx.db, 'show', 'ledger', 'L-1', '--raw']);
    expect(raw.code).toBe(0);
    expect(raw.stdout).toBe(lines[1] + '\n');
    const doc = parseJson(runCli(['--db', ctx.db, '--json', 'show', 'ledger', 'L-2']));
    expect(doc).toMatchObject({ side: 'ledger', id: 'L-2', amount: '1234.50', currency: 'EUR', line: 5, original: { fields: ['L-2', '2025-03-03', 'ORD-2', '', 'charge', '1234.50', 'EUR', '', 'Zürich \u001b[31m'], text: lines[3] } });
    expect((doc as { original: { header: string[] } }).original.header).toEqual(header.split(','));
    // A person's view names the columns and escapes what a terminal would obey.
    const human = runCli(['--db', ctx.db, 'show', 'ledger', 'L-2']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/ledger row L-2 .*ledger\.csv:5/);
    expect(human.stdout).toMatch(/description +Zürich \\x1b\[31m/);
    expect(human.stdout).not.toContain('\u001b');

    const missing = runCli(['--db', ctx.db, 'show', 'ledger', 'L-404']);
    expect(missing.code).toBe(16);
    expect(missing.stderr).toMatch(/no ledger row "L-404"/);
    // The same id from a second source: which one is meant must be said.
    // (Another file, as the same bytes again would be a no-op.)
    const file2 = join(ctx.dir, 'ledger-erp2.csv');
    writeFileSync(file2, lines.join('\r\n') + '\r\n\r\n');
    expect(runCli(['--db', ctx.db, 'import', 'ledger', file2, '--source', 'erp2']).code).toBe(0);
    const two = runCli(['--db', ctx.db, 'show', 'ledger', 'L-1']);
    expect(two.code).toBe(16);
    expect(two.stderr).toMatch(/exists in 2 sources \(erp2, ledger\); name one with --source/);
    expect(runCli(['--db', ctx.db, 'show', 'ledger', 'L-1', '--source', 'erp2', '--raw']).stdout).toBe(lines[1] + '\n');
  });
});
