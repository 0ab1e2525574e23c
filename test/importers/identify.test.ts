/**
 * Identification is exclusive: each fixture is claimed by its own importer and by no other,
 * and files that are not settlement or ledger files are claimed by none, or fail with a
 * message that names the file and says what was expected.
 */
import { readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  identifyImporter,
  LEDGER_IMPORTERS,
  parseText,
  PSP_IMPORTERS,
  readHead,
} from '../../src/importers/index.js';
import type { FileHead } from '../../src/importers/types.js';
import { FIXTURES, ROOT } from '../helpers/cli.js';
import { providerFixtures } from '../helpers/importer-fixtures.js';

const HEAD_BYTES = 64 * 1024;

function headOf(path: string, delimiter?: string): FileHead {
  return readHead(readFileSync(path).subarray(0, HEAD_BYTES), basename(path), relative(ROOT, path), delimiter);
}

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError, but nothing was thrown');
}

describe('every fixture is identified as its own importer and by no other', () => {
  for (const f of providerFixtures()) {
    it(f.display, () => {
      // The import command reads the head with the delimiter of the importer it tries.
      const head = headOf(f.path, f.importer.delimiter);
      const commaHead = headOf(f.path);
      const others = [...PSP_IMPORTERS, ...LEDGER_IMPORTERS].filter((i) => i !== f.importer);
      expect(f.importer.identify(head)).toBe(true);
      expect(others.filter((i) => i.identify(commaHead) || i.identify(head)).map((i) => i.name)).toEqual([]);
      if (f.dir !== 'mapping') expect(identifyImporter(f.importer.side, head, f.display).name).toBe(f.importer.name);
    });
  }
});

describe('unrecognised and unusable files', () => {
  const path = (name: string) => join(FIXTURES, 'unrecognised', name);
  const display = (name: string) => `fixtures/unrecognised/${name}`;

  it('a random CSV is claimed by no importer; the message lists what each format expects', () => {
    const head = headOf(path('random.csv'));
    for (const side of ['psp', 'ledger'] as const) {
      const e = inputError(() => identifyImporter(side, head, display('random.csv')));
      expect(e.exitCode).toBe(17);
      expect(e.message).toContain('fixtures/unrecognised/random.csv:1');
      expect(e.message).toContain('name,email,city');
      for (const i of side === 'psp' ? PSP_IMPORTERS : LEDGER_IMPORTERS) expect(e.hint).toContain(i.expects);
    }
  });

  it('a ledger-like file without an amount column is no PSP file, and as a ledger fails naming the column', () => {
    const head = headOf(path('ledger-missing-column.csv'));
    expect(PSP_IMPORTERS.filter((i) => i.identify(head))).toEqual([]);
    const ledger = identifyImporter('ledger', head, display('ledger-missing-column.csv'));
    const text = readFileSync(path('ledger-missing-column.csv'), 'utf8');
    const e = inputError(() => parseText(ledger, text, { file: display('ledger-missing-column.csv'), source: 'ledger' }));
    expect(e.message).toMatch(/^fixtures\/unrecognised\/ledger-missing-column\.csv:1: .*missing the required column "amount"/);
  });

  it('a binary file is refused before identification', () => {
    const e = inputError(() => headOf(path('binary.csv')));
    expect(e.message).toMatch(/^fixtures\/unrecognised\/binary\.csv:1: binary content \(a NUL byte at offset \d+\); expected a UTF-8 CSV/);
  });

  it('an empty file is refused', () => {
    const e = inputError(() => headOf(path('empty.csv')));
    expect(e.message).toBe('fixtures/unrecognised/empty.csv: the file is empty; expected a UTF-8 CSV file with a header line');
  });

  it('a file in another encoding (Latin-1) is refused as not UTF-8', () => {
    const e = inputError(() => headOf(path('latin1.csv')));
    expect(e.message).toMatch(/^fixtures\/unrecognised\/latin1\.csv: the file is not valid UTF-8 text; expected a UTF-8 CSV/);
  });

  it('a header-only Stripe file is identified, then fails: no rows', () => {
    const head = headOf(path('header-only.csv'));
    const imp = identifyImporter('psp', head, display('header-only.csv'));
    expect(imp.name).toBe('stripe');
    const e = inputError(() =>
      parseText(imp, readFileSync(path('header-only.csv'), 'utf8'), { file: display('header-only.csv'), source: 'stripe' }),
    );
    expect(e.message).toBe(
      'fixtures/unrecognised/header-only.csv:1: the file has a header but no rows; expected at least one Stripe row after the header',
    );
  });

  it('a file that two importers claim names both', () => {
    const head: FileHead = { firstRecord: ['balance_transaction_id', 'currency', 'Merchant Account', 'Type', 'Net Currency'], fileName: 'x.csv' };
    const e = inputError(() => identifyImporter('psp', head, 'x.csv'));
    expect(e.message).toBe('x.csv:1: the file looks like stripe and adyen at once; pass --format to say which it is');
  });

  it('PayPal is identified by its RH record even with a BOM and quotes', () => {
    const head = readHead(Buffer.from('\uFEFF"RH",2025/03/04 03:10:22 -0800,"A","M",009\r\n'), 'STL-20250304.01.009.CSV', 'x');
    expect(identifyImporter('psp', head, 'x').name).toBe('paypal');
  });
});
