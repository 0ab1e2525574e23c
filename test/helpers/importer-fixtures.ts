/** Where the importer fixtures live and which importer reads each directory. */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FIXTURES, ROOT } from './cli.js';
import { importerByName, LEDGER_IMPORTERS, loadMappingImporter } from '../../src/importers/index.js';
import type { Importer } from '../../src/importers/types.js';

export const PROVIDER_DIRS = ['stripe', 'adyen', 'paypal', 'checkout', 'ledger', 'mapping'] as const;

export interface Fixture {
  dir: (typeof PROVIDER_DIRS)[number];
  /** Absolute path of the CSV. */
  path: string;
  /** Path relative to the repository, as messages show it. */
  display: string;
  /** `<name>.expected.json` beside it. */
  expected: string;
  importer: Importer;
}

/** Every `fixtures/<provider>/<name>.csv|.CSV` with the importer that owns it. */
export function providerFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const dir of PROVIDER_DIRS) {
    for (const name of readdirSync(join(FIXTURES, dir)).sort()) {
      if (!/\.csv$/i.test(name)) continue;
      const path = join(FIXTURES, dir, name);
      const stem = name.replace(/\.csv$/i, '');
      const importer =
        dir === 'ledger'
          ? LEDGER_IMPORTERS[0]
          : dir === 'mapping'
            ? loadMappingImporter(join(FIXTURES, dir, `${stem}.mapping.json`))
            : importerByName(dir)!;
      out.push({ dir, path, display: relative(ROOT, path), expected: join(FIXTURES, dir, `${stem}.expected.json`), importer });
    }
  }
  return out;
}
