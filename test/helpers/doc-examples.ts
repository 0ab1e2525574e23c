/**
 * The documentation's runnable examples (issue 19): fenced blocks whose info string carries
 * `runnable` (```` ```sh runnable ````) in README.md and docs/*.md. Each line is one command
 * (a trailing `\` continues it); `# exit N` in its comment is the exit code it must give
 * (default 0). A ```` ```text output ```` block after it is what the block prints (stdout and
 * stderr together): a line `...` stands for any number of lines, `...` inside a line for any
 * text, and the shown lines must appear in order, contiguously. `<!-- setup: <command> -->`
 * runs a command the reader is not shown (e.g. the import a report example needs).
 * Blocks of one file run in order in one directory, as a reader following the page would.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DocStep {
  command: string;
  /** The exit code the doc promises. */
  exit: number;
  /** 1-based line in the doc, for failure messages. */
  line: number;
  hidden: boolean;
}

export interface DocExample {
  file: string;
  line: number;
  steps: DocStep[];
  /** The output the doc shows for the block, if it shows one. */
  output?: string;
  outputLine?: number;
}

const FENCE = /^(\s*)(`{3,})(.*)$/;
const CLOSE = /^\s*`{3,}\s*$/;
const SETUP = /^\s*<!--\s*setup:\s*(.*?)\s*-->\s*$/;
const EXIT = /\s#.*?\bexit (\d+)\b/;

export function docFiles(root: string): string[] {
  return ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
}

function toStep(command: string, line: number, hidden: boolean): DocStep {
  const m = EXIT.exec(command);
  return { command, exit: m ? Number(m[1]) : 0, line, hidden };
}

/** Every runnable block of one Markdown text, with the output block that follows it. */
export function extractExamples(file: string, text: string): DocExample[] {
  const lines = text.split('\n');
  const examples: DocExample[] = [];
  let pending: DocStep[] = [];
  for (let i = 0; i < lines.length; i++) {
    const setup = SETUP.exec(lines[i]);
    if (setup) {
      pending.push(toStep(setup[1], i + 1, true));
      continue;
    }
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, , info] = open;
    const body: string[] = [];
    const start = i;
    for (i++; i < lines.length && !CLOSE.test(lines[i]); i++) {
      body.push(lines[i].startsWith(indent) ? lines[i].slice(indent.length) : lines[i]);
    }
    const words = info.trim().split(/\s+/);
    if (words.includes('runnable')) {
      const steps = [...pending];
      pending = [];
      for (let k = 0; k < body.length; k++) {
        let command = body[k];
        const at = start + 2 + k;
        while (command.endsWith('\\') && k + 1 < body.length) command = command.slice(0, -1) + ' ' + body[++k].trim();
        if (!command.trim() || command.trim().startsWith('#')) continue;
        steps.push(toStep(command, at, false));
      }
      examples.push({ file, line: start + 1, steps });
    } else if (words.includes('output') && examples.length) {
      const last = examples[examples.length - 1];
      last.output = body.join('\n');
      last.outputLine = start + 1;
    }
  }
  return examples;
}

/** Does `actual` show what the doc says it shows? (see the file comment for `...`) */
export function outputMatches(expected: string, actual: string): boolean {
  const norm = (s: string) => s.split('\n').map((l) => l.trimEnd());
  const want = norm(expected.replace(/\n+$/, ''));
  const pattern = want
    .map((l) => (l.trim() === '...' ? '(?:[^\\n]*\\n)*?' : l.split('...').map(escape).join('[^\\n]*?') + '\\n'))
    .join('');
  return new RegExp(`(?:^|\\n)${pattern}`).test(norm(actual).join('\n') + '\n');
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function readExamples(root: string): DocExample[] {
  return docFiles(root).flatMap((f) => extractExamples(f, readFileSync(join(root, f), 'utf8')));
}
