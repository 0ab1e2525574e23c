/** The scan/baseline progress bar: drawn (through openProgress) only for a person at a terminal. */
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildSpec } from '../../src/checksums/profiles.js';
import { captureWithProgress } from '../../src/operations/scan.js';
import { createContext } from '../../src/context.js';
import { integrityEnv, type IntegrityEnv } from '../helpers/integrity-env.js';

// A person at a terminal has no CI variable; under CI ink paints only the last frame, which the
// bar erases on finish. ink reads CI once, when it is first (lazily) loaded: set it before that.
const ci = process.env.CI;
beforeAll(() => {
  process.env.CI = 'false';
});
afterAll(() => {
  if (ci === undefined) delete process.env.CI;
  else process.env.CI = ci;
});

let t: IntegrityEnv;
beforeEach(() => (t = integrityEnv()));
afterEach(() => t.cleanup());

function capture(tty: boolean, global: { quiet?: boolean } = {}) {
  const written: string[] = [];
  const stream = Object.assign(new PassThrough(), { isTTY: tty, columns: 100, rows: 30 });
  stream.on('data', (d) => written.push(String(d)));
  const env = { PAYRECON_HASH_WORKERS: '0' };
  const ctx = createContext({ global: { db: t.db, ...global }, env, cwd: t.dir, stdout: stream, stderr: stream });
  return { run: () => captureWithProgress(ctx, buildSpec({ path: [t.tree] }, env, t.dir), 'scan conf'), written };
}

describe('captureWithProgress', () => {
  it('at a terminal: a bar with the label and the file count, and the files are all captured', async () => {
    const { run, written } = capture(true);
    const state = await run();
    expect(state.records.map((r) => r.path.slice(t.tree.length))).toEqual(['', '/a.conf', '/b.conf', '/sub', '/sub/c.conf']);
    const text = written.join('');
    expect(text).toContain('scan conf');
    expect(text).toMatch(/\b\d\/5\b/); // the total counted by the walk (redraws are throttled)
  });

  it.each([
    ['a pipe', false, {}],
    ['a terminal with --quiet', true, { quiet: true }],
  ])('on %s: nothing is drawn', async (_name, tty, global) => {
    const { run, written } = capture(tty, global);
    expect((await run()).records).toHaveLength(5);
    expect(written.join('')).toBe('');
  });
});
