/**
 * Issue 19, item 11: a paragraph inside a table broke docs/integrity.md's key-file rules. Every
 * table in README.md and docs/*.md is whole: a header, a separator, then rows of as many cells
 * as the header, with no row stranded after the table ended.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';
import { docFiles } from './helpers/doc-examples.js';

/** Cells of a table row: split on `|` not escaped as `\|`. */
function cells(line: string): number {
  return line.trim().replace(/\\\|/g, '').replace(/^\||\|$/g, '').split('|').length;
}

it.each(docFiles(ROOT))('%s: every table is whole', (file) => {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const problems: string[] = [];
  let inFence = false;
  let width = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*```/.test(line)) inFence = !inFence;
    if (inFence || !line.startsWith('|')) {
      width = 0;
      continue;
    }
    if (width === 0) {
      // A table starts here: this must be its header, the next line its separator.
      if (!/^\|(\s*:?-+:?\s*\|)+\s*$/.test(lines[i + 1] ?? '')) problems.push(`${file}:${i + 1}: a table row outside a table (no header and separator above it)`);
      width = cells(line);
      continue;
    }
    if (cells(line) !== width) problems.push(`${file}:${i + 1}: ${cells(line)} cells, the header has ${width}`);
  }
  expect(problems).toEqual([]);
});
