/** Matchers are pure (STYLE.md): they import only the domain, each other and decimal.js; no db, fs, clock or terminal. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { importsOf } from '../helpers/layers.js';

test('matchers import only the domain, each other and decimal.js: no db, fs, clock or terminal', () => {
  const dir = join(ROOT, 'src', 'matchers');
  for (const f of readdirSync(dir)) {
    for (const spec of importsOf(readFileSync(join(dir, f), 'utf8'), f)) {
      expect(spec, `${f} imports ${spec}`).toMatch(/^(\.\/[\w-]+\.js|\.\.\/domain\/[\w-]+\.js|decimal\.js)$/);
    }
  }
  const sources = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  expect(sources).not.toMatch(/new Date\(\)|Date\.now\(\)|process\./);
});
