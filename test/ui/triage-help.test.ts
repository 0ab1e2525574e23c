import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { TRIAGE_KEYS } from '../../src/ui/triage-help.js';
import { ROOT } from '../helpers/cli.js';

it('docs/reports.md lists exactly the keys `?` shows, in the same order', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'reports.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## `payrecon tui`'));
  const table = section.slice(section.indexOf('| key | does |'));
  const rows = table
    .split('\n')
    .slice(2)
    .filter((_, i, all) => all.slice(0, i + 1).every((l) => l.startsWith('|')))
    .map((l) => l.replace(/^\|\s*|\s*\|$/g, '').split(/\s*\|\s*/))
    .map(([key, does]) => [key.replace(/^`|`$/g, ''), does]);
  expect(rows).toEqual(TRIAGE_KEYS.map(([k, w]) => [k, w]));
});
