/** Who gets colour and who gets a progress bar: decided once, from the streams, the environment and the flags. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Output, type OutputOptions } from '../src/output.js';

type Tty = { isTTY?: boolean; columns?: number; rows?: number };
const stream = (t: Tty) => Object.assign(new PassThrough(), t);
const TERMINAL: Tty = { isTTY: true, columns: 120, rows: 40 };
const SIZELESS: Tty = { isTTY: true, columns: 0, rows: 0 };
const PIPE: Tty = { isTTY: false };

function output(opts: OutputOptions, tty: Tty, env: NodeJS.ProcessEnv = {}) {
  return new Output(opts, { stdout: stream(tty), stderr: stream(tty), env });
}

describe('colour', () => {
  it.each<[string, OutputOptions, Tty, NodeJS.ProcessEnv, boolean]>([
    ['a terminal', {}, TERMINAL, {}, true],
    ['a pipe', {}, PIPE, {}, false],
    ['NO_COLOR', {}, TERMINAL, { NO_COLOR: '1' }, false],
    ['NO_COLOR empty is unset', {}, TERMINAL, { NO_COLOR: '' }, true],
    ['TERM=dumb', {}, TERMINAL, { TERM: 'dumb' }, false],
    ['FORCE_COLOR into a pipe', {}, PIPE, { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR=0', {}, TERMINAL, { FORCE_COLOR: '0' }, true],
    ['FORCE_COLOR beats NO_COLOR', {}, PIPE, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
    ['--color always into a pipe', { color: 'always' }, PIPE, {}, true],
    ['--color never at a terminal', { color: 'never' }, TERMINAL, {}, false],
    ['--color never beats FORCE_COLOR', { color: 'never' }, TERMINAL, { FORCE_COLOR: '1' }, false],
    ['--no-color', { color: false }, TERMINAL, {}, false],
    ['--color auto is the default', { color: 'auto' }, TERMINAL, {}, true],
    ['--json never', { json: true, color: 'always' }, TERMINAL, {}, false],
  ])('%s: %s', (_name, opts, tty, env, colour) => {
    expect(output(opts, tty, env).color).toBe(colour);
  });
});

describe('progress bars', () => {
  it.each<[string, OutputOptions, Tty, NodeJS.ProcessEnv, boolean]>([
    ['a terminal with a size', {}, TERMINAL, {}, true],
    ['a terminal without a size (script, docker run -t)', {}, SIZELESS, {}, false],
    ['a terminal that reports columns only', {}, { isTTY: true, columns: 80 }, {}, false],
    ['TERM=dumb', {}, TERMINAL, { TERM: 'dumb' }, false],
    ['CI', {}, TERMINAL, { CI: 'true' }, false],
    ['--quiet', { quiet: true }, TERMINAL, {}, false],
    ['a pipe', {}, PIPE, {}, false],
  ])('%s: %s', (_name, opts, tty, env, bar) => {
    expect(output(opts, tty, env).showsProgress).toBe(bar);
  });
});
