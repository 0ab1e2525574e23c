/**
 * Issue 19, item 3: docs/importers.md says a PayPal report with zero SB rows and consistent
 * counts is a valid empty day. It is: exit 0, an import of 0 rows. Counts that do not match,
 * or a file without its footer, are still refused (17): those look like a truncated download.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('payrecon-pp-empty-');
afterAll(() => tmp.cleanup());

/** The bundled report's RH/FH/SH/CH records, then a section and report with no SB rows. */
function report(footer: string): string {
  const head = readFileSync(join(FIXTURES, 'paypal/STL-20250303.01.009.CSV'), 'utf8').split('\n').slice(0, 4).join('\n');
  return `${head}\n"SF","USD",0,0,0,0,0,0,0,0,0,0,0\n${footer}`;
}

describe('a PayPal report of a day without transactions', () => {
  it.each([
    ['zero SB rows, counts all 0', '"SC",0\n"RF",0\n"RC",0\n"FF",0\n', 0],
    ['zero SB rows, counts claim 2', '"SC",2\n"RF",2\n"RC",2\n"FF",2\n', 17],
    ['zero SB rows, no footer (truncated)', '"SC",0\n', 17],
  ])('%s: exit %s', (name, footer, code) => {
    const file = join(tmp.dir, `STL-${name.replace(/\W+/g, '-')}.CSV`);
    writeFileSync(file, report(footer));
    const db = join(tmp.dir, `${code}-${name.length}.db`);
    const r = runCli(['--db', db, '--json', 'import', 'psp', file]);
    expect(r.code, r.stderr).toBe(code);
    if (code === 0) {
      const doc = JSON.parse(r.stdout);
      expect(doc.files[0]).toMatchObject({ status: 'imported', format: 'paypal', rows: { total: 0, imported: 0, rejected: 0 } });
      // A re-run is a no-op like any other import.
      const again = runCli(['--db', db, '--json', 'import', 'psp', file]);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout).files[0].status).toBe('already_imported');
    }
  });
});
