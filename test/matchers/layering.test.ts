/** The lines the architecture draws (STYLE.md): matchers are pure, the store does not know them. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);

test('matchers import only the domain, each other and decimal.js: no db, fs, clock or terminal', () => {
  const dir = join(ROOT, 'src', 'matchers');
  for (const f of readdirSync(dir)) {
    for (const spec of importsOf(join(dir, f))) {
      expect(spec, `${f} imports ${spec}`).toMatch(/^(\.\/[\w-]+\.js|\.\.\/domain\/[\w-]+\.js|decimal\.js)$/);
    }
  }
  const sources = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  expect(sources).not.toMatch(/new Date\(\)|Date\.now\(\)|process\./);
});

test('the reconcile store modules know the domain, not the matchers or the engine', () => {
  for (const f of ['reconcile-store.ts', 'discrepancies.ts']) {
    for (const spec of importsOf(join(ROOT, 'src', 'db', f))) {
      expect(spec, `${f} imports ${spec}`).not.toMatch(/matchers|reconcile\/|commands|report|ui/);
    }
  }
});
