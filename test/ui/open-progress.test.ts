/** When a progress bar may be drawn: a person at a terminal who did not ask for --quiet. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Output } from '../../src/output.js';
import { NO_PROGRESS, openProgress } from '../../src/ui/open-progress.js';

function output(opts: { quiet?: boolean; json?: boolean }, tty: boolean, env: NodeJS.ProcessEnv = {}) {
  const written: string[] = [];
  const stream = Object.assign(new PassThrough(), { isTTY: tty, columns: 100, rows: 30 });
  stream.on('data', (d) => written.push(String(d)));
  return { out: new Output(opts, { stdout: stream, stderr: stream, env }), written };
}

describe('openProgress', () => {
  it.each<[string, boolean, { quiet?: boolean; json?: boolean }, boolean, NodeJS.ProcessEnv]>([
    ['a terminal', true, {}, true, {}],
    ['a terminal with --quiet', false, { quiet: true }, true, {}],
    ['a terminal with --json', false, { json: true }, true, {}],
    ['a terminal in CI', false, {}, true, { CI: 'true' }],
    ['a pipe', false, {}, false, {}],
  ])('on %s: a bar is drawn: %s', async (_name, bar, opts, tty, env) => {
    const { out, written } = output(opts, tty, env);
    expect(out.showsProgress).toBe(bar);
    const p = await openProgress(out, { label: 'x', total: 10, unit: 'rows' });
    expect(p === NO_PROGRESS).toBe(!bar);
    p.update(5);
    p.finish();
    expect(written.length > 0).toBe(bar);
  });
});
