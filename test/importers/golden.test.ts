/**
 * Golden files: every fixtures/<provider>/<name>.csv is parsed and compared with
 * <name>.expected.json (transactions with bigints as strings, and rejects). Run with
 * UPDATE_GOLDEN=1 to rewrite the expectations, then review the diff by hand.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseText } from '../../src/importers/index.js';
import type { ParseItem } from '../../src/importers/types.js';
import { providerFixtures } from '../helpers/importer-fixtures.js';

const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** One item per line: reviewable in a diff, stable across runs. */
function serialise(header: string[] | null, items: ParseItem[]): string {
  const plain = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  return `{\n  "header": ${plain(header)},\n  "items": [\n${items.map((i) => `    ${plain(i)}`).join(',\n')}\n  ]\n}\n`;
}

describe('golden files', () => {
  const fixtures = providerFixtures();

  it('finds fixtures for every provider', () => {
    expect(new Set(fixtures.map((f) => f.dir))).toEqual(new Set(['stripe', 'adyen', 'paypal', 'checkout', 'ledger', 'mapping']));
  });

  for (const f of fixtures) {
    it(`${f.display} matches ${f.expected.split('/').pop()}`, () => {
      const { header, items } = parseText(f.importer, readFileSync(f.path, 'utf8'), { file: f.display, source: f.importer.name });
      const actual = serialise(header, items);
      if (UPDATE) writeFileSync(f.expected, actual);
      expect(existsSync(f.expected), `missing ${f.expected}; run with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(JSON.parse(actual)).toEqual(JSON.parse(readFileSync(f.expected, 'utf8')));
    });
  }
});
