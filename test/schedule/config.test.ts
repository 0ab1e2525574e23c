import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode, PayreconError } from '../../src/errors.js';
import { loadScheduleConfig, parseScheduleConfig } from '../../src/schedule/config.js';
import { FIXTURES, tempDir } from '../helpers/cli.js';

const tmp = tempDir('payrecon-schedcfg-');
afterAll(() => tmp.cleanup());
mkdirSync(join(tmp.dir, 'inbox'));
writeFileSync(join(tmp.dir, 'hmac.key'), 'k'.repeat(32));

const scanJob = { name: 'keys', cron: '*/15 * * * *', scan: { baselines: ['keys'] } };
const env = { PATH: process.env.PATH, HOOK_SECRET: 's3cret' };

let n = 0;
function load(config: unknown, e: NodeJS.ProcessEnv = env) {
  const file = join(tmp.dir, `c${n++}.json`);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return loadScheduleConfig(file, e);
}

function failure(config: unknown, e?: NodeJS.ProcessEnv): PayreconError {
  try {
    load(config, e);
  } catch (err) {
    if (err instanceof PayreconError) return err;
    throw err;
  }
  throw new Error('config was accepted');
}

describe('schedule config validation (exit 17, naming the key)', () => {
  const cases: Array<[string, unknown, string | RegExp]> = [
    ['not JSON', '{\n  "jobs": [\n    {"name": "a",}\n  ]\n}', /not valid JSON: .* at line 3, column \d+/],
    ['unknown nested key', { jobs: [scanJob, { name: 'b', cron: '* * * * *', scan: { baselinez: ['x'] } }] }, 'jobs[1].scan.baselinez: unknown key'],
    ['unknown top-level key', { jobz: [], jobs: [scanJob] }, 'jobz: unknown key'],
    ['unknown sink key', { alerts: [{ type: 'file', path: 'a.jsonl', mode: 1 }], jobs: [scanJob] }, 'alerts[0].mode: unknown key'],
    ['unknown sink type', { alerts: [{ type: 'email', to: 'x' }], jobs: [scanJob] }, 'alerts[0].type'],
    ['no jobs', { jobs: [] }, 'jobs: needs at least one job'],
    ['bad cron value', { jobs: [{ ...scanJob, cron: '61 * * * *' }] }, /jobs\[0\]\.cron: "61 \* \* \* \*" is not a valid cron expression/],
    ['cron with 7 fields', { jobs: [{ ...scanJob, cron: '* * * * * * *' }] }, 'jobs[0].cron: "* * * * * * *" has 7 fields'],
    ['bad time zone', { jobs: [{ ...scanJob, timezone: 'Mars/Olympus' }] }, 'jobs[0].timezone'],
    ['webhook not http(s)', { alerts: [{ type: 'webhook', url: 'ftp://h/x', secretEnv: 'HOOK_SECRET' }], jobs: [scanJob] }, 'alerts[0].url: must be an http:// or https:// URL'],
    ['webhook without secretEnv', { alerts: [{ type: 'webhook', url: 'https://h/x' }], jobs: [scanJob] }, 'alerts[0].secretEnv: required'],
    ['secretEnv unset', { alerts: [{ type: 'webhook', url: 'https://h/x', secretEnv: 'NOT_SET_ANYWHERE' }], jobs: [scanJob] }, 'alerts[0].secretEnv: environment variable NOT_SET_ANYWHERE is not set'],
    ['both reconcile and scan', { jobs: [{ ...scanJob, reconcile: {} }] }, 'jobs[0]: has both "reconcile" and "scan"'],
    ['neither reconcile nor scan', { jobs: [{ name: 'x', cron: '* * * * *' }] }, 'jobs[0]: needs "reconcile" or "scan"'],
    ['duplicate job names', { jobs: [scanJob, { ...scanJob }] }, 'jobs[1].name: "keys" is already the name of jobs[0]'],
    ['syslog without protocol', { alerts: [{ type: 'syslog', host: '127.0.0.1', port: 514 }], jobs: [scanJob] }, 'alerts[0].protocol: Invalid option: expected one of "udp"|"tcp"'],
    ['syslog port out of range', { alerts: [{ type: 'syslog', host: 'h', port: 70000, protocol: 'udp' }], jobs: [scanJob] }, 'alerts[0].port'],
    ['syslog unknown facility', { alerts: [{ type: 'syslog', host: 'h', port: 514, protocol: 'tcp', facility: 'local9' }], jobs: [scanJob] }, 'alerts[0].facility'],
    ['jsonl directory missing', { alerts: [{ type: 'jsonl', path: 'nowhere/events.jsonl' }], jobs: [scanJob] }, /alerts\[0\]\.path: directory .*nowhere does not exist/],
    ['requireClean empty', { jobs: [{ name: 'r', cron: '0 2 * * *', reconcile: { requireClean: [] } }] }, 'jobs[0].reconcile.requireClean'],
    ['glob directory missing', { jobs: [{ name: 'r', cron: '0 2 * * *', reconcile: { import: { psp: ['nowhere/*.csv'] } } }] }, /jobs\[0\]\.reconcile\.import\.psp\[0\]: directory .*nowhere does not exist/],
    ['unknown discrepancy kind in failOn', { jobs: [{ name: 'r', cron: '0 2 * * *', reconcile: { failOn: ['missing'] } }] }, 'jobs[0].reconcile.failOn[0]'],
    ['dateWindow not whole', { jobs: [{ name: 'r', cron: '0 2 * * *', reconcile: { dateWindow: 1.5 } }] }, 'jobs[0].reconcile.dateWindow'],
    ['amountTolerance past 15 digits (would overflow once scaled)', { jobs: [{ name: 'r', cron: '0 2 * * *', reconcile: { amountTolerance: '99999999999999999999999' } }] }, 'jobs[0].reconcile.amountTolerance: must be a non-negative decimal string like "0.05" (at most 15 digits before the point, 6 after)'],
    ['file sink directory missing', { alerts: [{ type: 'file', path: 'no/such/dir/a.jsonl' }], jobs: [scanJob] }, /alerts\[0\]\.path: directory .*no\/such\/dir does not exist/],
    ['command not executable', { alerts: [{ type: 'command', run: ['payrecon-no-such-pager'] }], jobs: [scanJob] }, 'alerts[0].run[0]: "payrecon-no-such-pager" is not an executable file on PATH'],
    ['keyFile missing', { keyFile: 'missing.key', jobs: [scanJob] }, /keyFile: .*missing\.key does not exist/],
    ['db a URL of another scheme (its password not echoed)', { db: 'mysql://ana:s3cret@h/recon', jobs: [scanJob] }, /^(?![\s\S]*s3cret)[\s\S]*db: mysql:\/\/ana:\*\*\*@h\/recon: payrecon stores its data in a SQLite file or on a PostgreSQL server/],
  ];

  it.each(cases)('%s', (_name, config, expected) => {
    const err = failure(config);
    expect(err.exitCode).toBe(ExitCode.INPUT);
    if (typeof expected === 'string') expect(err.message).toContain(expected);
    else expect(err.message).toMatch(expected);
  });

  it('reports every problem at once, not just the first', () => {
    const err = failure({ jobs: [{ ...scanJob, cron: 'nope' }, { ...scanJob }] });
    expect(err.message).toContain('jobs[0].cron');
    expect(err.message).toContain('jobs[1].name');
    // One line per problem; a value quoted from the config cannot add lines of its own.
    expect(err.message.split('\n').slice(1)).toEqual([expect.stringMatching(/^  jobs\[0\]\.cron/), expect.stringMatching(/^  jobs\[1\]\.name/)]);
    const hostile = failure({ jobs: [{ ...scanJob, cron: 'x\ny\u001b[8m' }] });
    expect(hostile.message.split('\n')).toHaveLength(2);
    expect(hostile.message).toContain('x\\ny\\x1b[8m');
  });

  it('accepts the contract example shape and resolves paths against the config directory', () => {
    const cfg = load({
      db: 'data/payrecon.db',
      keyFile: 'hmac.key',
      alerts: [
        { type: 'webhook', url: 'https://hooks.example.com/payrecon', secretEnv: 'HOOK_SECRET' },
        { type: 'file', path: 'alerts.jsonl' },
        { type: 'command', run: ['sh', '-c', 'cat >/dev/null'] },
      ],
      jobs: [
        { name: 'nightly-recon', cron: '30 2 * * *', reconcile: { import: { psp: ['inbox/*.csv'], ledger: ['inbox/ledger-*.csv'] }, dateWindow: 3 } },
        { name: 'keys', cron: '*/15 * * * * *', scan: { baselines: ['keys'] } },
      ],
    });
    expect(cfg.db).toBe(join(tmp.dir, 'data/payrecon.db'));
    // A PostgreSQL URL is kept as written, not taken for a path under the config's directory.
    expect(load({ db: 'postgres://recon@db.internal:5432/recon', jobs: [scanJob] }).db).toBe('postgres://recon@db.internal:5432/recon');
    expect(cfg.keyFile).toBe(join(tmp.dir, 'hmac.key'));
    expect(cfg.jobs.map((j) => j.command)).toEqual(['reconcile', 'scan']);
    expect(cfg.jobs[0].reconcile?.import?.psp).toEqual([join(tmp.dir, 'inbox/*.csv')]);
    expect(cfg.alerts[1]).toMatchObject({ type: 'file', path: join(tmp.dir, 'alerts.jsonl') });
    // Sink keys are how the outbox finds its rows after a restart: stable and distinct.
    expect(new Set(cfg.alerts.map((a) => a.key)).size).toBe(3);
  });

  it('a webhook sink key is a digest of its URL: stable, and no token in it', () => {
    const url = 'https://u:pw-tok@hooks.example.com/services/path-tok?token=q-tok';
    const hook = (u: string) => load({ alerts: [{ type: 'webhook', url: u, secretEnv: 'HOOK_SECRET' }], jobs: [scanJob] }).alerts[0];
    expect(hook(url).key).toMatch(/^webhook sha256:[0-9a-f]{32}$/);
    expect(hook(url).key).not.toContain('tok');
    expect(hook(url).key).toBe(hook(url).key);
    expect(hook(url).key).not.toBe(hook(url.replace('q-tok', 'q-other')).key);
    expect(hook(url).label).toBe('webhook https://hooks.example.com/services/path-tok');
  });

  it('an unreadable config file is an I/O error (18), not an input error', () => {
    expect(() => loadScheduleConfig(join(tmp.dir, 'absent.json'), env)).toThrow(expect.objectContaining({ exitCode: ExitCode.IO }));
  });
});

describe('the example configs in fixtures/schedule', () => {
  it.each(['payrecon.schedule.json', 'scan-every-minute.json'])('%s is valid', (name) => {
    const file = join(FIXTURES, 'schedule', name);
    expect(parseScheduleConfig(readFileSync(file, 'utf8'), file).jobs.length).toBeGreaterThan(0);
  });
});
