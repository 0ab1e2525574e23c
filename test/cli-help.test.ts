/**
 * Issue 17 item 10, the parts that are pure: every command of the table has its examples and
 * exit codes, the did-you-mean picks the typo's topic, and docs/payrecon.1 is `payrecon man`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli.js';
import { allCommands, closest, commandPath, HELP_TABLE, helpFooter, helpTopics } from '../src/cli-help.js';
import { manPage } from '../src/cli-man.js';
import { ROOT } from './helpers/cli.js';

const program = buildProgram({ env: {}, signal: new AbortController().signal, stdout: process.stdout, stderr: process.stderr, setResult() {} });
const commands = [...allCommands(program)];

describe('the help table covers the command table', () => {
  it('every command has a row with at least one example that runs that command', () => {
    const missing = commands.map(commandPath).filter((p) => !HELP_TABLE[p]?.examples.some((e) => e.startsWith(`payrecon ${p}`.trim()) || (p === '' && e.startsWith('payrecon '))));
    expect(missing).toEqual([]);
  });
  it('no row names a command that does not exist', () => {
    const paths = new Set(commands.map(commandPath));
    expect(Object.keys(HELP_TABLE).filter((p) => !paths.has(p))).toEqual([]);
  });
  it('reconcile and scan list their finding bits; every command its failures', () => {
    const footer = (path: string) => helpFooter(commands.find((c) => commandPath(c) === path)!);
    expect(footer('reconcile')).toMatch(/^ {2}2 +items only on the ledger side.*missing_in_psp/m);
    expect(footer('scan')).toMatch(/^ {2}2 +files removed: removed/m);
    expect(footer('import psp')).toMatch(/^ {2}8 +rows rejected/m);
    expect(footer('discrepancies')).not.toMatch(/^ {2}1 /m);
    for (const c of commands) expect(footer(commandPath(c))).toMatch(/^ {2}16 +usage error/m);
  });
});

describe('did you mean', () => {
  it.each([
    ['discrepencies', 'discrepancies'],
    ['recon', 'reconcile'],
    ['exitcodes', 'exit-codes'],
    ['baseline updte', 'baseline update'],
    ['sacn', 'scan'],
    ['zzzzzzzz', undefined],
  ])('%s -> %s', (typo, want) => {
    expect(closest(typo, helpTopics(program))).toBe(want);
  });
});

it('docs/payrecon.1 is what `payrecon man` prints (regenerate: node bin/payrecon man > docs/payrecon.1)', () => {
  expect(readFileSync(join(ROOT, 'docs/payrecon.1'), 'utf8')).toBe(manPage(program));
});
