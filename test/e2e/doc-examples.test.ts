/**
 * Issue 19: documentation that cannot lie. Every block marked runnable in README.md and
 * docs/*.md runs here, against a copy of fixtures/ with bin/payrecon on PATH and a fresh HOME,
 * and must give the exit codes and output the doc shows (test/helpers/doc-examples.ts).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cliEnv, FIXTURES, ROOT, tempDir } from '../helpers/cli.js';
import { extractExamples, outputMatches, readExamples, type DocExample } from '../helpers/doc-examples.js';

const examples = readExamples(ROOT);
const byFile = new Map<string, DocExample[]>();
for (const e of examples) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);

it('the docs keep their runnable examples (removing the marker is a change to the doc, not a way round it)', () => {
  expect(examples.length).toBeGreaterThanOrEqual(MIN_EXAMPLES);
  for (const e of examples) expect(e.steps.length, `${e.file}:${e.line}`).toBeGreaterThan(0);
});

/** Marks the end of a command's output in the shell transcript. */
const MARK = '\x1edoc-example-exit ';

/** Raise when marking more examples; never lower to make a failure go away. */
const MIN_EXAMPLES = 7;

for (const [file, list] of byFile) {
  describe(file, () => {
    const tmp = tempDir('payrecon-doc-');
    afterAll(() => tmp.cleanup());
    const bin = join(tmp.dir, '.bin');
    const home = join(tmp.dir, '.home');
    const work = join(tmp.dir, 'work');
    mkdirSync(bin);
    mkdirSync(home);
    mkdirSync(work);
    cpSync(FIXTURES, join(work, 'fixtures'), { recursive: true });
    symlinkSync(BIN, join(bin, 'payrecon'));
    const env = cliEnv({ HOME: home, PATH: `${bin}:${dirname(process.execPath)}:${process.env.PATH ?? ''}` });

    for (const ex of list) {
      it(`${file}:${ex.line}`, () => {
        // One shell per block, as a reader would paste it (an `export` holds for the lines
        // after it); after each command a marker carries its exit code.
        const script = ex.steps.map((s, i) => `${s.command}\nprintf '\\n${MARK}%d %d\\n' ${i} $?`).join('\n');
        const r = spawnSync('bash', ['-c', `exec 2>&1\n${script}`], { cwd: work, env, encoding: 'utf8', maxBuffer: 64 << 20 });
        const parts = (r.stdout ?? '').split(new RegExp(`\\n?${MARK}(\\d+) (\\d+)\\n`));
        let printed = '';
        for (let i = 0; i < ex.steps.length; i++) {
          const step = ex.steps[i];
          const out = parts[3 * i] ?? '';
          expect(parts[3 * i + 1], `${file}:${step.line}: \`${step.command}\` did not finish (the shell stopped); output:\n${r.stdout}`).toBe(String(i));
          if (!step.hidden && out.trim()) printed += out.replace(/\n+$/, '') + '\n';
          expect(Number(parts[3 * i + 2]), `${file}:${step.line}: \`${step.command}\` should exit ${step.exit}; it printed:\n${out}`).toBe(step.exit);
        }
        if (ex.output !== undefined) {
          expect(outputMatches(ex.output, printed), `${file}:${ex.outputLine}: the output shown differs from what the commands print:\n${printed}`).toBe(true);
        }
      });
    }
  });
}

describe('the harness notices drift', () => {
  const shown = 'run 1: 3 rows\n  ...\ntotal: ... open\n';
  it.each([
    ['the same output', 'noise\nrun 1: 3 rows\n  a\n  b\ntotal: 2 open\n', true],
    ['a changed line', 'run 1: 4 rows\n  a\ntotal: 2 open\n', false],
    ['lines out of order', 'total: 2 open\nrun 1: 3 rows\n', false],
    ['a line gone', 'run 1: 3 rows\n  a\n', false],
  ])('%s', (_what, actual, ok) => {
    expect(outputMatches(shown, actual)).toBe(ok);
  });

  it('reads commands, exit codes, continuations, hidden setup and the output block', () => {
    const doc = [
      '<!-- setup: touch a.csv -->',
      '```sh runnable',
      '# a comment',
      'payrecon import psp a.csv   # exit 17',
      'payrecon reconcile \\',
      '  --date-window 3',
      '```',
      '```text output',
      'x',
      '```',
      '```sh',
      'not run',
      '```',
    ].join('\n');
    const [ex, ...rest] = extractExamples('d.md', doc);
    expect(rest).toEqual([]);
    expect(ex.steps.map((s) => [s.command, s.exit, s.hidden])).toEqual([
      ['touch a.csv', 0, true],
      ['payrecon import psp a.csv   # exit 17', 17, false],
      ['payrecon reconcile  --date-window 3', 0, false],
    ]);
    expect(ex.output).toBe('x');
  });
});
