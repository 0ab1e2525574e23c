/**
 * The real-world corpus (issue 9): settlement files of all four providers from a public
 * fundraising payments codebase, kept outside this repository at ../shared/real-samples (CI
 * has it at the same place; its SOURCE.txt files name origin and licence). Every file is read
 * as `import psp --format auto` would read it, and the outcome is pinned per file in
 * test/importers/real-samples/<provider>/<file>.expected.json: the normalised rows (amounts
 * as decimals in their currency, to be read against the file), the rejected rows, or the
 * refusal. The expectations were checked by hand against the files; UPDATE_GOLDEN=1 rewrites
 * them, and the diff must be reviewed the same way.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMinor } from '../../src/domain/money.js';
import { InputError } from '../../src/errors.js';
import { identifyImporter, readHead, readRecordsSync } from '../../src/importers/index.js';
import type { ParseItem } from '../../src/importers/types.js';
import { ROOT } from '../helpers/cli.js';

export const CORPUS = join(ROOT, '..', 'shared', 'real-samples');
const GOLDEN = join(ROOT, 'test', 'importers', 'real-samples');
const PROVIDERS = ['adyen', 'checkout', 'paypal', 'stripe'];
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** Every CSV of the corpus, as `<provider>/<file>`. */
export function corpusFiles(): string[] {
  return PROVIDERS.flatMap((p) =>
    readdirSync(join(CORPUS, p))
      .filter((n) => n.endsWith('.csv'))
      .sort()
      .map((n) => `${p}/${n}`),
  );
}

function row(item: ParseItem): unknown {
  if ('reject' in item) return { line: item.reject.line, rejected: item.reject.reason, column: item.reject.column ?? null };
  const t = item.tx;
  const settle = t.settlementCurrency ?? t.currency;
  return {
    line: t.line,
    type: t.type,
    amount: `${formatMinor(t.amountMinor, t.currency)} ${t.currency}`,
    fee: t.feeMinor === null ? null : `${formatMinor(t.feeMinor, settle)} ${settle}`,
    net: t.netMinor === null ? null : `${formatMinor(t.netMinor, settle)} ${settle}`,
    id: t.externalId,
    aliases: t.aliases,
    reference: t.reference,
    payout: t.payoutId,
    time: t.bookedAt,
  };
}

/** What `import psp` does with the file, short of the database: rows, rejects, or a refusal. */
export function readCorpusFile(rel: string): { format: string; rows: unknown[]; refused: string | null } {
  const path = join(CORPUS, rel);
  const bytes = readFileSync(path);
  const head = readHead(bytes, rel, rel);
  const importer = identifyImporter('psp', head, rel);
  const parser = importer.open({ file: rel, source: importer.name });
  const rows: unknown[] = [];
  let refused: string | null = null;
  try {
    for (const r of readRecordsSync(bytes.toString('utf8'), rel, importer.delimiter)) for (const i of parser.record(r.fields, r.line)) rows.push(row(i));
    for (const i of parser.end()) rows.push(row(i));
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    refused = e.message;
  }
  return { format: importer.name, rows, refused };
}

describe('the real-world corpus (../shared/real-samples)', () => {
  it('is present: the tests below read it directly', () => {
    expect(existsSync(CORPUS), `${CORPUS} is missing; it holds the real provider files issue 9 is about`).toBe(true);
    expect(corpusFiles().length).toBeGreaterThanOrEqual(37);
  });

  for (const rel of existsSync(CORPUS) ? corpusFiles() : []) {
    it(`${rel} reads as pinned`, () => {
      const actual = readCorpusFile(rel);
      const expected = join(GOLDEN, rel.replace(/\.csv$/, '.expected.json'));
      // One row per line: reviewable against the file and in a diff.
      const rows = actual.rows.map((r) => `    ${JSON.stringify(r)}`).join(',\n');
      const text = `{\n  "format": ${JSON.stringify(actual.format)},\n  "refused": ${JSON.stringify(actual.refused)},\n  "rows": [\n${rows}\n  ]\n}\n`;
      if (UPDATE) {
        mkdirSync(join(expected, '..'), { recursive: true });
        writeFileSync(expected, text);
      }
      expect(existsSync(expected), `missing ${expected}; run with UPDATE_GOLDEN=1 and check it against the file by hand`).toBe(true);
      expect(actual).toEqual(JSON.parse(readFileSync(expected, 'utf8')));
    });
  }
});
