/**
 * Issue 18, "done when": a tree is baselined, then given every change an attacker can make
 * beyond content (setcap, an ACL entry on a key, a user xattr, a new file in ssh/, setuid,
 * world-writable paths, a hard link, a default ACL on a directory). payrecon must name each
 * attribute and its value (xattr names with digests, never values; ACL entries; capability
 * names) and raise the policy findings. When AIDE is installed it baselines and checks the
 * same tree, and every attribute it reports must be among those payrecon reports.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanDocument, ScanFinding } from '../../src/domain/integrity.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { aideChanges, aideConfig } from '../helpers/aide.js';
import { storedBytes } from '../helpers/store-copy.js';
import { has, xattrTempDir } from '../helpers/xattr-tools.js';

const SECRET_VALUE = 'xattr-value-7f3c9a-never-printed';
const temp = xattrTempDir('payrecon-xattrs-');
const HAS_AIDE = has('aide');

function sh(cmd: string, ...args: string[]) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(!temp.dir)(`what an attacker changes besides content${temp.reason ? ` (skipped: ${temp.reason})` : ''}`, () => {
  const dir = temp.dir!;
  const tree = join(dir, 'tree');
  const db = join(dir, 'payrecon.db');
  const key = join(dir, 'hmac.key');
  const env = { PAYRECON_KEY_FILE: key };
  let scan: ScanDocument;
  let stdout = '';
  let aide: Map<string, Set<string>> | undefined;
  const p = (rel: string) => join(tree, rel);

  beforeAll(() => {
    writeFileSync(key, Buffer.alloc(32, 7), { mode: 0o600 });
    for (const d of ['ssh', 'bin', 'conf', 'conf/drop']) mkdirSync(p(d), { recursive: true });
    writeFileSync(p('ssh/id_ed25519'), '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n', { mode: 0o600 });
    copyFileSync('/bin/true', p('bin/tool'));
    chmodSync(p('bin/tool'), 0o755);
    writeFileSync(p('conf/app.conf'), 'port = 80\n', { mode: 0o644 });
    writeFileSync(p('conf/shared.conf'), 'x = 1\n', { mode: 0o644 });
    chmodSync(p('conf/drop'), 0o755);
    chmodSync(p('ssh'), 0o700);

    const init = runCli(['--db', db, '--json', 'baseline', 'init', 'tree', '--path', tree], { env });
    expect(init.code, init.stderr).toBe(0);
    const conf = join(dir, 'aide.conf');
    if (HAS_AIDE) {
      writeFileSync(conf, aideConfig(dir, tree));
      sh('aide', '--init', `--config=${conf}`);
      sh('mv', join(dir, 'aide.db.new'), join(dir, 'aide.db'));
    }

    sh('setcap', 'cap_setuid+ep', p('bin/tool'));
    sh('setfacl', '-m', 'u:nobody:r', p('ssh/id_ed25519'));
    sh('setfattr', '-n', 'user.note', '-v', SECRET_VALUE, p('conf/app.conf'));
    writeFileSync(p('ssh/id_new'), 'not a key\n', { mode: 0o600 });
    chmodSync(p('bin/tool'), 0o4755); // after setcap: setting capabilities clears setuid
    chmodSync(p('conf/shared.conf'), 0o646);
    chmodSync(p('conf/drop'), 0o777);
    linkSync(p('conf/app.conf'), p('conf/app.link'));
    sh('setfacl', '-d', '-m', 'u:nobody:rx', p('conf'));

    const r = runCli(['--db', db, '--json', 'scan', 'tree'], { env });
    stdout = r.stdout + r.stderr;
    scan = parseJson<{ scans: ScanDocument[] }>(r).scans[0];
    if (HAS_AIDE) aide = aideChanges(spawnSync('aide', ['--check', `--config=${conf}`], { encoding: 'utf8' }).stdout, tree);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const changed = (rel: string) => scan.findings.find((f) => f.kind === 'changed' && f.path === p(rel)) as ScanFinding;
  const policy = (rel: string) => scan.findings.filter((f) => f.kind === 'policy' && f.path === p(rel)).map((f) => f.reason);

  it('setcap cap_setuid+ep and chmod u+s: the capability by name, the xattr, the setuid bit, two policy findings', () => {
    expect(changed('bin/tool').attributes).toEqual(expect.arrayContaining(['mode', 'xattrs', 'caps']));
    expect(changed('bin/tool').reason).toContain('caps none -> cap_setuid=ep');
    expect(changed('bin/tool').reason).toContain('xattrs +security.capability (sha256 ');
    expect(changed('bin/tool').reason).toContain('mode 0755 -> 04755');
    expect(policy('bin/tool')).toEqual(['file gained the setuid bit (mode 0755 -> 04755)', 'file gained capabilities cap_setuid (now cap_setuid=ep; was none)']);
  });

  it('setfacl -m u:nobody:r on a private key: the ACL entry, and a policy finding naming who may read it', () => {
    expect(changed('ssh/id_ed25519').attributes).toEqual(expect.arrayContaining(['mode', 'acl']));
    expect(changed('ssh/id_ed25519').reason).toContain('acl +user:nobody:r--, +mask::r--');
    expect(policy('ssh/id_ed25519')).toEqual([expect.stringMatching(/^OpenSSH private key: ACL grants user nobody read \(mode 0640, its group bits are the ACL mask/)]);
  });

  it('setfattr -n user.note: the name and a digest of the value, never the value', () => {
    expect(changed('conf/app.conf').attributes).toEqual(expect.arrayContaining(['xattrs', 'nlink']));
    expect(changed('conf/app.conf').reason).toMatch(/xattrs \+user\.note \(sha256 [0-9a-f]{12}\)/);
    expect(stdout).not.toContain(SECRET_VALUE);
    expect(storedBytes(db).includes(SECRET_VALUE)).toBe(false);
  });

  it('a new file in ssh/: the directory changed, with its entry count and the cause', () => {
    expect(scan.findings.find((f) => f.kind === 'added' && f.path === p('ssh/id_new'))).toBeTruthy();
    expect(changed('ssh').attributes).toEqual(expect.arrayContaining(['mtime', 'ctime', 'entries']));
    expect(changed('ssh').reason).toMatch(/entries 1 -> 2 \(added id_new\)$/);
  });

  it('a hard link: the link count of the file, the new name, and the directory', () => {
    expect(changed('conf/app.conf').reason).toContain('nlink 1 -> 2');
    expect(scan.findings.find((f) => f.kind === 'added' && f.path === p('conf/app.link'))).toBeTruthy();
    expect(changed('conf').reason).toContain('added app.link');
  });

  it('a default ACL on a directory: its entries', () => {
    expect(changed('conf').attributes).toEqual(expect.arrayContaining(['default_acl']));
    expect(changed('conf').reason).toContain('+user:nobody:r-x');
  });

  it('world-writable file and directory: policy findings', () => {
    expect(policy('conf/shared.conf')).toEqual(['world-writable file (mode 0646; chmod o-w it)']);
    expect(policy('conf/drop')).toEqual(['world-writable directory (mode 0777; chmod o-w it)']);
    expect(changed('conf/drop').reason).toContain('mode 0755 -> 0777');
  });

  it.skipIf(!HAS_AIDE)(`reports at least every attribute AIDE reports on the same tree${HAS_AIDE ? '' : ' (skipped: aide not installed, Debian package aide)'}`, () => {
    // The parser read AIDE's report (a parser that found nothing would pass anything).
    // (AIDE keeps times in whole seconds: whether it sees mtime/ctime depends on the clock.)
    const seen = (rel: string) => [...(aide!.get(p(rel)) ?? [])];
    expect(seen('bin/tool')).toEqual(expect.arrayContaining(['mode', 'xattrs']));
    expect(seen('ssh/id_ed25519')).toEqual(expect.arrayContaining(['mode', 'acl']));
    expect(seen('conf/app.conf')).toEqual(expect.arrayContaining(['nlink', 'xattrs']));
    expect(seen('conf')).toEqual(expect.arrayContaining(['default_acl']));
    expect(seen('ssh/id_new')).toEqual(['added']);
    for (const [path, attrs] of aide!) {
      const ours = new Set(scan.findings.filter((f) => f.path === path).flatMap((f) => (f.kind === 'changed' ? f.attributes ?? [] : [f.kind])));
      for (const attr of attrs) {
        const alternatives = attr.split('|');
        expect(alternatives.some((a) => ours.has(a)), `AIDE reports ${attr} for ${path}; payrecon reports ${[...ours].join(', ')}`).toBe(true);
      }
    }
  });
});
