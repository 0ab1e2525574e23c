/**
 * Issue 19, item 7: docs/database.md named a `rejects.column` that is `col`. Every column a
 * row of its tables names in backticks must be a column of that table in a migrated database.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { DISCREPANCY_KINDS } from '../../src/domain/discrepancy.js';
import { ROOT, tempDir } from '../helpers/cli.js';

const tmp = tempDir('payrecon-dbdoc-');
afterAll(() => tmp.cleanup());

/** Tables whose rows list their columns (the others describe them in prose). */
const LISTED = ['rejects', 'transactions', 'discrepancies', 'recon_runs'];

it('the columns docs/database.md names exist', () => {
  const db = openDatabase(join(tmp.dir, 'x.db'));
  const doc = readFileSync(join(ROOT, 'docs/database.md'), 'utf8');
  const checked: string[] = [];
  for (const row of doc.split('\n').filter((l) => l.startsWith('| `'))) {
    const [, name, , notes] = row.split('|').map((c) => c.trim());
    const table = name.replace(/`/g, '');
    if (!LISTED.includes(table)) continue;
    const columns = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name));
    expect(columns.size, table).toBeGreaterThan(0);
    for (const [, word] of notes.matchAll(/`([a-z_]+)`/g)) {
      if ((DISCREPANCY_KINDS as readonly string[]).includes(word) || word === 'header') continue;
      expect(columns.has(word), `docs/database.md names ${table}.${word}`).toBe(true);
      checked.push(`${table}.${word}`);
    }
  }
  expect(checked).toContain('rejects.col');
  db.close();
});
