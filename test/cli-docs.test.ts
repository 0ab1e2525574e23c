/**
 * Issue 19, item 11: README documents every option of every command, and its table of the
 * defaults `--help` shows is the command table's (src/cli.ts), both ways.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { expect, it } from 'vitest';
import { buildProgram } from '../src/cli.js';
import { ROOT } from './helpers/cli.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const program = buildProgram({ env: {}, signal: new AbortController().signal, stdout: process.stdout, stderr: process.stderr, setResult() {} });

function* options(c: Command, path = ''): Generator<{ command: string; long: string; default: unknown }> {
  for (const o of c.options) if (o.long) yield { command: path, long: o.long, default: o.defaultValue };
  for (const s of c.commands) yield* options(s, `${path} ${s.name()}`.trim());
}

it('every option of every command is in the README', () => {
  const missing = [...options(program)].filter((o) => !['--version', '--help'].includes(o.long) && !README.includes(o.long)).map((o) => `${o.command} ${o.long}`);
  expect(missing).toEqual([]);
});

it("the README's defaults table is what --help shows", () => {
  const fromCli = [...options(program)].filter((o) => o.default !== undefined).map((o) => `${o.command} ${o.long} = ${String(o.default)}`).sort();
  const table = README.slice(README.indexOf('| option | default |'));
  const fromReadme = [...table.slice(0, table.indexOf('\n\n')).matchAll(/^\| `([^`]+)` \| `([^`]+)` \|$/gm)].map((m) => `${m[1]} = ${m[2]}`).sort();
  expect(fromReadme).toEqual(fromCli);
});

it('--date-window is described as the symmetric window it is', () => {
  const option = program.commands.find((c) => c.name() === 'reconcile')!.options.find((o) => o.long === '--date-window')!;
  expect(option.description).toMatch(/either way/);
  expect(option.description).not.toMatch(/lag/);
});
