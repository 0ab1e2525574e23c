/**
 * The architecture as a test (docs/architecture.md): every import of src/ points to its own
 * floor or lower, nothing but cli.ts reaches commands/, and there is no import cycle. The
 * checker is itself tested on planted violations, so a broken checker cannot pass silently.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';
import { checkLayers, importsOf } from './helpers/layers.js';

function sourcesOf(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name)) out.set(relative(dir, p).replace(/\\/g, '/'), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

describe('src/ keeps its layers', () => {
  it('no upward import, no forbidden import, no cycle, every file on a floor', () => {
    const violations = checkLayers(sourcesOf(join(ROOT, 'src')));
    expect(violations.map((v) => v.message)).toEqual([]);
  });

  it('the scheduler and the screens import nothing from commands/', () => {
    const src = sourcesOf(join(ROOT, 'src'));
    for (const [file, text] of src) {
      if (!file.startsWith('schedule/') && !file.startsWith('ui/')) continue;
      expect(importsOf(text, file).filter((s) => s.includes('commands/')), file).toEqual([]);
    }
  });
});

describe('the checker', () => {
  const base = new Map([
    ['domain/money.ts', "export const x = 1;"],
    ['db/open.ts', "import { x } from '../domain/money.js';\nexport const y = x;"],
  ]);

  it('reads multi-line, type-only, re-exported and dynamically imported modules', () => {
    const text = [
      'import {',
      '  a,',
      '  b,',
      "} from './a.js';",
      "import type { T } from './t.js';",
      "export { c } from './c.js';",
      "export * from './d.js';",
      "const m = await import('./e.js');",
      "const s = `import x from './not-an-import.js'`;",
    ].join('\n');
    expect(importsOf(text, 'x.ts')).toEqual(['./a.js', './t.js', './c.js', './d.js', './e.js']);
  });

  it('passes a clean tree', () => {
    expect(checkLayers(base)).toEqual([]);
  });

  it('fails on a planted upward import, naming it', () => {
    const tree = new Map(base).set('domain/money.ts', "import { y } from '../db/open.js';\nexport const x = 1;");
    const messages = checkLayers(tree).map((v) => v.message);
    expect(messages).toContainEqual(expect.stringMatching(/^domain\/money\.ts imports \.\.\/db\/open\.js .*floor 0 may not import floor 2/));
  });

  it('fails on a planted cycle on one floor, naming its files', () => {
    const tree = new Map(base)
      .set('db/a.ts', "import type { B } from './b.js';\nexport type A = B;")
      .set('db/b.ts', "import {\n  type A,\n} from './a.js';\nexport type B = A;");
    expect(checkLayers(tree).map((v) => v.message)).toEqual(['import cycle: db/a.ts -> db/b.ts -> db/a.ts']);
  });

  it('fails when the scheduler imports a command', () => {
    const tree = new Map(base)
      .set('commands/scan.ts', 'export const run = 1;')
      .set('schedule/jobs.ts', "const { run } = await import('../commands/scan.js');");
    expect(checkLayers(tree).map((v) => v.message)).toContainEqual(expect.stringMatching(/schedule\/jobs\.ts imports .*only cli\.ts reaches commands/));
  });
});
