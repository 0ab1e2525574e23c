import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Output } from '../../src/output.js';
import { createEventLog } from '../../src/schedule/log.js';

function capture(tty: boolean, opts: { quiet?: boolean; json?: boolean } = {}) {
  const written = { stdout: '', stderr: '' };
  const stream = (name: 'stdout' | 'stderr') =>
    Object.assign(new Writable({ write: (c, _e, cb) => ((written[name] += c.toString()), cb()) }), { isTTY: tty });
  const out = new Output({ ...opts, color: false }, { stdout: stream('stdout'), stderr: stream('stderr'), env: {} });
  const log = createEventLog(out, () => new Date('2026-11-22T01:02:03.000Z'));
  return { written, log };
}

describe('the scheduler log', () => {
  it('not a terminal: one JSON object per line on stderr, nothing on stdout', () => {
    const { written, log } = capture(false);
    log.event('run', { job: 'keys', exit_code: 4, counts: { files: 2 } }, 'warn');
    log.event('skipped', { job: 'keys', reason: 'the previous run is still in progress' });
    expect(written.stdout).toBe('');
    const lines = written.stderr.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { ts: '2026-11-22T01:02:03.000Z', level: 'warn', event: 'run', job: 'keys', exit_code: 4, counts: { files: 2 } },
      { ts: '2026-11-22T01:02:03.000Z', level: 'info', event: 'skipped', job: 'keys', reason: 'the previous run is still in progress' },
    ]);
  });

  it('at a terminal: a short readable line', () => {
    const { written, log } = capture(true);
    log.event('scheduled', { job: 'keys', next_run: '2026-11-22T01:15:00.000Z' });
    expect(written.stderr).toBe('01:02:03 scheduled job=keys next_run=2026-11-22T01:15:00.000Z\n');
  });

  it('--quiet keeps only errors; --json keeps stdout empty for the final document', () => {
    const quiet = capture(false, { quiet: true });
    quiet.log.event('run', { job: 'a' });
    quiet.log.event('run', { job: 'b', error: 'boom' }, 'error');
    expect(quiet.written.stderr.trimEnd().split('\n').map((l) => JSON.parse(l).job)).toEqual(['b']);
    const json = capture(true, { json: true });
    json.log.event('run', { job: 'a' });
    expect(json.written.stdout).toBe('');
    expect(JSON.parse(json.written.stderr)).toMatchObject({ event: 'run', job: 'a' });
  });
});
