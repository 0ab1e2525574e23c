/**
 * Files an unprivileged user cannot read must be findings (bit 8), never a silent pass. Root
 * reads everything, so these runs drop to `nobody` with setpriv (or runuser).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { onBackend } from '../helpers/backend.js';
import { BIN, cliEnv, parseJson, type CliResult } from '../helpers/cli.js';
import { integrityEnv, type IntegrityEnv } from '../helpers/integrity-env.js';
import { readableInstall } from '../helpers/readable-install.js';

const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const isRoot = process.getuid?.() === 0;
const dropper = have('setpriv')
  ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups']
  : have('runuser')
    ? ['runuser', '-u', 'nobody', '--']
    : undefined;
const NOBODY = 65534;
// A clone other users cannot traverse (mktemp -d, a 0700 home) gets a readable copy of the CLI.
const install = isRoot && dropper ? readableInstall(dropper) : undefined;
const cliBin = install && 'bin' in install ? install.bin : BIN;
const skipReason = !isRoot
  ? 'not running as root, cannot switch user'
  : !dropper
    ? 'neither setpriv nor runuser is installed'
    : install && 'skip' in install
      ? install.skip
      : undefined;
if (skipReason) console.log(`test/e2e/integrity-unreadable.test.ts skipped: ${skipReason}`);
afterAll(() => {
  if (install && 'cleanup' in install) install.cleanup();
});

let t: IntegrityEnv;
/** Run payrecon as nobody with this test's db and key. */
function asNobody(args: string[]): CliResult {
  const run = onBackend(['--db', t.db, ...args], cliEnv({ PAYRECON_KEY_FILE: t.key }), t.dir);
  const r = spawnSync(dropper![0], [...dropper!.slice(1), process.execPath, cliBin, ...run.args], { cwd: t.dir, env: run.env, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Hand the whole temp dir (tree, key, db directory) to nobody. */
function giveToNobody(path: string) {
  spawnSync('chown', ['-R', `${NOBODY}:${NOBODY}`, path]);
}

describe.skipIf(skipReason !== undefined)(
  `unreadable files as an unprivileged user (${skipReason ? 'skipped: ' + skipReason : 'via ' + dropper?.[0] + (install && 'copied' in install && install.copied ? ', running a readable copy of the CLI' : '')})`,
  () => {
    beforeEach(() => {
      t = integrityEnv();
      mkdirSync(join(t.dir, 'state'), { recursive: true });
      giveToNobody(t.dir);
    });
    afterEach(() => t.cleanup());

    it('a file nobody can read at init and at scan: init exits 8, scan exits exactly 8', () => {
      const secret = join(t.tree, 'root-only.conf');
      writeFileSync(secret, 'root only\n', { mode: 0o600 }); // owned by root
      const init = asNobody(['--json', 'baseline', 'init', 'conf', '--path', t.tree]);
      expect(init.code, init.stderr).toBe(8);
      expect(parseJson(init).findings).toEqual([{ path: secret, kind: 'unreadable', severity: 'high', reason: 'permission denied' }]);
      const scan = asNobody(['--json', 'scan', 'conf']);
      expect(scan.code, scan.stderr).toBe(8);
      const doc = parseJson(scan).scans[0];
      expect(doc.counts).toMatchObject({ unreadable: 1, changed: 0, removed: 0 });
      expect(doc.findings).toMatchObject([{ path: secret, kind: 'unreadable', reason: 'permission denied' }]);
    });

    it('a file that becomes unreadable: its mode change and its unreadable content are both reported (4|8)', () => {
      expect(asNobody(['baseline', 'init', 'conf', '--path', t.tree]).code).toBe(0);
      chmodSync(join(t.tree, 'a.conf'), 0o000);
      const scan = asNobody(['--json', 'scan', 'conf']);
      expect(scan.code).toBe(12);
      const kinds = parseJson(scan).scans[0].findings.map((f: { kind: string; path: string }) => `${f.kind} ${f.path.slice(t.tree.length)}`);
      expect(kinds).toEqual(['changed /a.conf', 'unreadable /a.conf']);
    });

    it('a directory that cannot be listed: what was below it is unreadable, not removed', () => {
      expect(asNobody(['baseline', 'init', 'conf', '--path', t.tree]).code).toBe(0);
      const sub = join(t.tree, 'sub');
      chownSync(sub, 0, 0);
      chmodSync(sub, 0o700);
      const scan = asNobody(['--json', 'scan', 'conf']);
      const doc = parseJson(scan).scans[0];
      expect(scan.code & 2).toBe(0);
      expect(scan.code & 8).toBe(8);
      expect(doc.findings).toContainEqual(expect.objectContaining({ path: join(sub, 'c.conf'), kind: 'unreadable' }));
      expect(doc.counts.removed).toBe(0);
    });
  },
);
