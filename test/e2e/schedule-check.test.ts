/**
 * Issue 19, items 2 and 10: `schedule --check` lists every problem of a config at once, from
 * every stage (schema, cron/time zone/URL/names, secrets, sink directories, commands, key file,
 * globs, baselines), and a JSON syntax error always says line and column.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyDatabase, runCli, tempDir } from '../helpers/cli.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function dir() {
  const t = tempDir('payrecon-check-');
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('schedule --check', () => {
  it('one run lists the problems of every stage', () => {
    const d = dir();
    const key = join(d, 'hmac.key');
    writeFileSync(key, 'k'.repeat(32));
    chmodSync(key, 0o644);
    const config = {
      keyFile: key,
      alerts: [
        { type: 'webhook', url: 'ftp://hooks.example.com/x', secretEnv: 'PAYRECON_TEST_UNSET_SECRET' },
        { type: 'file', path: join(d, 'no-such-dir/alerts.jsonl') },
        { type: 'command', run: [join(d, 'no-such-program')] },
      ],
      jobs: [
        { name: 'a', cron: '61 * * * *', reconcil: {} },
        { name: 'b', cron: '* * * * *', timezone: 'Mars/Olympus', reconcile: { import: { psp: [join(d, 'no-inbox/*.csv')] } } },
        { name: 'keys', cron: '*/15 * * * *', scan: { baselines: ['keys'] } },
        { name: 'keys', cron: '*/15 * * * *', scan: { baselines: ['keys'] } },
      ],
    };
    const file = join(d, 'schedule.json');
    writeFileSync(file, JSON.stringify(config, null, 2));
    const r = runCli(['--db', join(d, 'x.db'), 'schedule', '--check', '--config', file]);
    expect(r.code).toBe(17);
    for (const expected of [
      'jobs[0].reconcil: unknown key', // schema
      'jobs[0].cron: "61 * * * *" is not a valid cron expression', // cron, in the job the schema refused
      'jobs[1].timezone: "Mars/Olympus" is not a known IANA time zone',
      'alerts[0].url: must be an http:// or https:// URL',
      'jobs[3].name: "keys" is already the name of jobs[2]',
      'alerts[0].secretEnv: environment variable PAYRECON_TEST_UNSET_SECRET is not set', // environment
      `alerts[1].path: directory ${join(d, 'no-such-dir')} does not exist`,
      'alerts[2].run[0]:',
      `jobs[1].reconcile.import.psp[0]: directory ${join(d, 'no-inbox')} does not exist`,
      `keyFile: key file ${key} is accessible by group or others`, // key file
      'jobs[2].scan.baselines[0]: no baseline named "keys"', // baselines
    ]) {
      expect(r.stderr).toContain(expected);
    }
    expect(r.stderr).toMatch(/invalid scheduler config \(1[0-9] problems\)/);
  });

  it('a valid config on a ready host: exit 0, nothing runs', () => {
    const d = dir();
    mkdirSync(join(d, 'watched'));
    writeFileSync(join(d, 'watched/a.conf'), 'x');
    const key = join(d, 'hmac.key');
    writeFileSync(key, 'k'.repeat(32), { mode: 0o600 });
    const db = join(d, 'x.db');
    expect(runCli(['--db', db, 'baseline', 'init', 'keys', '--path', join(d, 'watched'), '--key-file', key]).code).toBe(0);
    const file = join(d, 'schedule.json');
    writeFileSync(file, JSON.stringify({ keyFile: key, jobs: [{ name: 'keys', cron: '*/15 * * * *', scan: { baselines: ['keys'] } }] }));
    const r = runCli(['--db', db, '--json', 'schedule', '--check', '--config', file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ jobs: ['keys'], problems: [] });
  });

  it('a reconcile job guarded by requireClean: the baseline must exist and the key must be usable', () => {
    const d = dir();
    const db = emptyDatabase(join(d, 'x.db'));
    const file = join(d, 'schedule.json');
    writeFileSync(file, JSON.stringify({ jobs: [{ name: 'recon', cron: '0 2 * * *', reconcile: { requireClean: ['inputs'] } }] }));
    const r = runCli(['--db', db, 'schedule', '--check', '--config', file]);
    expect(r.code).toBe(17);
    expect(r.stderr).toContain('jobs[0].reconcile.requireClean[0]: no baseline named "inputs"');
    expect(r.stderr).toContain('keyFile: scan jobs need an HMAC key file, and so do reconcile jobs with requireClean');
  });

  it.each([
    ['a truncated file', '{\n  "jobs": [\n    {"name": "x"', 'line 3, column 17'],
    ['a stray comma', '{\n  "jobs": [\n    {"name": "x",}\n  ]\n}\n', 'line 3, column 18'],
    ['an empty file', '', 'line 1, column 1'],
  ])('JSON syntax errors say line and column: %s', (_what, text, where) => {
    const d = dir();
    const file = join(d, 's.json');
    writeFileSync(file, text);
    const r = runCli(['--db', join(d, 'x.db'), 'schedule', '--check', '--config', file]);
    expect(r.code).toBe(17);
    expect(r.stderr).toContain(`not valid JSON: `);
    expect(r.stderr).toContain(where);
  });
});
