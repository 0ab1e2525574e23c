/**
 * Who gets colour and who gets a progress bar: decided once, from the streams, the environment
 * and the flags. And a streamed JSON document: items taken only as the reader takes the text.
 */
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

describe('a streamed JSON document (emitJsonStream)', () => {
  const N = 5000;
  /** Items as a database cursor gives them: counted as they are taken, closed when dropped. */
  function cursor() {
    const state = { taken: 0, closed: false };
    function* items() {
      try {
        for (let i = 1; i <= N; i++) {
          state.taken++;
          yield { id: i, kind: 'missing_in_ledger', reason: `no ledger entry books txn_${i}`, psp: { id: `txn_${i}`, amount: '12.30' } };
        }
      } finally {
        state.closed = true;
      }
    }
    return { state, items: items() };
  }
  /** A pipe nobody reads yet: small buffers, as between two processes. */
  function pipe() {
    const stdout = new PassThrough({ highWaterMark: 16 * 1024 });
    const out = new Output({ json: true }, { stdout, stderr: new PassThrough(), env: {} });
    return { stdout, out };
  }
  /** Until the writer waits for the reader (a generous bound on event-loop turns, not a time). */
  async function untilFull(stdout: PassThrough) {
    for (let turn = 0; turn < 10_000 && !stdout.writableNeedDrain; turn++) await new Promise(setImmediate);
    expect(stdout.writableNeedDrain).toBe(true);
  }

  it('takes items only as the reader drains the text, and prints exactly JSON.stringify(doc, null, 2)', async () => {
    const { state, items } = cursor();
    const { stdout, out } = pipe();
    const printing = out.emitJsonStream({ run: 7, counts: { discrepancies: N } }, 'discrepancies', items);
    await untilFull(stdout);
    // The reader has taken nothing: the writer holds at most a chunk of items, not the run.
    expect(state.taken).toBeGreaterThan(0);
    expect(state.taken).toBeLessThan(N / 4);
    let text = '';
    stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
    await printing;
    expect(state.taken).toBe(N);
    const doc = JSON.parse(text);
    expect(doc.discrepancies).toHaveLength(N);
    expect(text).toBe(JSON.stringify(doc, null, 2) + '\n');
  });

  it('stops taking items and closes the cursor when the reader goes away (| head)', async () => {
    const { state, items } = cursor();
    const { stdout, out } = pipe();
    const printing = out.emitJsonStream({ run: 7 }, 'discrepancies', items);
    await untilFull(stdout);
    stdout.destroy();
    await printing;
    expect(state.closed).toBe(true);
    expect(state.taken).toBeLessThan(N / 4);
  });
});
