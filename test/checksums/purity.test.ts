/** The comparison side of src/checksums is pure: no file system, no database, no clock. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const PURE = ['attributes', 'attribute-groups', 'compare', 'path-order', 'policy', 'sensitive', 'signing', 'verify', 'render', 'work-queue', 'xattr-decode'];
const FORBIDDEN = [/from 'node:fs'/, /from '\.\.\/db\//, /better-sqlite3/, /Date\.now\(/, /new Date\(\)/, /process\.env/, /from '\.\.\/ui\//];

describe('pure checksum modules', () => {
  it.each(PURE)('%s.ts touches no fs, db, clock, environment or terminal', (name) => {
    const source = readFileSync(join(ROOT, 'src', 'checksums', `${name}.ts`), 'utf8');
    for (const pattern of FORBIDDEN) expect(source, `${name}.ts matches ${pattern}`).not.toMatch(pattern);
  });
});
