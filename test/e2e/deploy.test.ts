/**
 * Issue 19, item 10: the systemd unit and container command of README.md and docs/schedule.md
 * work as written, as far as this machine allows: the units pass `systemd-analyze verify`, they
 * and the container give the example config every directory it writes to, and an unprivileged
 * user's `schedule --check` fails on a key left owned by root and passes on one it owns.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cliEnv, ROOT, runCli, tempDir } from '../helpers/cli.js';
import { configStore } from '../helpers/config-store.js';
import { readableInstall } from '../helpers/readable-install.js';

const tmp = tempDir('payrecon-deploy-');
afterAll(() => tmp.cleanup());

function blocks(file: string, lang: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```', 'gm'))].map((m) => m[1]);
}

const UNITS = [...blocks('README.md', 'ini').map((u) => ['README.md', u]), ...blocks('docs/schedule.md', 'ini').map((u) => ['docs/schedule.md', u])];
const EXAMPLE_CONFIG = JSON.parse(blocks('docs/schedule.md', 'json')[0]) as { db: string; alerts: Array<{ path?: string }> };
/** Directories the example config writes to: the database's and the alert file's. */
const WRITES = [dirname(EXAMPLE_CONFIG.db), ...EXAMPLE_CONFIG.alerts.filter((a) => a.path).map((a) => dirname(a.path!))];

const hasSystemd = spawnSync('systemd-analyze', ['--version']).status === 0;

describe.each(UNITS)('the systemd unit in %s', (file, unit) => {
  it('gives the service every directory the example config writes to', () => {
    const dirs = new Set<string>();
    for (const [, key, value] of unit.matchAll(/^(StateDirectory|LogsDirectory)=(.+)$/gm)) dirs.add(`${key === 'StateDirectory' ? '/var/lib' : '/var/log'}/${value.trim()}`);
    for (const d of WRITES) expect(dirs, `${file}: nothing creates ${d} for User=payrecon`).toContain(d);
  });

  it.skipIf(!hasSystemd)('passes systemd-analyze verify', () => {
    // ExecStart must name an executable that exists here: the checkout's bin/payrecon.
    const path = join(tmp.dir, `payrecon-schedule-${file.replace(/\W/g, '-')}.service`);
    writeFileSync(path, unit.replace(/^ExecStart=\/usr\/bin\/payrecon/m, `ExecStart=${BIN}`));
    const r = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });
});
if (!hasSystemd) console.log('deploy.test.ts: systemd-analyze is not installed; the units were not verified');

describe.each(['README.md', 'docs/schedule.md'])('the container command in %s', (file) => {
  const run = blocks(file, 'sh').find((b) => b.includes('docker run -d'))!.replace(/\\\n/g, ' ');
  it('mounts every directory the example config writes to, writable', () => {
    const mounts = [...run.matchAll(/-v (\S+)/g)].map((m) => m[1].split(':'));
    for (const d of WRITES) {
      const m = mounts.find(([, dst]) => d === dst || d.startsWith(dst + '/'));
      expect(m, `${file}: no volume for ${d}`).toBeDefined();
      expect(m![2], `${file}: ${d} is mounted read-only`).not.toBe('ro');
    }
  });
});

describe('an unprivileged service user and its key', () => {
  const root = process.getuid?.() === 0;
  const setpriv = spawnSync('setpriv', ['--version']).status === 0;
  // A clone other users cannot traverse (mktemp -d, a 0700 home) gets a readable copy of the CLI.
  const install = root && setpriv ? readableInstall(['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups']) : undefined;
  const bin = install && 'bin' in install ? install.bin : BIN;
  const skip = !root || !setpriv ? 'not root or no setpriv' : install && 'skip' in install ? install.skip : undefined;
  if (skip) console.log(`deploy.test.ts: ${skip}; schedule --check was not run as another user`);
  afterAll(() => {
    if (install && 'cleanup' in install) install.cleanup();
  });

  it.skipIf(skip !== undefined)('schedule --check as that user: a root-owned key is named unreadable; once the user owns it, ready', () => {
    const UID = 65534; // nobody: a user without a shell or a home, like the unit's `payrecon`
    const etc = join(tmp.dir, 'etc');
    const state = join(tmp.dir, 'state');
    mkdirSync(etc);
    mkdirSync(join(state, 'watched'), { recursive: true });
    chmodSync(tmp.dir, 0o755);
    writeFileSync(join(state, 'watched/app.conf'), 'x');
    // The docs' recipe: created by root with umask 077.
    const key = join(etc, 'hmac.key');
    expect(spawnSync('sh', ['-c', `umask 077 && head -c 32 /dev/urandom > ${key}`]).status).toBe(0);
    const db = join(state, 'payrecon.db');
    expect(runCli(['--db', db, 'baseline', 'init', 'keys', '--path', join(state, 'watched'), '--key-file', key]).code).toBe(0);
    for (const p of [state, db, join(state, 'payrecon.db-wal'), join(state, 'payrecon.db-shm')]) {
      try {
        chownSync(p, UID, UID);
      } catch {
        // -wal/-shm exist only while a connection is open
      }
    }
    const config = join(etc, 'schedule.json');
    writeFileSync(config, JSON.stringify({ db: configStore(etc, db), keyFile: key, jobs: [{ name: 'keys', cron: '*/15 * * * *', scan: { baselines: ['keys'] } }] }));
    const asUser = () =>
      spawnSync('setpriv', [`--reuid=${UID}`, `--regid=${UID}`, '--clear-groups', process.execPath, bin, 'schedule', '--check', '--config', config], {
        encoding: 'utf8',
        env: cliEnv(),
        cwd: tmp.dir,
      });
    const refused = asUser();
    expect(refused.status, refused.stderr).toBe(17);
    expect(refused.stderr).toContain(`keyFile: ${key} is not readable`);
    chownSync(key, UID, UID);
    const ready = asUser();
    expect(ready.status, ready.stderr).toBe(0);
    expect(ready.stdout).toContain(`${config}: valid`);
  });
});
